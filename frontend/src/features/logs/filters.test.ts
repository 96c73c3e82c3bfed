import { describe, expect, it } from 'vitest';
import {
  apiQueryFromFilters,
  EMPTY_FILTERS,
  filtersFromSearch,
  hasAnyFilter,
  searchFromFilters,
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
      where: ['level!=DEBUG', 'payload.order_id=X=1'],
      range: '' as const,
      order: 'oldest' as const,
    };
    const search = searchFromFilters(filters);
    expect(search.toString()).toBe(
      'level=ERROR&level=WARNING&event=order_placed&logger=bot.orders&correlation_id=req-42' +
        '&start=2026-11-22T08%3A00%3A00Z&end=2026-11-22T09%3A00%3A00Z&q=strangle+delta&source=ui&actor=ops.viewer&archived=true' +
        '&where=level%21%3DDEBUG&where=payload.order_id%3DX%3D1&order=oldest',
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

  it('keeps a relative range in the URL and sends its start as of now', () => {
    const filters = filtersFromSearch(new URLSearchParams('range=15m&where=level%21%3Ddebug'));
    expect(filters).toEqual({ ...EMPTY_FILTERS, range: '15m', where: ['level!=debug'] });
    expect(searchFromFilters(filters).toString()).toBe('where=level%21%3Ddebug&range=15m');
    const now = Date.parse('2026-11-22T08:30:15.700Z');
    expect(apiQueryFromFilters(filters, now)).toEqual({ where: ['level!=debug'], start: '2026-11-22T08:15:15Z' });
  });

  it('lets an absolute range win over a relative one, and drops unknown ranges', () => {
    expect(filtersFromSearch(new URLSearchParams('range=1h&start=2026-11-22T08:00:00Z')).range).toBe('');
    expect(filtersFromSearch(new URLSearchParams('range=3y')).range).toBe('');
    expect(filtersFromSearch(new URLSearchParams('where=nonsense')).where).toEqual([]);
  });

  it('counts the order as no filter: it shows the same rows', () => {
    expect(hasAnyFilter({ ...EMPTY_FILTERS, order: 'oldest' })).toBe(false);
    expect(hasAnyFilter({ ...EMPTY_FILTERS, range: '7d' })).toBe(true);
  });
});
