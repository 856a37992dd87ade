import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import t from 'tap';
import ts from 'typescript';

// The pipeline and everything beside it (all of src/ but src/cli/) never imports src/cli/: the CLI is a front end that
// calls the library, never the other way round. Every import is counted: static, type-only, re-exports and dynamic
// import() calls.

const root = resolve(import.meta.dirname, '..', '..');
const src = join(root, 'src');
const cli = join(src, 'cli');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The files a source imports, resolved to paths (relative specifiers only: packages are not src/). */
function imports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name));
}

const inCli = (path: string) => path === cli || path.startsWith(`${cli}/`);

t.test('no file of src/ outside src/cli/ imports src/cli/', async (t) => {
  const pipeline = sources(src).filter((f) => !inCli(f));
  t.ok(pipeline.length > 100, `${pipeline.length} files read`);
  const offending = pipeline.flatMap((file) =>
    imports(file)
      .filter(inCli)
      .map((target) => `${relative(root, file)} imports ${relative(root, target)}`),
  );
  t.same(offending, []);
});

t.test('the scan sees imports of every kind, src/cli/ among them', async (t) => {
  // bin.ts imports the rest of the CLI dynamically; main.ts statically.
  const seen = sources(cli).flatMap((f) => imports(f).filter(inCli));
  t.ok(
    seen.some((p) => p.endsWith('run-cli.js')),
    'a dynamic import()',
  );
  t.ok(seen.length > 20, 'static imports');
  const sample = ts.preProcessFile(
    "import type { A } from '../cli/a.js';\nexport { B } from '../cli/b.js';\nawait import('../cli/c.js');\n",
    true,
    true,
  );
  t.same(
    sample.importedFiles.map((f) => f.fileName),
    ['../cli/a.js', '../cli/b.js', '../cli/c.js'],
  );
});
