import { performance } from 'node:perf_hooks';

/** How often a drill asks whether an engine that does not answer answers again. */
export const ENGINE_POLL_MS = 250;

/**
 * Asks `info` every {@link ENGINE_POLL_MS} until the engine answers or `timeoutMs` passes: what it said and after how
 * long, or the last reason it gave for not answering.
 */
export async function waitForEngine<T>(
  info: () => Promise<T>,
  timeoutMs: number,
  pollMs = ENGINE_POLL_MS,
): Promise<{ info: T; afterMs: number } | { unanswered: string }> {
  const started = performance.now();
  let why = 'no answer';
  for (;;) {
    try {
      return { info: await info(), afterMs: Math.round(performance.now() - started) };
    } catch (error) {
      why = (error as Error).message;
    }
    if (performance.now() - started + pollMs > timeoutMs) return { unanswered: why };
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Undefined when the engine answers now; else waits (at most `boundMs`) until it does, and says for how long it did
 * not, and whether it answered again.
 */
export async function engineOutage(info: () => Promise<unknown>, boundMs: number): Promise<string | undefined> {
  try {
    await info();
    return undefined;
  } catch {
    const back = await waitForEngine(info, boundMs);
    return 'unanswered' in back
      ? `the engine did not answer for ${boundMs} ms (${back.unanswered})`
      : `the engine did not answer for ${back.afterMs} ms, then answered again`;
  }
}
