import { performance } from 'node:perf_hooks';

/**
 * The phases of a run whose times are recorded: the scenarios' load, the deployment's read, the probe image's check,
 * planning, each probe's create and start, its run (started to result read) and its removal, the window's re-read
 * after the probes, the judgement, and the removal of what is left at the end.
 */
export type RunPhase =
  | 'scenario load'
  | 'deployment read'
  | 'image check'
  | 'plan'
  | 'probe create/start'
  | 'probe run'
  | 'probe removal'
  | 'window re-read'
  | 'judge'
  | 'cleanup';

/** One phase's span, in milliseconds since the timings began; `of` names the probe a probe phase belongs to. */
export interface PhaseSpan {
  phase: RunPhase;
  startMs: number;
  endMs: number;
  of?: string;
}

/**
 * Where a run's time goes (the benches read it): spans recorded by the pipeline as each phase ends, phases that
 * overlap recorded as they ran. Nothing in a run's result depends on it.
 */
export class RunTimings {
  readonly #origin = performance.now();
  readonly spans: PhaseSpan[] = [];

  /** Milliseconds since the timings began. */
  now(): number {
    return performance.now() - this.#origin;
  }

  /** Records `phase` from `startMs` (a value of now()) to now. */
  record(phase: RunPhase, startMs: number, of?: string): void {
    this.spans.push({ phase, startMs, endMs: this.now(), ...(of !== undefined ? { of } : {}) });
  }

  /** Runs `work` and records it as `phase`, whether it resolves or rejects. */
  async time<T>(phase: RunPhase, work: () => Promise<T>, of?: string): Promise<T> {
    const startMs = this.now();
    try {
      return await work();
    } finally {
      this.record(phase, startMs, of);
    }
  }
}

/** Runs `work`, timed as `phase` when there are timings to record it in. */
export function timed<T>(
  timings: RunTimings | undefined,
  phase: RunPhase,
  work: () => Promise<T>,
  of?: string,
): Promise<T> {
  return timings ? timings.time(phase, work, of) : work();
}
