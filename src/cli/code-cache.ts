import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

// node 20 keeps no code cache for ES modules, and compiling the command line's code again on every start was about
// half of what `dockprobe validate` spent above node's own start: the command line is also a CommonJS bundle
// (scripts/bundle-cli.mjs), run with V8's code cache for it, written by the build.

/**
 * Compiles a CommonJS file as node would, with V8's code cache for it (`file.cache`) when there is one. V8 rejects a
 * cache from another node version or for other code (`cachedDataRejected`), and then compiles as usual.
 */
export function compileWithCodeCache(file: string): vm.Script {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    cachedData = undefined;
  }
  // The wrapper node itself puts around CommonJS code, on the file's first line: positions in stack traces hold.
  return new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
}

/**
 * Runs a CommonJS file as require() would, with its code cache. With DOCKPROBE_WRITE_CODE_CACHE=1 (the build) the
 * process writes the cache as it exits, with all the code V8 compiled by then.
 */
export function requireWithCodeCache(file: string): unknown {
  const script = compileWithCodeCache(file);
  if (process.env['DOCKPROBE_WRITE_CODE_CACHE'] === '1') {
    process.once('exit', () => {
      writeFileSync(`${file}.cache.tmp`, script.createCachedData());
      renameSync(`${file}.cache.tmp`, `${file}.cache`);
    });
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
