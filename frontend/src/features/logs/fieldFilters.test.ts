import { describe, expect, it } from 'vitest';
import { logRow } from '../../test/logRows';
import { isFilterableField, parseFieldFilter, rowFields, spellFieldFilter } from './fieldFilters';

describe('field filters', () => {
  it('spells and reads include and exclude filters as the API takes them', () => {
    expect(spellFieldFilter({ field: 'level', value: 'DEBUG', exclude: true })).toBe('level!=DEBUG');
    expect(parseFieldFilter('payload.order_id=A=B')).toEqual({ field: 'payload.order_id', value: 'A=B', exclude: false });
    expect(parseFieldFilter('level!=DEBUG')).toEqual({ field: 'level', value: 'DEBUG', exclude: true });
    expect(parseFieldFilter('nothing')).toBeNull();
  });

  it('accepts the columns and payload paths the API accepts', () => {
    expect(isFilterableField('event')).toBe(true);
    expect(isFilterableField('payload.venue.name')).toBe(true);
    expect(isFilterableField('payload.')).toBe(false);
    expect(isFilterableField("payload.a'b")).toBe(false);
    expect(isFilterableField('ts')).toBe(false);
  });

  it('lists a row’s columns and payload leaves with their values as the API compares them', () => {
    const row = logRow(7, {
      level: 'ERROR',
      event: 'order_rejected',
      correlation_id: null,
      payload: { order_id: 'ORD-1', qty: 3, venue: { name: 'delta', live: true }, tags: ['a'] },
    });
    const fields = new Map(rowFields(row));
    expect(fields.get('level')).toBe('ERROR');
    expect(fields.has('correlation_id')).toBe(false);
    expect(fields.get('payload.order_id')).toBe('ORD-1');
    expect(fields.get('payload.qty')).toBe('3');
    expect(fields.get('payload.venue.name')).toBe('delta');
    expect(fields.get('payload.venue.live')).toBe('true');
    expect(fields.get('payload.tags')).toBe('["a"]');
    expect(fields.has('message')).toBe(false);
  });
});
