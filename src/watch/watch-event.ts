import type { EngineInfo } from '../docker/system-client.js';
import type { Verdict } from '../judge/verdict.js';
import type { Summary } from '../run-result.js';
import type { CellChange } from './cell-states.js';
import type { WarmProbeChange } from '../pipeline/warm-probe-runner.js';
import type { RoundOutcome } from './watch-metrics.js';

/** A breach seen while a network was created (moby/moby#43585), checked again at once: both verdicts. */
export interface Recheck {
  cellId: string;
  /** The breach as first seen, with the networks created meanwhile in its reason. */
  first: Verdict;
  /** The re-check's verdict; undefined when the re-check could not run (then the first stands). */
  second: Verdict | undefined;
}

/** What a watch says of the round a report comes from (`/report`: the report's `watch` field). */
export interface WatchRound {
  round: number;
  /** What asked for it: `network connect: postgres to shop_public-facing`, `interval` … */
  trigger: string;
  outcome: RoundOutcome;
  endedAt: string;
  /** Why it could not run, when its outcome is `failed`: every cell is then inconclusive. */
  error?: string;
  rechecks: Recheck[];
}

/** What a watch says as it goes: on stdout, one per line (pretty, or a `dockprobe-watch-event` JSON document). */
export type WatchEvent = { at: string } & (
  | {
      event: 'started';
      runId: string;
      engine: EngineInfo;
      scenarios: string[];
      /** Rounds every intervalMs; after engine events once settled for settleMs, at most maxDelayMs after the first. */
      schedule: { intervalMs: number; settleMs: number; maxDelayMs: number };
      /** How the engine host's firewall is watched, or why it cannot be. */
      firewall: { visible: boolean; detail: string };
      leaseMs: number;
      /** Where /metrics, /healthz and /report are served (host:port), when they are. */
      listen?: string;
    }
  | ({ event: 'change'; trigger: string } & CellChange)
  | {
      event: 'round';
      round: number;
      trigger: string;
      outcome: RoundOutcome;
      durationMs: number;
      summary: Summary;
      error?: string;
    }
  | ({ event: 'recheck'; round: number } & Recheck)
  | { event: 'reloaded'; scenarios: string[]; detail: string; error?: string }
  | ({ event: 'probe'; round: number } & WarmProbeChange)
  | { event: 'engine'; state: 'lost' | 'back'; detail: string }
  | { event: 'firewall'; detail: string }
);
