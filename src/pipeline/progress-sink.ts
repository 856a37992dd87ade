/**
 * Where a run says how far it is while its probes run: a round's size, each probe as it starts and ends. The run
 * calls it and never waits on it; what it shows, and whether anything is shown at all (a terminal, not a pipe nor
 * `--quiet`), is the front end's (src/cli/terminal-progress.ts). `roundEnded` is called however the round ends, so a
 * status line never outlives it.
 */
export interface ProgressSink {
  /** A round begins: its probes and the checks they carry, controls left out. */
  roundStarted(round: { probes: number; checks: number }): void;
  /** A probe was given its slot and is being started. */
  probeStarted(probe: { key: string }): void;
  /** A probe ended, with its checks (all of them: a failed probe's checks are done too, inconclusive). */
  probeEnded(probe: { key: string; checks: number; failed: boolean }): void;
  /** The round's probes have all ended, or the round was cut short. */
  roundEnded(): void;
}

/** A sink that shows nothing: a run without a front end's progress. */
export const NO_PROGRESS: ProgressSink = {
  roundStarted: () => undefined,
  probeStarted: () => undefined,
  probeEnded: () => undefined,
  roundEnded: () => undefined,
};
