/**
 * How far past its time a timeout may be noticed before the probe counts as too busy to have timed the attempt. A
 * probe starved of CPU (hundreds of checks at once on a small machine) runs its event loop late: a timer and the
 * answer it races are then both due when the loop comes round, and node runs timers before it reads sockets.
 */
export const BUSY_LATE_MS = 250;

/**
 * Calls `onExpiry` once `ms` have passed, but only after the I/O that arrived by then has been read (node reads
 * sockets between its timers and its immediates): an answer that came in time is never beaten by its own timeout
 * because the event loop was late to see both. Returns the cancel.
 */
export function afterPendingIo(ms: number, onExpiry: () => void): () => void {
  let immediate: ReturnType<typeof setImmediate> | undefined;
  const timer = setTimeout(() => {
    immediate = setImmediate(onExpiry);
  }, ms);
  return () => {
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  };
}
