/**
 * Races `promise` against a timer of `ms`: on expiry rejects with the error `onTimeout` makes, so each caller keeps
 * its own (the agent's `DP_DNS_TIMEOUT` observation code, the orchestrator's DockprobeError). The timer never
 * outlives the race. Shared by the agent and `src/`; it imports nothing, so the agent bundle stays self-contained.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
