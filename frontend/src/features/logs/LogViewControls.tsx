import type { LogFilters } from './filters';
import { RANGE_PRESETS, type RangePreset } from './timeRange';
import type { LogViewOptions } from './viewOptions';
import styles from './LogViewControls.module.css';

interface Props {
  filters: LogFilters;
  view: LogViewOptions;
  onFilters: (filters: LogFilters) => void;
  onView: (view: LogViewOptions) => void;
}

/** Range presets, sort order, clock and line wrap: each applies at once and lands in the URL. */
export function LogViewControls({ filters, view, onFilters, onView }: Props) {
  const absolute = Boolean(filters.start || filters.end);
  const choose = (range: '' | RangePreset) => onFilters({ ...filters, range, start: '', end: '' });
  return (
    <div className={styles.controls}>
      <div className={styles.group} role="group" aria-label="Time range">
        {RANGE_PRESETS.map((preset) => (
          <button
            key={preset.value}
            type="button"
            className={styles.preset}
            aria-pressed={filters.range === preset.value}
            onClick={() => choose(preset.value)}
          >
            {preset.label}
          </button>
        ))}
        <button
          type="button"
          className={styles.preset}
          aria-pressed={!filters.range && !absolute}
          onClick={() => choose('')}
          title="No time limit"
        >
          All
        </button>
        {absolute && <span className={styles.custom}>custom range</span>}
      </div>
      <label className={styles.option}>
        <span>Order</span>
        <select
          value={filters.order}
          onChange={(event) => onFilters({ ...filters, order: event.target.value === 'oldest' ? 'oldest' : 'newest' })}
        >
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </select>
      </label>
      <div className={styles.group} role="group" aria-label="Clock">
        {(['utc', 'local'] as const).map((zone) => (
          <button
            key={zone}
            type="button"
            className={styles.preset}
            aria-pressed={view.timeZone === zone}
            onClick={() => onView({ ...view, timeZone: zone })}
          >
            {zone === 'utc' ? 'UTC' : 'Local'}
          </button>
        ))}
      </div>
      <label className={styles.option}>
        <input type="checkbox" checked={view.wrap} onChange={(event) => onView({ ...view, wrap: event.target.checked })} />
        Wrap lines
      </label>
    </div>
  );
}
