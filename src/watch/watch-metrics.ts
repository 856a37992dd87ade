import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Verdict, VerdictStatus } from '../judge/verdict.js';
import type { CellChange } from './cell-states.js';
import type { Trigger } from './round-scheduler.js';

/**
 * The most cells with series of their own (per metric with cell labels). Past it, the first cells by id keep theirs,
 * the rest are counted in dockprobe_cell_series_dropped_total at each round, their breaches under the label values
 * `_other`, and dockprobe_cells counts every cell whatever the cap.
 */
export const MAX_CELL_SERIES = 1000;

/** How a round ended: every cell judged with the probes' controls holding; judged with some cell not; not run. */
export type RoundOutcome = 'complete' | 'incomplete' | 'failed';

const STATUSES: readonly VerdictStatus[] = ['pass', 'fail', 'inconclusive'];
const CELL_LABELS = ['source', 'target', 'expectation', 'expected'] as const;
type CellLabels = Record<(typeof CELL_LABELS)[number], string>;
const OTHER: CellLabels = { source: '_other', target: '_other', expectation: '_other', expected: '_other' };

/** The metrics of a watch, in a registry of their own (docs/watch.md's "Metrics" section defines each). */
export class WatchMetrics {
  readonly registry = new Registry();
  readonly #cellVerdict: Gauge<(typeof CELL_LABELS)[number] | 'verdict'>;
  readonly #breaches: Counter<(typeof CELL_LABELS)[number]>;
  readonly #transient: Counter;
  readonly #rounds: Counter<'outcome'>;
  readonly #duration: Histogram;
  readonly #lastComplete: Gauge;
  readonly #lastRound: Gauge;
  readonly #cells: Gauge<'verdict'>;
  readonly #dropped: Counter;
  readonly #triggers: Counter<'trigger'>;
  readonly #probes: Gauge;
  readonly #replaced: Counter;
  readonly #engineUp: Gauge;
  readonly #firewallChanges: Counter;
  /** The cells that have series of their own, by their labels' key, with their labels: kept while they are planned. */
  readonly #exported = new Map<string, CellLabels>();

