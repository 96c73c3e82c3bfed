import { describe, expect, it } from 'vitest';
import {
  apiQueryFromFilters,
  EMPTY_FILTERS,
  filtersFromSearch,
  isoFromUtcInput,
  searchFromFilters,
  utcInputFromIso,
} from './filters';

describe('log filters in the URL', () => {
  it('round-trips every filter through the query string with the API names', () => {
    const filters = {
      levels: ['ERROR', 'WARNING'],
      event: 'order_placed',
      logger: 'bot.orders',
      correlationId: 'req-42',
      start: '2026-11-22T08:00:00Z',
      end: '2026-11-22T09:00:00Z',
      text: 'strangle delta',
      source: 'ui' as const,
      actor: 'ops.viewer',
      archived: true,
    };
    const search = searchFromFilters(filters);
    expect(search.toString()).toBe(
      'level=ERROR&level=WARNING&event=order_placed&logger=bot.orders&correlation_id=req-42' +
        '&start=2026-11-22T08%3A00%3A00Z&end=2026-11-22T09%3A00%3A00Z&q=strangle+delta&source=ui&actor=ops.viewer&archived=true',
    );
    expect(filtersFromSearch(new URLSearchParams(search.toString()))).toEqual(filters);
  });

  it('ignores unknown parameters, bad dates and repeated levels', () => {
    const filters = filtersFromSearch(new URLSearchParams('level=error&level=ERROR&start=yesterday&source=disk&x=1'));
    expect(filters).toEqual({ ...EMPTY_FILTERS, levels: ['ERROR'] });
  });

  it('reads every source the API knows, edge and ingest included', () => {
    for (const source of ['backend', 'edge', 'ui', 'ingest'] as const) {
      expect(filtersFromSearch(new URLSearchParams(`source=${source}`)).source).toBe(source);
    }
  });

  it('reads a link from before the ui source as the ui source', () => {
    expect(filtersFromSearch(new URLSearchParams('source=frontend')).source).toBe('ui');
  });

  it('builds the API query, leaving out empty filters', () => {
    expect(apiQueryFromFilters({ ...EMPTY_FILTERS, actor: 'admin' })).toEqual({ actor: 'admin' });
    expect(apiQueryFromFilters({ ...EMPTY_FILTERS, levels: ['INFO'], text: '  ' })).toEqual({ level: ['INFO'] });
    expect(apiQueryFromFilters({ ...EMPTY_FILTERS, archived: true })).toEqual({ archived: 'true' });
  });

  it('reads datetime-local values as UTC', () => {
    expect(isoFromUtcInput('2026-11-22T08:30')).toBe('2026-11-22T08:30:00Z');
    expect(isoFromUtcInput('2026-11-22T08:30:15')).toBe('2026-11-22T08:30:15Z');
    expect(isoFromUtcInput('')).toBe('');
    expect(utcInputFromIso('2026-11-22T08:30:15Z')).toBe('2026-11-22T08:30:15');
  });
});
