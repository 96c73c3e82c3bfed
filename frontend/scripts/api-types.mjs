// The frontend's API types, generated from the OpenAPI schema the app serves.
//   node scripts/api-types.mjs write   regenerates src/api/schema.gen.ts (npm run gen:api)
//   node scripts/api-types.mjs check   fails when the committed file differs (npm run check:api)
// The schema comes from importing the app (app/, its locked venv through uv), or from
// OPENAPI_SCHEMA_FILE (a saved /openapi.json, e.g. the running stack's) when that is set.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const frontendDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appDir = path.resolve(frontendDir, '..', 'app');
const target = path.join(frontendDir, 'src', 'api', 'schema.gen.ts');
const relativeTarget = path.relative(frontendDir, target);
const DUMP_SCHEMA = 'import json; from control_plane.main import create_app; print(json.dumps(create_app().openapi()))';
const HEADER = [
  '// Generated from the app\'s OpenAPI schema by `npm run gen:api` (openapi-typescript). Do not edit:',
  '// change the API in app/ and regenerate; `npm run check:api` (in `make test`) fails when this is stale.',
  '',
].join('\n');

/** @param {string} message */
function fail(message) {
  process.stderr.write(`api-types: ${message}\n`);
  process.exit(1);
}

function readSchemaText() {
  const file = process.env.OPENAPI_SCHEMA_FILE;
  if (file) return readFileSync(file, 'utf8');
  const run = spawnSync('uv', ['run', '--quiet', '--locked', 'python', '-c', DUMP_SCHEMA], {
    cwd: appDir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) fail(`could not run uv in ${appDir} (${run.error.message}); source scripts/env.sh first`);
  if (run.status !== 0) fail(`dumping the app's OpenAPI schema failed:\n${run.stderr}`);
  return run.stdout;
}

async function generate() {
  /** @type {unknown} */
  let schema;
  try {
    schema = JSON.parse(readSchemaText());
  } catch (error) {
    fail(`the OpenAPI schema is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof schema !== 'object' || schema === null || !('openapi' in schema)) {
    fail('the schema has no "openapi" field: is that an OpenAPI document?');
  }
  // @ts-expect-error openapi-typescript types its input as its own OpenAPI3 shape; it was just checked.
  const ast = await openapiTS(schema, { alphabetize: true });
  return HEADER + astToString(ast);
}

/** @param {string} a @param {string} b */
function firstDifference(a, b) {
  const left = a.split('\n');
  const right = b.split('\n');
  const line = left.findIndex((text, index) => text !== right[index]);
  const at = line === -1 ? left.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(left[at] ?? '<end>')}, schema gives ${JSON.stringify(right[at] ?? '<end>')}`;
}

const mode = process.argv[2];
if (mode !== 'write' && mode !== 'check') fail(`usage: node scripts/api-types.mjs write|check (got ${mode ?? 'nothing'})`);
const generated = await generate();
if (mode === 'write') {
  writeFileSync(target, generated);
  process.stdout.write(`api-types: wrote ${relativeTarget}\n`);
} else {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    fail(`${relativeTarget} is missing: run \`npm --prefix frontend run gen:api\` and commit it`);
  }
  if (committed !== generated) {
    fail(
      `${relativeTarget} does not match the app's OpenAPI schema (${firstDifference(committed, generated)}).\n` +
        'The API changed: run `npm --prefix frontend run gen:api`, fix what no longer type-checks, and commit both.',
    );
  }
  process.stdout.write(`api-types: ${relativeTarget} matches the app's OpenAPI schema\n`);
}
