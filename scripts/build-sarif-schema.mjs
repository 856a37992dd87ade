#!/usr/bin/env node
// Writes test/fixtures/sarif-2.1.0.schema.json: SARIF 2.1.0 as @types/sarif states it, every object closed (a field
// SARIF does not define fails), for the tests to validate dockprobe's SARIF against with no network. Run again when
// @types/sarif changes: `node scripts/build-sarif-schema.mjs`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

const root = join(import.meta.dirname, '..');
const schema = createGenerator({
  path: join(root, 'node_modules/@types/sarif/index.d.ts'),
  type: 'Log',
  skipTypeCheck: true,
  additionalProperties: false,
}).createSchema('Log');
writeFileSync(join(root, 'test/fixtures/sarif-2.1.0.schema.json'), `${JSON.stringify(schema, null, 2)}\n`);
