import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';

/** Races `promise` against a timer; on expiry rejects with a DP_TIMEOUT error naming what was awaited. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DockprobeError(ErrorCodes.TIMEOUT, `${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
