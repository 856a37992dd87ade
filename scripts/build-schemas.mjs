#!/usr/bin/env node
// Writes the JSON Schema of each JSON document dockprobe writes (schemas/<format>.schema.json), generated from the
// TypeScript types the writers are checked against (src/report/json-documents.ts), so the schema says what the code
// writes and nothing else:
//
//   node scripts/build-schemas.mjs           write schemas/*.schema.json
//   node scripts/build-schemas.mjs --check   exit 1 (naming each file) when a written schema differs from the types
//
// Objects accept fields they do not list: within a major version fields are added, never renamed or removed, so a
// reader that validates with an older schema still accepts a newer document. The tests validate dockprobe's real
// output strictly (test/report/json-schemas.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

const root = resolve(import.meta.dirname, '..');

/** Each document: its format name and the type in src/report/json-documents.ts. */
export const DOCUMENTS = {
  'dockprobe-report': 'ReportDocument',
  'dockprobe-drill': 'DrillDocument',
  'dockprobe-baseline': 'BaselineDocument',
  'dockprobe-drift': 'DriftDocument',
  'dockprobe-networks': 'NetworksDocument',
  'dockprobe-watch-event': 'WatchEventDocument',
  'dockprobe-chaos': 'ChaosDocument',
};

/** The schemas, by format, as the types say today. */
export function generateSchemas() {
  const generator = createGenerator({
    path: join(root, 'src/report/json-documents.ts'),
    tsconfig: join(root, 'tsconfig.build.json'),
    skipTypeCheck: true,
    additionalProperties: true,
    expose: 'none',
    topRef: false,
    jsDoc: 'extended',
    sortProps: false,
  });
  return Object.fromEntries(
    Object.entries(DOCUMENTS).map(([format, type]) => {
      let schema;
      try {
        schema = generator.createSchema(type);
      } catch (error) {
        // The generator's errors carry the whole syntax tree: its message is what says what went wrong.
        throw new Error(`${type}: ${error.message}`);
      }
      return [
        format,
        {
          $schema: schema.$schema,
          $id: `${format}.schema.json`,
          title: `${format} document, version 1`,
          ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
        },
      ];
    }),
  );
}

/** A schema as written. */
export function schemaText(schema) {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (import.meta.main ?? process.argv[1] === import.meta.filename) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [format, schema] of Object.entries(generateSchemas())) {
    const file = join(root, 'schemas', `${format}.schema.json`);
    const text = schemaText(schema);
    if (!check) {
      writeFileSync(file, text);
      continue;
    }
    let written = '';
    try {
      written = readFileSync(file, 'utf8');
    } catch {}
    if (written !== text) {
      console.error(`${file}: differs from the types; run: node scripts/build-schemas.mjs`);
      stale++;
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}
