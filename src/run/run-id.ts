import { randomBytes } from 'node:crypto';

/** A new run id: short, lowercase, safe in container names (`dockprobe-<run id>-1`). */
export function newRunId(): string {
  return randomBytes(4).toString('hex');
}
