/** Include/exclude filters on one field, as the API's `where` parameter spells them. */
import type { LogEntry } from './types';

export interface FieldFilter {
  field: string;
  value: string;
  exclude: boolean;
}

/** The columns the API filters on by name; anything else is `payload.<path>`. */
export const COLUMN_FIELDS = ['level', 'logger', 'event', 'message', 'correlation_id', 'strategy_id', 'source', 'actor'] as const;
const PAYLOAD_PATH = /^payload(\.[A-Za-z0-9_-]{1,64}){1,8}$/;

export function isFilterableField(field: string): boolean {
  return (COLUMN_FIELDS as readonly string[]).includes(field) || PAYLOAD_PATH.test(field);
}

export function spellFieldFilter({ field, value, exclude }: FieldFilter): string {
  return `${field}${exclude ? '!=' : '='}${value}`;
}

export function parseFieldFilter(spelled: string): FieldFilter | null {
  const at = spelled.indexOf('=');
  if (at < 0) return null;
  const exclude = spelled[at - 1] === '!';
  const field = spelled.slice(0, exclude ? at - 1 : at).trim();
  return { field, value: spelled.slice(at + 1), exclude };
}

/** A value as the API compares it: strings as they are, anything else as JSON. */
export function filterValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The row's fields a filter can name, with their values: columns, then payload leaves by path. */
export function rowFields(row: LogEntry): [string, string][] {
  const fields: [string, string][] = [];
  for (const name of COLUMN_FIELDS) {
    if (name === 'message') continue;
    const value = row[name];
    if (value !== null && value !== undefined && value !== '') fields.push([name, String(value)]);
  }
  const walk = (value: unknown, path: string, depth: number) => {
    if (value && typeof value === 'object' && !Array.isArray(value) && depth < 8) {
      for (const [key, inner] of Object.entries(value)) {
        if (/^[A-Za-z0-9_-]{1,64}$/.test(key)) walk(inner, `${path}.${key}`, depth + 1);
      }
    } else if (path !== 'payload') {
      fields.push([path, filterValue(value)]);
    }
  };
  walk(row.payload, 'payload', 0);
  return fields;
}
