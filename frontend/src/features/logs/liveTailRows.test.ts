import { describe, expect, it } from 'vitest';
import { logRow } from '../../test/logRows';
import { EMPTY_FILTERS } from './filters';
import { appendOnce, liveTailFilters, newestLoadedId, prependPushed } from './liveTailRows';

const data = (...pages: number[][]) => ({
  pages: pages.map((ids, index) => ({ items: ids.map((id) => logRow(id)), next_cursor: index < pages.length - 1 ? 'c' : null })),
  pageParams: pages.map(() => null),
});

describe('liveTailFilters', () => {
  it('sends the set filters under the API\'s names, trimmed', () => {
    expect(
      liveTailFilters({ ...EMPTY_FILTERS, levels: ['ERROR'], text: ' boom ', source: 'edge', correlationId: 'req-1', start: '2026-12-01T00:00:00Z' }),
    ).toEqual({ filters: { level: ['ERROR'], q: 'boom', source: 'edge', correlation_id: 'req-1' } });
  });

  it('refuses archived days, a closed range and oldest first; sends field filters', () => {
    expect(liveTailFilters({ ...EMPTY_FILTERS, archived: true })).toHaveProperty('reason');
    expect(liveTailFilters({ ...EMPTY_FILTERS, end: '2026-12-01T00:00:00Z' })).toHaveProperty('reason');
    expect(liveTailFilters({ ...EMPTY_FILTERS, order: 'oldest' })).toHaveProperty('reason');
    expect(liveTailFilters({ ...EMPTY_FILTERS, where: ['level!=DEBUG'] })).toEqual({ filters: { level: [], where: ['level!=DEBUG'] } });
  });
});

describe('pushed rows', () => {
  it('finds the highest id loaded, whichever page holds it', () => {
    expect(newestLoadedId(data([5, 4], [9, 1]))).toBe(9);
    expect(newestLoadedId(data([]))).toBeNull();
    expect(newestLoadedId(undefined)).toBeNull();
  });

  it('puts pushed rows on top newest first, skipping rows already shown or repeated', () => {
    const merged = prependPushed(data([3, 2], [1]), [logRow(3), logRow(4), logRow(5), logRow(5)]);
    expect(merged?.pages.map((page) => page.items.map((row) => row.id))).toEqual([[5, 4, 3, 2], [1]]);
    const same = data([3]);
    expect(prependPushed(same, [logRow(3)])).toBe(same);
  });

  it('holds each row once, in arrival order', () => {
    expect(appendOnce([logRow(1)], [logRow(2), logRow(1), logRow(2), logRow(3)]).map((row) => row.id)).toEqual([1, 2, 3]);
  });
});
