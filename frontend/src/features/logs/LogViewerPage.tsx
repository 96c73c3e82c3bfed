import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useServices } from '../../app/services';
import { describeError } from '../../lib/describeError';
import { fetchFacets } from './api';
import { filtersFromSearch, hasAnyFilter, searchFromFilters, type LogFilters } from './filters';
import { FieldFilters } from './FieldFilters';
import { FieldPicker } from './FieldPicker';
import { searchWords } from './highlight';
import { LogFilterForm } from './LogFilterForm';
import { LogHistogram } from './LogHistogram';
import { LogViewControls } from './LogViewControls';
import { LogRowDetails } from './LogRowDetails';
import { LogTable } from './LogTable';
import { useLogStream } from './useLogStream';
import { DownloadLogs } from './DownloadLogs';
import { LiveTail } from './LiveTail';
import { LogLineContext } from './LogLineContext';
import { lineFromSearch, withoutLine } from './permalink';
import { useLiveTail } from './useLiveTail';
import { useFirstRowsMark } from './firstRowsMark';
import { viewOptionsFromSearch, withViewOptions, type LogViewOptions } from './viewOptions';
import styles from './LogViewerPage.module.css';
import { usePageTitle } from '../../lib/pageTitle';

// The same width as the stylesheets' phone layout.
const PHONE_QUERY = '(max-width: 760px)';

export function LogViewerPage() {
  usePageTitle('Logs');
  const { api } = useServices();
  const [searchParams, setSearchParams] = useSearchParams();
  const searchKey = searchParams.toString();
  const line = lineFromSearch(searchParams);
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(searchKey)), [searchKey]);
  const view = useMemo(() => viewOptionsFromSearch(new URLSearchParams(searchKey)), [searchKey]);
  // The filters only: the results outlive opening or closing a linked line (a running live tail
  // goes on) and a change of clock or wrap (the loaded rows and the open ones stay).
  const resultsKey = searchFromFilters(filters).toString();
  const [filtersOpen, setFiltersOpen] = useState(() => !window.matchMedia?.(PHONE_QUERY).matches);
  // The order is not a filter: it shows the same rows.
  const activeFilters = [...new Set(searchFromFilters(filters).keys())].filter((key) => key !== 'order').length;
  useEffect(() => {
    // The summary that would reopen them is hidden on a desk, so a widened window opens them.
    const phone = window.matchMedia?.(PHONE_QUERY);
    if (!phone) return;
    const onChange = () => {
      if (!phone.matches) setFiltersOpen(true);
    };
    phone.addEventListener('change', onChange);
    return () => phone.removeEventListener('change', onChange);
  }, []);

  const facets = useQuery({
    queryKey: ['logs', 'facets'],
    queryFn: ({ signal }) => fetchFacets(api, signal),
    staleTime: 30_000,
  });

  // The view options (clock, wrap) stay when the filters change, and the other way round.
  const applyFilters = useCallback(
    (next: LogFilters) => setSearchParams(withViewOptions(searchFromFilters(next), view)),
    [setSearchParams, view],
  );
  const applyView = useCallback(
    (next: LogViewOptions) => setSearchParams(withViewOptions(withoutLine(searchParams), next)),
    [setSearchParams, searchParams],
  );
  const addFieldFilter = useCallback(
    (spelled: string) => {
      if (!filters.where.includes(spelled)) applyFilters({ ...filters, where: [...filters.where, spelled] });
    },
    [applyFilters, filters],
  );

  return (
    <div className={styles.page}>
      <h1 className="visually-hidden">Log Viewer</h1>
      {/* Folded on a phone, so the entries get the screen; always open on a desk (the summary is hidden there). */}
      <details className={styles.filters} open={filtersOpen} onToggle={(event) => setFiltersOpen(event.currentTarget.open)}>
        <summary className={styles.filtersSummary}>
          Filters{activeFilters > 0 ? ` (${activeFilters} applied)` : ''}
        </summary>
        {/* Keyed on the URL so the form shows what a link or a correlation-id click applied. */}
        <LogFilterForm
          key={`form?${searchKey}`}
          filters={filters}
          facets={facets.data}
          onApply={applyFilters}
          timeZone={view.timeZone}
        />
      </details>
      {/* Outside the fold: the field filters in force stay in sight on a phone too. */}
      <FieldFilters where={filters.where} onChange={(where) => applyFilters({ ...filters, where })} />
      <LogViewControls filters={filters} view={view} onFilters={applyFilters} onView={applyView} />
      <LogHistogram
        filters={filters}
        timeZone={view.timeZone}
        onZoom={(start, end) => applyFilters({ ...filters, range: '', start, end })}
      />
      {line && (
        <LogLineContext
          key={`line?${line.id}-${line.archived}`}
          target={line}
          onClose={() => setSearchParams(withoutLine(searchParams))}
        />
      )}
      <LogResults
        key={`results?${resultsKey}`}
        filters={filters}
        view={view}
        onFieldFilter={addFieldFilter}
        onCorrelationId={(correlationId) => applyFilters({ ...filters, correlationId })}
      />
    </div>
  );
}

interface ResultsProps {
  filters: LogFilters;
  view: LogViewOptions;
  onFieldFilter: (spelled: string) => void;
  onCorrelationId: (correlationId: string) => void;
}

function LogResults({ filters, view, onFieldFilter, onCorrelationId }: ResultsProps) {
  const words = useMemo(() => searchWords(filters.text), [filters.text]);
  const { rows, list, listKey, refresh } = useLogStream(filters);
  const tail = useLiveTail(filters, listKey, list.isSuccess);
  useFirstRowsMark(rows.length > 0);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());

  const toggle = useCallback((id: number) => {
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  const count = rows.length.toLocaleString('en-US');
  let status: string;
  if (list.isPending) status = 'Loading entries…';
  else if (rows.length === 0) status = hasAnyFilter(filters) ? 'No entries match these filters.' : 'No entries yet.';
  else status = `${count} ${rows.length === 1 ? 'entry' : 'entries'} loaded${list.hasNextPage ? '' : ' (all)'}`;

  return (
    <>
      <div className={styles.toolbar}>
        <LiveTail tail={tail} />
        <button type="button" className="button" onClick={() => void refresh()}>
          Refresh
        </button>
        <DownloadLogs filters={filters} />
        <p className={styles.status} role="status" aria-live="polite">
          {status}
          {!list.isPending && rows.length === 0 && hasAnyFilter(filters) && (
            <span> Widen the time range or clear the filters.</span>
          )}
          {tail.on && tail.added > 0 ? ` · ${tail.added} new` : ''}
        </p>
      </div>
      {list.isError && (
        <p role="alert" className={styles.error}>
          Could not load log entries: {describeError(list.error)}
        </p>
      )}
      <LogTable
        rows={rows}
        expandedIds={expanded}
        onToggle={toggle}
        onCorrelationId={onCorrelationId}
        timeZone={view.timeZone}
        wrap={view.wrap}
        highlightWords={words}
        renderDetails={(row) => (
          <>
            <FieldPicker row={row} words={words} onAdd={onFieldFilter} />
            <LogRowDetails row={row} archived={filters.archived} />
          </>
        )}
      />
      <div className={styles.footer}>
        {list.hasNextPage ? (
          <button
            type="button"
            className="button"
            disabled={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            {list.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
          </button>
        ) : (
          list.isSuccess && rows.length > 0 && <span className={styles.muted}>No older entries.</span>
        )}
      </div>
    </>
  );
}
