import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { ContainerFile } from './container-client.js';

// Go's os.FileMode type bits, as the engine's path stat carries them (moby's container/archive: os.Lstat of the path).
const MODE_DIR = 31;
const MODE_SYMLINK = 27;
const SPECIAL = [26, 25, 24, 21, 19]; // device, named pipe, socket, character device, irregular

/**
 * What the archive endpoint's `X-Docker-Container-Path-Stat` header says of a path (base64 JSON: name, size, mode,
 * linkTarget), as a {@link ContainerFile} without its content; undefined when the header is absent or unreadable (the
 * tar then says).
 */
export function pathStat(
  header: string | string[] | undefined,
): Exclude<ContainerFile, { kind: 'file' | 'missing' | 'too-large' }> | { kind: 'file'; size: number } | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  let stat: { size?: unknown; mode?: unknown; linkTarget?: unknown };
  try {
    stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as typeof stat;
  } catch {
    return undefined;
  }
  if (typeof stat.mode !== 'number') return undefined;
  const mode = stat.mode;
  const bit = (n: number) => Math.floor(mode / 2 ** n) % 2 === 1;
  if (bit(MODE_SYMLINK))
    return typeof stat.linkTarget === 'string' && stat.linkTarget !== ''
      ? { kind: 'symlink', target: stat.linkTarget }
      : undefined;
  if (bit(MODE_DIR)) return { kind: 'not-a-file', what: 'directory' };
  if (SPECIAL.some(bit)) return { kind: 'not-a-file', what: 'special file' };
  return { kind: 'file', size: typeof stat.size === 'number' ? stat.size : 0 };
}

/**
 * The first entry of the tar the archive endpoint streams for one path: the file's content (at most `maxBytes`, else
 * `too-large`), or what the path is instead. The rest of the stream is not read.
 */
export function firstTarEntry(stream: Readable, maxBytes: number): Promise<ContainerFile> {
  return new Promise<ContainerFile>((resolve, reject) => {
    const tar = extract();
    let settled = false;
    const settle = (file: ContainerFile | Error) => {
      if (settled) return;
      settled = true;
      stream.unpipe(tar);
      stream.destroy();
      tar.destroy();
      if (file instanceof Error) reject(file);
      else resolve(file);
    };
    tar.on('entry', (header, body) => {
      const type = header.type ?? 'file';
      if (type === 'directory') return settle({ kind: 'not-a-file', what: 'directory' });
      if (type === 'symlink') return settle({ kind: 'symlink', target: header.linkname ?? '' });
      if (type !== 'file' && type !== 'contiguous-file') return settle({ kind: 'not-a-file', what: 'special file' });
      if ((header.size ?? 0) > maxBytes) return settle({ kind: 'too-large', size: header.size ?? 0 });
      const chunks: Buffer[] = [];
      body.on('data', (chunk: unknown) => chunks.push(Buffer.from(chunk as Uint8Array)));
      body.on('end', () => settle({ kind: 'file', content: Buffer.concat(chunks) }));
      body.on('error', (error: Error) => settle(error));
    });
    tar.on('finish', () => settle(new Error('the archive holds no entry')));
    tar.on('error', (error: Error) => settle(error));
    stream.on('error', (error: Error) => settle(error));
    stream.pipe(tar);
  });
}
