import { createHash } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';

/** Who holds a drill's lock, as its file says. */
export interface LockHolder {
  pid: number;
  host: string;
  runId: string;
  since: string;
}

/**
 * The lock that keeps two drills on one engine from overlapping: a file, `dockprobe-chaos-<digest of the endpoint>.lock`
 * in `dir` (the system's temporary directory unless told), created exclusively (O_EXCL) with the holder's pid, host
 * and run id. A lock whose holder was on this host and is no longer alive is taken over; any other is refused, naming
 * the holder and the file. Returns the release, which removes the file only while it is still this run's.
 */
export async function takeChaosLock(endpoint: string, runId: string, dir = tmpdir()): Promise<() => Promise<void>> {
  const file = chaosLockFile(endpoint, dir);
  const me: LockHolder = { pid: process.pid, host: hostname(), runId, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${JSON.stringify(me)}\n`, { flag: 'wx', mode: 0o644 });
      return async () => {
        const now = await holderOf(file);
        if (now?.runId === runId) await unlink(file).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await holderOf(file);
    if (holder && holder.host === me.host && !alive(holder.pid)) {
      await unlink(file).catch(() => undefined);
      continue;
    }
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `another chaos drill holds the lock of the engine at ${endpoint}: ${holder ? `run ${holder.runId}, pid ${holder.pid} on ${holder.host}, since ${holder.since}` : 'its holder cannot be read'} (${file})`,
      { hint: `wait for it to end; if it is gone for sure, remove ${file}` },
    );
  }
  throw new DockprobeError(ErrorCodes.USAGE, `the chaos lock ${file} keeps coming back`, {
    hint: `remove ${file} once no drill runs`,
  });
}

/** The lock file of the engine at `endpoint`. */
export function chaosLockFile(endpoint: string, dir = tmpdir()): string {
  return join(dir, `dockprobe-chaos-${createHash('sha256').update(endpoint).digest('hex').slice(0, 12)}.lock`);
}

/** The holder a lock file names; undefined when it cannot be read. */
export async function holderOf(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Whether a process of this host runs as `pid` (one of another user's counts: EPERM). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