  constructor(readonly maxCellSeries = MAX_CELL_SERIES) {
    const registers = [this.registry];
    this.#cellVerdict = new Gauge({
      name: 'dockprobe_cell_verdict',
      help: "Each cell's verdict in the latest round: 1 for its verdict, 0 for the two others",
      labelNames: [...CELL_LABELS, 'verdict'],
      registers,
    });
    this.#breaches = new Counter({
      name: 'dockprobe_breaches_total',
      help: 'Transitions of a cell expected blocked into FAIL',
      labelNames: [...CELL_LABELS],
      registers,
    });
    this.#transient = new Counter({
      name: 'dockprobe_transient_breaches_total',
      help: 'Breaches seen while a network was created that a re-check at once did not see again',
      registers,
    });
    this.#rounds = new Counter({
      name: 'dockprobe_rounds_total',
      help: 'Rounds by outcome: complete (every cell judged, controls holding), incomplete, failed (could not run)',
      labelNames: ['outcome'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'dockprobe_round_duration_seconds',
      help: 'Wall time of a round: the world read, the probes, the window, the judge',
      buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120],
      registers,
    });
    this.#lastComplete = new Gauge({
      name: 'dockprobe_last_complete_round_timestamp_seconds',
      help: 'When the latest complete round ended (Unix time); 0 before the first',
      registers,
    });
    this.#lastRound = new Gauge({
      name: 'dockprobe_last_round_timestamp_seconds',
      help: 'When the latest round ended, whatever its outcome (Unix time)',
      registers,
    });
    this.#cells = new Gauge({
      name: 'dockprobe_cells',
      help: 'Cells by verdict in the latest round, every cell counted (no cap)',
      labelNames: ['verdict'],
      registers,
    });
    this.#dropped = new Counter({
      name: 'dockprobe_cell_series_dropped_total',
      help: `Cells left without series of their own because of the cap (${this.maxCellSeries} cells), counted at each round`,
      registers,
    });
    new Gauge({
      name: 'dockprobe_cell_series_limit',
      help: 'The most cells with series of their own',
      registers,
    }).set(this.maxCellSeries);
    this.#triggers = new Counter({
      name: 'dockprobe_round_triggers_total',
      help: 'What asked for rounds: start, event, interval, firewall, engine, reload, retry',
      labelNames: ['trigger'],
      registers,
    });
    this.#probes = new Gauge({ name: 'dockprobe_warm_probes', help: 'Warm probes running', registers });
    this.#replaced = new Counter({
      name: 'dockprobe_probe_replacements_total',
      help: 'Warm probes replaced because they ended or failed a round',
      registers,
    });
    this.#engineUp = new Gauge({
      name: 'dockprobe_engine_up',
      help: 'Whether the engine answered the latest round (1) or not (0)',
      registers,
    });
    this.#firewallChanges = new Counter({
      name: 'dockprobe_firewall_changes_total',
      help: "Changes of the digest of the engine host's rule set (stays 0 where it cannot be read)",
      registers,
    });
    for (const outcome of ['complete', 'incomplete', 'failed']) this.#rounds.inc({ outcome }, 0);
    for (const verdict of STATUSES) this.#cells.set({ verdict }, 0);
    collectDefaultMetrics({ register: this.registry, prefix: 'dockprobe_' });
  }

  /** A round's end: its outcome and time, its verdicts (the cells' gauges now say them), its breaches. */
  round(outcome: RoundOutcome, durationMs: number, verdicts: readonly Verdict[], changes: readonly CellChange[]): void {
    const now = Date.now() / 1000;
    this.#rounds.inc({ outcome });
    this.#duration.observe(durationMs / 1000);
    this.#lastRound.set(now);
    if (outcome === 'complete') this.#lastComplete.set(now);
    this.#engineUp.set(outcome === 'failed' ? 0 : 1);
    for (const verdict of STATUSES) this.#cells.set({ verdict }, verdicts.filter((v) => v.status === verdict).length);
    // A cell with the labels of another (the same source, target and expectation) shares its series: the worse
    // verdict of the two is its value.
    const byLabels = new Map<string, { labels: CellLabels; status: VerdictStatus }>();
    for (const v of [...verdicts].sort((a, b) => a.cellId.localeCompare(b.cellId))) {
      const labels = cellLabels(v);
      const key = JSON.stringify(labels);
      const seen = byLabels.get(key);
      if (!seen || rank(v.status) > rank(seen.status)) byLabels.set(key, { labels, status: v.status });
    }
    // A cell no longer planned gives its place up, its breach counter with it: the series stay bounded whatever churns.
    for (const [key, labels] of this.#exported)
      if (!byLabels.has(key)) {
        this.#exported.delete(key);
        this.#breaches.remove(labels);
      }
    this.#cellVerdict.reset();
    let dropped = 0;
    for (const [key, { labels, status }] of byLabels) {
      if (!this.#keeps(key, labels)) {
        dropped++;
        continue;
      }
      for (const verdict of STATUSES) this.#cellVerdict.set({ ...labels, verdict }, verdict === status ? 1 : 0);
    }
    if (dropped > 0) this.#dropped.inc(dropped);
    for (const c of changes) {
      if (!c.breach) continue;
      const labels = cellLabels(c.verdict);
      this.#breaches.inc(this.#exported.has(JSON.stringify(labels)) ? labels : OTHER);
    }
  }

  /** A breach seen while a network was created, not seen again by the re-check. */
  transientBreach(): void {
    this.#transient.inc();
  }

  /** What asked for a round. */
  triggered(triggers: readonly Trigger[]): void {
    for (const kind of new Set(triggers.map((t) => t.kind))) this.#triggers.inc({ trigger: kind });
  }

  probes(count: number): void {
    this.#probes.set(count);
  }

  probeReplaced(): void {
    this.#replaced.inc();
  }

  firewallChanged(): void {
    this.#firewallChanges.inc();
  }

  /** The metrics in the Prometheus text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  // Whether a cell has series of its own: it had them before, or there is room.
  #keeps(key: string, labels: CellLabels): boolean {
    if (this.#exported.has(key)) return true;
    if (this.#exported.size >= this.maxCellSeries) return false;
    this.#exported.set(key, labels);
    return true;
  }
}

function cellLabels(v: Pick<Verdict, 'source' | 'target' | 'expectation' | 'expected'>): CellLabels {
  return { source: v.source, target: v.target, expectation: v.expectation, expected: v.expected };
}

function rank(status: VerdictStatus): number {
  return status === 'fail' ? 2 : status === 'inconclusive' ? 1 : 0;
}
