import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A place in a file, as CI annotations take it: a path relative to the working directory, with `/`. */
export interface FileLine {
  file: string;
  line: number;
  col: number;
}

const LOCATION = /^(.*):(\d+):(\d+)$/;

/**
 * The file, line and column of a `file:line:col` location, the file relative to `cwd`; undefined for a location in no
 * file (`<stdin>`, `<inferred from …>`): an annotation must name a file the repository has.
 */
export function fileLineOf(location: string, cwd: string = process.cwd()): FileLine | undefined {
  const match = LOCATION.exec(location);
  if (!match?.[1] || match[1].startsWith('<')) return undefined;
  return { file: relativeFile(match[1], cwd), line: Number(match[2]), col: Number(match[3]) };
}

/** A path relative to `cwd`, with `/` (a path outside it stays absolute: `../` would name another checkout's file). */
export function relativeFile(file: string, cwd: string = process.cwd()): string {
  const absolute = resolve(cwd, file);
  const rel = relative(cwd, absolute);
  const shown = rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
  return shown.split(sep).join('/');
}
