// Initial-load JavaScript budget: the entry chunk plus every chunk it imports statically,
// gzip-compressed, must stay at or under BUDGET_KB (lazy chunks load later and do not count).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = Number(process.env.BUDGET_KB ?? 250);
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/** @type {Record<string, { file: string; isEntry?: boolean; imports?: string[]; css?: string[] }>} */
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
const entries = Object.keys(manifest).filter((key) => manifest[key]?.isEntry);
if (entries.length === 0) throw new Error('the manifest names no entry chunk');

const initial = new Set();
const pending = [...entries];
while (pending.length > 0) {
  const key = pending.pop();
  if (key === undefined || initial.has(key)) continue;
  initial.add(key);
  pending.push(...(manifest[key]?.imports ?? []));
}

/** @param {string} file */
const gzipBytes = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
/** @param {number} bytes */
const kb = (bytes) => (bytes / 1000).toFixed(2);

let jsTotal = 0;
const css = new Set();
for (const key of initial) {
  const chunk = manifest[key];
  if (!chunk) continue;
  const size = gzipBytes(chunk.file);
  jsTotal += size;
  console.log(`  ${chunk.file}  ${kb(size)} kB gzip`);
  for (const sheet of chunk.css ?? []) css.add(sheet);
}
const cssTotal = [...css].reduce((sum, sheet) => sum + gzipBytes(sheet), 0);

console.log(`initial JavaScript: ${kb(jsTotal)} kB gzip (budget ${BUDGET_KB} kB; 1 kB = 1000 bytes)`);
console.log(`initial CSS (not in the budget): ${kb(cssTotal)} kB gzip`);
if (jsTotal > BUDGET_KB * 1000) {
  console.error(`over budget by ${kb(jsTotal - BUDGET_KB * 1000)} kB`);
  process.exit(1);
}
console.log('within budget');
