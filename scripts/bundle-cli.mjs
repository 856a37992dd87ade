// Bundles the command line into dist/cli/: bin.cjs, run-cli-<hash>.cjs and validate-files-<hash>.cjs, each bundle
// with V8's code cache for it, so that starting `dockprobe` reads a few files instead of hundreds of modules (yargs
// alone is about 40) and compiles little; bin.cjs prints what never changes between runs (--help, --version, schema)
// as this build computed it, and validates valid files without yargs. The library (`exports`) stays the tsc output
// in dist/src/.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const OUTDIR = 'dist/cli';
/** The packages the command line's bundles require() from node_modules (bundleCommonJs collects them). */
const externalPackages = new Set();

// What the command line needs to start and to run `--help`, `validate` and `schema` is bundled. Every other
// package stays an import from node_modules, loaded as before when a command needs it: dockerode brings native
// optional modules (ssh2, cpu-features) that cannot be bundled, and the rest gains nothing from it.
const BUNDLED = new Set(['yargs', 'zod', 'yaml', 'picocolors', 'damerau-levenshtein']);

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
      const real = await b.resolve(args.path, {
        resolveDir: args.resolveDir,
        importer: args.importer,
        kind: args.kind,
        pluginData: 'real',
      });
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
      if (!source.includes(line))
        throw new Error(`${args.path}: '${line}' not found; yargs changed, update scripts/bundle-cli.mjs`);
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
const runCliFile = await bundleCommonJs('run-cli', 'src/cli/run-cli.ts', {
  define: { 'import.meta.url': '__dpImportMetaUrl', DOCKPROBE_PRECOMPUTED: 'undefined' },
  banner: { js: "const __dpImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [externalDependencies, lazyStringWidth, yargsLocales],
});
// `validate FILE…` of valid files, without yargs (bin.ts): the scenario parser, yaml and zod, and nothing else, in
// a file of its own with its own code cache. In run-cli-<hash>.cjs too, it would make every other command compile
// more at start.
const validateFile = await bundleCommonJs('validate-files', 'src/cli/validate-files.ts', {
  plugins: [externalDependencies],
  // yaml's build for browsers: the same parser as its build for node, as ES modules, which esbuild joins into one
  // scope (its build for node is about 60 CommonJS modules, each run through a wrapper); and it reads no
  // environment variable for each token (LOG_TOKENS, LOG_STREAM: yaml's own debugging). That was about 9 million of
  // the 60 million instructions `validate` ran above node's start (callgrind), 4 ms or so. How it differs (a warning printed by console.warn,
  // not process.emitWarning; no debugging output) is never seen: src/cli/validate-files.ts leaves those cases to the
  // full command line.
  alias: { yaml: join(dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser', 'index.js') },
  // Names too: a smaller file to read and hold. No stack trace of it is ever shown: on any error, bin.ts runs the
  // full command line, which reports it.
  minify: true,
});

/**
 * Bundles `entry` into OUTDIR/<name>-<hash>.cjs, inside the function wrapper node puts around CommonJS code, which
 * src/cli/code-cache.ts compiles as it is; returns that file's name.
 */
async function bundleCommonJs(name, entry, { banner, ...options }) {
  const result = await build({
    ...common,
    ...options,
    entryPoints: { [name]: entry },
    outdir: OUTDIR,
    entryNames: '[name]-[hash]',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    banner: { js: `(function (exports, require, module, __filename, __dirname) {${banner?.js ?? ''}` },
    footer: { js: '})' },
    metafile: true,
  });
  const [file, output] = Object.entries(result.metafile.outputs).find(([f]) => f.endsWith('.cjs'));
  for (const { path, external } of output.imports) {
    if (external && !path.startsWith('node:') && !builtinModules.includes(path)) externalPackages.add(path);
  }
  return basename(file);
}

/**
 * The packages the bundles leave in node_modules, each as one CommonJS file of its own in dist/image/modules/ for the
 * dockprobe image (src/image/self-image.ts), which has no node_modules. Its native optional parts stay out: their
 * require() fails there as it does where they were never compiled, and the packages fall back to JavaScript (ssh2)
 * or do without them (cpu-features only tunes ssh2's choice of cipher).
 */
async function bundleImageModules(packages) {
  const dir = 'dist/image/modules';
  rmSync(dir, { recursive: true, force: true });
  for (const name of [...packages].sort()) {
    await build({
      ...common,
      minify: true,
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: '.', loader: 'js' },
      outfile: join(dir, `${name.replaceAll('/', '+')}.cjs`),
      format: 'cjs',
      external: ['cpu-features', '*.node'],
    });
  }
}

/**
 * bin.cjs, the entry, with this precomputed output (undefined: none, yargs and zod compute everything). CommonJS:
 * node starts a .cjs file without setting up its ES module loader, about 10 ms less than an ES module, and runs
 * the CommonJS bundles from it without one either. Its imports of run-cli.js and validate-files.js become
 * requireWithCodeCache() of the bundles above, made only when it runs them: it requires nothing when it prints
 * precomputed output, not even node's own modules (each is a module to load).
 */
async function bundleBin(precomputed) {
  const bundled = { './run-cli.js': runCliFile, './validate-files.js': validateFile };
  await build({
    ...common,
    entryPoints: ['src/cli/bin.ts'],
    outfile: `${OUTDIR}/bin.cjs`,
    format: 'cjs',
    define: {
      DOCKPROBE_PRECOMPUTED: precomputed === undefined ? 'undefined' : JSON.stringify(JSON.stringify(precomputed)),
    },
    plugins: [
      {
        name: 'code-cached-bundles',
        setup(b) {
          b.onResolve({ filter: /^\.\/(run-cli|validate-files)\.js$/ }, (args) => ({
            path: args.path,
            namespace: 'code-cached-bundle',
          }));
          b.onLoad({ filter: /.*/, namespace: 'code-cached-bundle' }, (args) => ({
            resolveDir: resolve('src/cli'),
            contents: `const { requireWithCodeCache } = require('./code-cache.ts');
module.exports = requireWithCodeCache(__dirname + ${JSON.stringify(`/${bundled[args.path]}`)}, require);
`,
          }));
        },
      },
    ],
  });
  chmodSync(`${OUTDIR}/bin.cjs`, 0o755);
}

/**
 * Runs the bundle as a user would, with stdout a terminal of `columns` (undefined: a pipe); returns its stdout. It
 * must exit with `status` and print nothing on stderr, or what `stderr` matches.
 */
function run(args, { columns, env, status = 0, stderr = /^$/ } = {}) {
  const preload = columns === undefined ? [] : [`--import=data:text/javascript,process.stdout.columns=${columns}`];
  const child = spawnSync(process.execPath, [...preload, `${OUTDIR}/bin.cjs`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (child.status !== status || !stderr.test(child.stderr))
    throw new Error(`dockprobe ${args.join(' ')} exited ${String(child.status ?? child.signal)}: ${child.stderr}`);
  return child.stdout;
}

// bin.cjs twice: first without precomputed output, to let yargs print the help at each width
// src/cli/precomputed-output.ts looks up (an 80-column terminal, no terminal, 110 columns and wider), in English,
// and zod build the schema; then with that output.
await bundleBin(undefined);
const english = { LC_ALL: 'en_US.UTF-8' };
const help = Object.fromEntries(
  [80, 100, 110].map((width) => [width, run(['--help'], { columns: width === 100 ? undefined : width, env: english })]),
);
const schema = run(['schema']);
const version = run(['--version']);
// The code caches: what V8 compiled while each bundle ran `validate`. With an invalid file after a valid one, bin.ts
// leaves validate-files for the full command line, which validates both again (yargs, yaml, zod, the scenario parser)
// and reports the error: that run writes run-cli's cache. Then valid files alone write validate-files' cache, which
// is all that run loads. Without NODE_OPTIONS: V8 rejects a cache made under other V8 flags.
const writeCache = { env: { DOCKPROBE_WRITE_CODE_CACHE: '1', NODE_OPTIONS: '' } };
const invalid = join(mkdtempSync(join(tmpdir(), 'dockprobe-build-')), 'invalid.yml');
writeFileSync(invalid, 'expect:\n  - from: { network: a }\n    to: x:80\n    reachable: maybe\n');
const full = run(['validate', 'scenarios/reference.yml', invalid], {
  ...writeCache,
  status: 2,
  stderr: /invalid\.yml:4:16: /,
});
rmSync(dirname(invalid), { recursive: true });
const fast = run(['validate', 'scenarios/reference.yml'], writeCache);
if (fast !== full)
  throw new Error(`validate prints ${JSON.stringify(fast)} without yargs, ${JSON.stringify(full)} with it`);
for (const file of [runCliFile, validateFile]) {
  if (!existsSync(`${OUTDIR}/${file}.cache`)) throw new Error(`no code cache written for ${file}`);
}
await bundleBin({ version, help, schema });
await bundleImageModules(externalPackages);

// For editors (a scenario's `$schema`), the very text `dockprobe schema` prints.
writeFileSync('dist/scenario.schema.json', schema);
