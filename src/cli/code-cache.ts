import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import vm from 'node:vm';

// node 20 keeps no code cache for ES modules, and compiling the command line's code again on every start was about
// half of what `dockprobe validate` spent above node's own start: the command line is also a CommonJS bundle
// (scripts/bundle-cli.mjs), run with V8's code cache for it, written by the build.

/**
 * Compiles a CommonJS bundle of scripts/bundle-cli.mjs, with V8's code cache for it (`file.cache`) when there is one.
 * The bundle holds the function wrapper node itself puts around CommonJS code: compiled as it is, not a copy of it
 * inside the wrapper (a second string as large as the bundle), and positions in stack traces are the file's. V8
 * rejects a cache from another node version or for other code (`cachedDataRejected`), and then compiles as usual.
 */
export function compileWithCodeCache(file: string): vm.Script {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    cachedData = undefined;
  }
  return new vm.Script(readFileSync(file, 'utf8'), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
}

/**
 * Runs a CommonJS bundle (see above) as require() would, with its code cache. `require` is the bundle's own: one of
 * a module in its directory (bin.cjs's), not node:module's createRequire(), whose module loads node's ES module
 * loader (0.6 ms of `dockprobe validate`, which needs nothing of it). With DOCKPROBE_WRITE_CODE_CACHE=1 (the build)
 * the process writes the cache as it exits, with all the code V8 compiled by then.
 */
export function requireWithCodeCache(file: string, require: NodeJS.Require): unknown {
  const script = compileWithCodeCache(file);
  if (process.env['DOCKPROBE_WRITE_CODE_CACHE'] === '1') {
    process.once('exit', () => {
      writeFileSync(`${file}.cache.tmp`, script.createCachedData());
      renameSync(`${file}.cache.tmp`, `${file}.cache`);
    });
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, file, dirname(file));
  return module.exports;
}
