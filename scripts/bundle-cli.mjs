// Bundles the command line into dist/cli/: bin.js, run-cli.js, and run-cli-<hash>.cjs with V8's code cache for it,
// so that starting `dockprobe` reads four files instead of hundreds of modules (yargs alone is about 40) and compiles
// little, and bin.js prints what never changes between runs (--help, --version, schema) as this build computed it.
// The library (`exports`) stays the tsc output in dist/src/.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
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

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Smaller files parse faster; names stay, for readable stack traces (DOCKPROBE_DEBUG=1).
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};

// The command line proper, one CommonJS file (run-cli-<hash>.cjs): node 20 keeps a code cache for CommonJS code
// only (src/cli/code-cache.ts). Each command's lazy imports stay lazy (esbuild runs an inlined module when it is
// first imported), and so do the packages left in node_modules (require()d then). The hash in its name ties the
// cache written below to this very file.
rmSync(OUTDIR, { recursive: true, force: true });
const runCli = await build({
  ...common,
  entryPoints: { 'run-cli': 'src/cli/run-cli.ts' },
  outdir: OUTDIR,
  entryNames: '[name]-[hash]',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__dpImportMetaUrl', DOCKPROBE_PRECOMPUTED: 'undefined' },
  banner: { js: "const __dpImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [externalDependencies, lazyStringWidth, yargsLocales],
  metafile: true,
});
const runCliFile = basename(Object.keys(runCli.metafile.outputs).find((f) => f.endsWith('.cjs')));

// run-cli.js (ESM), what bin.js imports for everything it does not print itself: runs the CommonJS bundle with its
// code cache.
await build({
  ...common,
  stdin: {
    contents: `import { fileURLToPath } from 'node:url';
import { requireWithCodeCache } from './code-cache.ts';
export const { runCli } = requireWithCodeCache(fileURLToPath(new URL(${JSON.stringify(`./${runCliFile}`)}, import.meta.url)));
`,
    resolveDir: resolve('src/cli'),
    sourcefile: 'run-cli.js',
  },
  outfile: `${OUTDIR}/run-cli.js`,
  format: 'esm',
});

/**
 * bin.js, the entry, with this precomputed output (undefined: none, yargs and zod compute everything). It imports
 * nothing when it prints precomputed output, not even node's own modules: each is a module to load.
 */
async function bundleBin(precomputed) {
  await build({
    ...common,
    entryPoints: ['src/cli/bin.ts'],
    outfile: `${OUTDIR}/bin.js`,
    format: 'esm',
    define: { DOCKPROBE_PRECOMPUTED: precomputed === undefined ? 'undefined' : JSON.stringify(JSON.stringify(precomputed)) },
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

// bin.js twice: first without precomputed output, to let yargs print the help at each width
// src/cli/precomputed-output.ts looks up (an 80-column terminal, no terminal, 110 columns and wider), in English,
// and zod build the schema; then with that output.
await bundleBin(undefined);
const english = { LC_ALL: 'en_US.UTF-8' };
const help = Object.fromEntries([80, 100, 110].map((width) => [width, run(['--help'], { columns: width === 100 ? undefined : width, env: english })]));
const schema = run(['schema']);
const version = run(['--version']);
// The code cache: what V8 compiled while `validate` ran (yargs, yaml, zod, the scenario parser). Without
// NODE_OPTIONS: V8 rejects a cache made under other V8 flags.
run(['validate', 'scenarios/reference.yml'], { env: { DOCKPROBE_WRITE_CODE_CACHE: '1', NODE_OPTIONS: '' } });
await bundleBin({ version, help, schema });

// For editors (a scenario's `$schema`), the very text `dockprobe schema` prints.
writeFileSync('dist/scenario.schema.json', schema);
