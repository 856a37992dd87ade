import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Files shipped with the package, found from this module wherever it runs: dist/src (the library, compiled by tsc),
// dist/cli (the command line, bundled: this code is inlined into one of its chunks) or, in tests, src.
const here = dirname(fileURLToPath(import.meta.url));

/** The package's root folder. */
export const PACKAGE_ROOT = basename(dirname(here)) === 'dist' ? join(here, '..', '..') : join(here, '..');

/** The bundled probe agent (built by `npm run build`). */
export const AGENT_BUNDLE = join(PACKAGE_ROOT, 'dist', 'probe', 'agent.mjs');

/** The built-in reference topology and its broken twin. */
export const REFERENCE_COMPOSE = join(PACKAGE_ROOT, 'docker-compose.test.yml');
export const BROKEN_COMPOSE = join(PACKAGE_ROOT, 'docker-compose.broken.yml');
export const REFERENCE_SCENARIO = join(PACKAGE_ROOT, 'scenarios', 'reference.yml');

/** The package version, from package.json. */
export const VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
