/** Time ranges and time display of the Log Viewer: relative presets, UTC or local clock. */

export const RANGE_PRESETS = [
  { value: '15m', label: '15 min', ms: 15 * 60_000 },
  { value: '1h', label: '1 h', ms: 3_600_000 },
  { value: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { value: '7d', label: '7 d', ms: 7 * 24 * 3_600_000 },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['value'];

export type TimeZoneChoice = 'utc' | 'local';

export function isRangePreset(value: string): value is RangePreset {
  return RANGE_PRESETS.some((preset) => preset.value === value);
}

/** The start of a relative range as of `now`, in the API's ISO form (UTC, whole seconds). */
export function rangeStartIso(preset: RangePreset, now: number): string {
  const ms = RANGE_PRESETS.find((item) => item.value === preset)?.ms ?? 0;
  return isoSeconds(now - ms);
}

export function isoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * An API timestamp ("2026-11-22T00:04:00.548610Z") as "2026-11-22 00:04:00.548", on the UTC clock
 * or the browser's.
 */
export function formatInZone(ts: string | null, zone: TimeZoneChoice): string {
  if (!ts) return '—';
  if (zone === 'utc') return ts.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1').replace(/Z$/, '');
  const moment = new Date(ts);
  if (Number.isNaN(moment.getTime())) return ts;
  const fraction = /\.(\d{3})/.exec(ts)?.[1];
  const date = `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
  const time = `${pad(moment.getHours())}:${pad(moment.getMinutes())}:${pad(moment.getSeconds())}`;
  return `${date} ${time}${fraction ? `.${fraction}` : ''}`;
}

/** A `datetime-local` input's value read on the chosen clock, as the URL's ISO form (UTC); and back. */
export function isoFromInput(value: string, zone: TimeZoneChoice): string {
  if (!value) return '';
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const parsed = zone === 'utc' ? Date.parse(`${withSeconds}Z`) : new Date(withSeconds).getTime();
  return Number.isNaN(parsed) ? '' : `${new Date(parsed).toISOString().slice(0, 19)}Z`;
}

export function inputFromIso(iso: string, zone: TimeZoneChoice): string {
  if (!iso) return '';
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return '';
  if (zone === 'utc') return moment.toISOString().slice(0, 19);
  return formatInZone(moment.toISOString(), 'local').replace(' ', 'T').slice(0, 19);
}

export function zoneLabel(zone: TimeZoneChoice): string {
  return zone === 'utc' ? 'UTC' : 'local';
}
