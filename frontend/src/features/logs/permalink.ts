/** A link to one log line: `/logs?line=<id>` (and `archived=true` for an archived day's row). */

export const LINE_PARAM = 'line';
const MAX_ROW_ID = 2 ** 53 - 1;

export interface LineTarget {
  id: number;
  archived: boolean;
}

export function lineFromSearch(search: URLSearchParams): LineTarget | null {
  const raw = search.get(LINE_PARAM);
  if (!raw || !/^[1-9]\d*$/.test(raw)) return null;
  const id = Number(raw);
  if (id > MAX_ROW_ID) return null;
  return { id, archived: search.get('archived') === 'true' };
}

export function linePath({ id, archived }: LineTarget): string {
  const search = new URLSearchParams({ [LINE_PARAM]: String(id) });
  if (archived) search.set('archived', 'true');
  return `/logs?${search.toString()}`;
}

/** The search without the line, so closing the line keeps the filters. */
export function withoutLine(search: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(search);
  next.delete(LINE_PARAM);
  return next;
}
