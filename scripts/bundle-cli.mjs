// Bundles the command line into dist/cli/: bin.js, run-cli.js and one chunk per lazily imported piece, so that starting
// `dockprobe` resolves and reads a handful of files instead of hundreds (yargs alone is about 40 modules), and bin.js
// prints what never changes between runs (--help, --version, schema) as this build computed it. The library
// (`exports`) stays the tsc output in dist/src/.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build } from 'esbuild';

const OUTDIR = 'dist/cli';

// What the command line needs to start and to run `--help`, `validate` and `schema` is bundled. Every other
// package stays an import from node_modules, loaded as before when a command needs it: dockerode brings native
// optional modules (ssh2, cpu-features) that cannot be bundled, and the rest gains nothing from it.
const BUNDLED = new Set(['yargs', 'zod', 'yaml', 'picocolors']);

/** @type {import('esbuild').Plugin} */
const externalDependencies = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.importer.includes('/node_modules/')) return undefined;
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * string-width (yargs and cliui each have their own) builds an Intl.Segmenter and a RGI_Emoji regular expression
 * when its module is evaluated, which took about 40 ms of every start here, `validate` included. Each import of it
 * gets this wrapper instead: printable ASCII is one column per character (what string-width returns for it), and
 * the real module is evaluated on the first other string (esbuild evaluates a `require`d ESM module lazily).
 * @type {import('esbuild').Plugin}
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve(args.path, { resolveDir: args.resolveDir, importer: args.importer, kind: args.kind, pluginData: 'real' });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      resolveDir: dirname(args.path),
      contents: `let real;
export default function stringWidth(string, options) {
  if (typeof string === 'string' && /^[\\x20-\\x7e]*$/.test(string)) return string.length;
  real ??= require(${JSON.stringify(args.path)}).default;
  return real(string, options);
}
`,
    }));
  },
};

/**
 * yargs finds its translations (`locales/*.json`) from its own module's URL, which in the bundle is a chunk in
 * dist/cli/: help would come out in English whatever LANG says. The bundle asks node where yargs is installed
 * instead, as the unbundled module would have seen itself.
 * @type {import('esbuild').Plugin}
 */
const yargsLocales = {
  name: 'yargs-locales',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const line = 'const __dirname = fileURLToPath(import.meta.url);';
      if (!source.includes(line)) throw new Error(`${args.path}: '${line}' not found; yargs changed, update scripts/bundle-cli.mjs`);
      const located = `const __dirname = (() => {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('yargs')), 'lib', 'platform-shims', 'esm.mjs');
  } catch {
    return fileURLToPath(import.meta.url);
  }
})();`;
      return { contents: source.replace(line, located), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** Bundles the command line, with this precomputed output (undefined: none, yargs and zod compute everything). */
async function bundle(precomputed) {
  rmSync(OUTDIR, { recursive: true, force: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Smaller files parse faster; names stay, for readable stack traces (DOCKPROBE_DEBUG=1).
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    define: { DOCKPROBE_PRECOMPUTED: precomputed === undefined ? 'undefined' : JSON.stringify(JSON.stringify(precomputed)) },
    logLevel: 'warning',
  };
  // The command line proper: run-cli.js and its chunks. Bundled CommonJS code (yaml) calls require().
  await build({
    ...common,
    entryPoints: { 'run-cli': 'src/cli/run-cli.ts' },
    outdir: OUTDIR,
    splitting: true,
    plugins: [externalDependencies, lazyStringWidth, yargsLocales],
    banner: { js: "import { createRequire as __dpCreateRequire } from 'node:module'; const require = __dpCreateRequire(import.meta.url);" },
  });
  // bin.js on its own, with nothing to import when it prints precomputed output (each chunk is a file to resolve,
  // read and compile): it shares no chunk with run-cli.js, which it imports as it is.
  await build({
    ...common,
    entryPoints: ['src/cli/bin.ts'],
    outfile: `${OUTDIR}/bin.js`,
    plugins: [{ name: 'run-cli-external', setup: (b) => b.onResolve({ filter: /^\.\/run-cli\.js$/ }, (args) => ({ path: args.path, external: true })) }],
  });
  chmodSync(`${OUTDIR}/bin.js`, 0o755);
}

/** Runs the bundle as a user would, with stdout a terminal of `columns` (undefined: a pipe); returns its stdout. */
function run(args, { columns, env } = {}) {
  const preload = columns === undefined ? [] : [`--import=data:text/javascript,process.stdout.columns=${columns}`];
  const child = spawnSync(process.execPath, [...preload, `${OUTDIR}/bin.js`, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (child.status !== 0 || child.stderr !== '') throw new Error(`dockprobe ${args.join(' ')} exited ${String(child.status ?? child.signal)}: ${child.stderr}`);
  return child.stdout;
}

// Twice: first without precomputed output, to let yargs print the help at each width src/cli/precomputed-output.ts
// looks up (an 80-column terminal, no terminal, 110 columns and wider), in English, and zod build the schema; then
// with that output.
await bundle(undefined);
const english = { LC_ALL: 'en_US.UTF-8' };
const help = Object.fromEntries([80, 100, 110].map((width) => [width, run(['--help'], { columns: width === 100 ? undefined : width, env: english })]));
const schema = run(['schema']);
await bundle({ version: run(['--version']), help, schema });

// For editors (a scenario's `$schema`), the very text `dockprobe schema` prints.
writeFileSync('dist/scenario.schema.json', schema);
