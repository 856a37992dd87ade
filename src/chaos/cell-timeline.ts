import type { Verdict, VerdictStatus } from '../judge/verdict.js';
import { type PathNow, pathNow } from '../watch/cell-states.js';

/** Where a chaos round stands: before the fault, while it is applied or the engine recovers, after the restore. */
export type ChaosPhase = 'baseline' | 'fault' | 'recovery' | 'restored';

/** One round of a chaos drill: when it ran (milliseconds since the drill began) and what it judged. */
export interface ChaosRound {
  round: number;
  phase: ChaosPhase;
  startedMs: number;
  endedMs: number;
  verdicts: readonly Verdict[];
  /** Why the round could not run, when it could not: every cell is unknown in it. */
  error?: string;
  /** The round could not run because the engine did not answer; it lasted until the engine answered again. */
  engineDown?: boolean;
}

/** A run of rounds in which a cell's path differed from the one before the fault. */
export interface TimelineSpan {
  /** What the path was: `opened` (the target reached), `closed` (not reached), `unknown` (dockprobe could not tell). */
  state: PathNow;
  firstRound: number;
  lastRound: number;
  /** The start of the first round that saw it and the end of the last one (milliseconds since the drill began). */
  fromMs: number;
  toMs: number;
  /** toMs - fromMs: the rounds' windows that saw it, end to end. */
  durationMs: number;
  /** The first and last round's own words for it: observed, code and reason. */
  firstEvidence: string;
  lastEvidence: string;
  /**
   * The verdict codes of its rounds, each once (`not-judged` for a round that did not judge the cell, `engine-down`
   * for one that could not run because the engine did not answer).
   */
  codes: string[];
}

/** What a cell went through: its path before the fault, each span it left it, and where it ended. */
export interface CellTimeline {
  cellId: string;
  source: string;
  target: string;
  expectation: string;
  expected: Verdict['expected'];
  /** Where the scenario says it (file:line:col). */
  location: string;
  /** Its status and path in the last round before the fault. */
  before: VerdictStatus;
  beforePath: PathNow;
  /**
   * held: the path never differed from before; opened: it was reached while it was not before (for a cell expected
   * blocked: a breach window); closed: not reached while it was before (an outage); unknown: dockprobe could not tell
   * for a while and saw nothing else. The loudest one seen, in that order: opened, unknown, closed.
   */
  outcome: 'held' | PathNow;
  spans: TimelineSpan[];
  openedMs: number;
  closedMs: number;
  unknownMs: number;
  /** Its status in the last round before dockprobe restored anything (the engine's own recovery), and after. */
  afterRecovery: VerdictStatus | undefined;
  afterRestore: VerdictStatus | undefined;
  /** Its status after the restore is the one before the fault. */
  back: boolean;
}

/** A cell expected blocked that was reached for a while: a breach window. */
export function isBreach(cell: CellTimeline): boolean {
  return cell.expected === 'blocked' && cell.spans.some((s) => s.state === 'opened');
}

/** Whether every cell of `before` has the same status in `round` (a cell not judged there is not back). */
export function allBack(before: ReadonlyMap<string, Verdict>, round: Pick<ChaosRound, 'verdicts'>): boolean {
  const now = new Map(round.verdicts.map((v) => [v.cellId, v.status]));
  return [...before.values()].every((v) => now.get(v.cellId) === v.status);
}

/**
 * Each cell's timeline from the rounds after the fault began (phase fault and recovery, then restored), against its
 * verdict in the last baseline round (`before`). A cell missing from a round counts as unknown in it. A span ends at
 * the first round whose path differs from it.
 */
export function cellTimelines(before: ReadonlyMap<string, Verdict>, rounds: readonly ChaosRound[]): CellTimeline[] {
  const after = rounds.filter((r) => r.phase !== 'baseline');
  const lastOf = (phases: ChaosRound['phase'][]) => after.filter((r) => phases.includes(r.phase)).at(-1);
  const recovered = lastOf(['fault', 'recovery']);
  const restored = lastOf(['restored']);
  return [...before.values()].map((b) => {
    const beforePath = pathNow(b);
    const spans: TimelineSpan[] = [];
    let open: TimelineSpan | undefined;
    for (const r of after) {
      const v = r.verdicts.find((x) => x.cellId === b.cellId);
      const path: PathNow = v ? pathNow(v) : 'unknown';
      const said = v ? evidenceOf(v) : `not judged in round ${r.round}${r.error ? `: ${r.error}` : ''}`;
      const code = v?.code ?? (r.engineDown ? 'engine-down' : 'not-judged');
      if (path === beforePath) {
        open = undefined;
        continue;
      }
      if (open && open.state === path) {
        open.lastRound = r.round;
        open.toMs = r.endedMs;
        open.durationMs = open.toMs - open.fromMs;
        open.lastEvidence = said;
        if (!open.codes.includes(code)) open.codes.push(code);
        continue;
      }
      open = {
        state: path,
        firstRound: r.round,
        lastRound: r.round,
        fromMs: r.startedMs,
        toMs: r.endedMs,
        durationMs: r.endedMs - r.startedMs,
        firstEvidence: said,
        lastEvidence: said,
        codes: [code],
      };
      spans.push(open);
    }
    const total = (state: PathNow) => spans.filter((s) => s.state === state).reduce((n, s) => n + s.durationMs, 0);
    const seen = (state: PathNow) => spans.some((s) => s.state === state);
    const statusIn = (r: ChaosRound | undefined) => r?.verdicts.find((x) => x.cellId === b.cellId)?.status;
    const afterRestore = statusIn(restored);
    return {
      cellId: b.cellId,
      source: b.source,
      target: b.target,
      expectation: b.expectation,
      expected: b.expected,
      location: b.location,
      before: b.status,
      beforePath,
      outcome: seen('opened') ? 'opened' : seen('unknown') ? 'unknown' : seen('closed') ? 'closed' : 'held',
      spans,
      openedMs: total('opened'),
      closedMs: total('closed'),
      unknownMs: total('unknown'),
      afterRecovery: statusIn(recovered),
      afterRestore,
      back: afterRestore === b.status,
    };
  });
}

function evidenceOf(v: Verdict): string {
  return `${v.status} ${v.code}: ${v.observed}; ${v.reason}`;
}
