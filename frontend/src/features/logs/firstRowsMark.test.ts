import { renderHook } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { FIRST_ROWS_MARK, useFirstRowsMark } from './firstRowsMark';

describe('useFirstRowsMark', () => {
  // A fresh page load: files before this one in the same worker may have shown rows.
  beforeEach(() => performance.clearMarks());

  it('marks once, when rows are first shown', () => {
    const { rerender } = renderHook(({ shown }) => useFirstRowsMark(shown), { initialProps: { shown: false } });
    expect(performance.getEntriesByName(FIRST_ROWS_MARK)).toHaveLength(0);
    rerender({ shown: true });
    const [mark] = performance.getEntriesByName(FIRST_ROWS_MARK);
    expect(mark).toBeDefined();
    rerender({ shown: false });
    rerender({ shown: true });
    expect(performance.getEntriesByName(FIRST_ROWS_MARK)).toEqual([mark]);
  });
});
