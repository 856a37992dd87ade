import type { DrillSourcePlan } from '../drill/drill-source-plan.js';
import type { Judgement, MakeJudgement, ControlResult, Evidence } from '../judge/verdict.js';
import type { Placement } from '../plan/placement.js';
import type { ProbeSpec } from '../plan/plan.js';
import type { ProbeBuilder } from '../plan/probe-builder.js';
import type { ProbeResult } from '../run/probe-result.js';
import type { Expectation, SourceRef, TargetRef, TraefikCheck } from '../scenario/scenario.js';
import type { Topology } from '../topology/topology.js';
import type { ExpectedCell } from './cell-base.js';
import type { CellOf, CodeOf, Kind, KindTypes } from './cells.js';
import type { PortKind } from './port/common-ports.js';

/**
 * A kind of check: what one kind of cell proves, how its cells are planned, what it decides without a probe, how it
 * judges what its probe saw, and its codes. Each lives in its folder (checks/<kind>/) and is listed once in the
 * registry (check-kinds.ts), which planning, judging, the code tables and the docs' tables loop over.
 *
 * A kind is planned one or more of three ways: from a scenario's target (`fromTarget`: reach, published, egress,
 * lan), from a scenario key of its own (`fromKey`: `traefik:` makes traefik-route cells), or by a drill, which lists
 * everything reachable (`listed`: port, name, egress).
 */
export interface CheckKind<K extends Kind, ListedFrom = never> {
  readonly kind: K;
  /** What it proves, source → target, in a sentence: docs/dev/architecture.md's cells table says the same (a test compares). */
  readonly proves: string;
  /** Its own codes, with their meanings and their baseline classes (the shared ones are in shared-codes.ts). */
  readonly codes: KindTypes[K]['codes'];
  readonly fromTarget?: TargetPlanner<K>;
  readonly fromKey?: KeyPlanner<K>;
  readonly listed?: ListedPlanner<K, ListedFrom>;
  /**
   * What the cell's configuration alone decides, before its probe is asked (a port Docker did not publish, a Traefik
   * label Traefik ignores); undefined when it needs its probe. A cell decided here is not left inconclusive by a probe
   * that failed.
   */
  decide?(cell: CellOf<K>, seen: Unprobed, judged: MakeJudgement<CodeOf<K>>): Judgement | undefined;
  /**
   * Its judge of what the probe saw, once the probe ran. Every fail-closed decision (a check it did not finish, a
   * silence its controls do not prove) is taken from failClosed (judge/fail-closed.ts), never a copy.
   */
  judge(cell: CellOf<K>, seen: Probed, judged: MakeJudgement<CodeOf<K>>): Judgement;
}

/** What a judge reads: each attempt with what the probe saw of it, the probe as planned, its controls and result. */
export interface Probed {
  evidence: Evidence[];
  spec: ProbeSpec;
  control: ControlResult;
  result: ProbeResult;
}

/** What a cell's configuration is decided from, before any probe counts: the evidence, and the probe's result if any. */
export interface Unprobed {
  evidence: Evidence[];
  result: ProbeResult | undefined;
}

/** The target a kind's cell holds, as a kind made from a scenario's target narrows it. */
export type TargetOf<K extends Kind> = K extends Kind
  ? NonNullable<CellOf<K> extends { target: infer T } ? T : never>
  : never;

/** How a kind made from a scenario's target plans its cells. */
export interface TargetPlanner<K extends Kind> {
  /**
   * The target as this kind's cell holds it, when a source placed at `placement` trying `target` makes a cell of this
   * kind; undefined when the pair is another kind's, or no kind's (plan/cell-kind.ts refuses those). Each pair is
   * one kind's at most.
   */
  takes(placement: Placement['kind'], target: TargetRef): TargetOf<K> | undefined;
  /** The cell of one (expectation, target) pair, its attempts added to `probe`. */
  plan(expectation: Expectation, target: TargetOf<K>, probe: ProbeBuilder, topology: Topology): CellOf<K>;
  /**
   * The cell where the source has nothing to probe from (`base.precondition` says why): inconclusive, of the kind the
   * source would have made, so reports and baselines file it where its verdicts go.
   */
  unplannable(base: ExpectedCell, target: TargetOf<K>): CellOf<K>;
}

/** A source a key-made kind plans from: a probe, or a source with nothing to probe from and why. */
export type KeySource = ProbeBuilder | { key: string; label: string; precondition: ExpectedCell['precondition'] };

/** How a kind made from a scenario key of its own plans its cells (`traefik:`, the only such key today). */
export interface KeyPlanner<K extends Kind> {
  /**
   * The cells of the scenario's checks under the key, and the expectation each check stands for (reports name it;
   * the plan's default deadline counts it). `sources` gives the probes of a source, shared with the scenario's
   * expectations from the same source.
   */
  plan(
    checks: readonly TraefikCheck[],
    topology: Topology,
    sources: (from: SourceRef) => KeySource[],
  ): { cells: CellOf<K>[]; expectations: Expectation[] };
}

/** What a drill's row is about, riskiest first: a port by what usually listens there, then egress, then a name. */
export type RiskKind = PortKind | 'egress' | 'name';

/** The cell of a kind as a drill makes it. */
export type ListedOf<K extends Kind> = K extends Kind ? (KindTypes[K] extends { listed: infer L } ? L : never) : never;

/** How a drill plans a kind's cells, and what its rows say of their own. */
export interface ListedPlanner<K extends Kind, From> {
  /** Plans one source's cells toward one target (`from`), adding them and their checks to the source's plan. */
  plan(plan: DrillSourcePlan, from: From): void;
  /** How risky the row's target is: what the drill's rows are ranked by, riskiest first. */
  risk(cell: ListedOf<K>): { kind: RiskKind; rank: number; name?: string };
  /**
   * Whether a breach seen while a network was being created may be dockerd's own instant without isolation
   * (moby/moby#43585), which the row then says.
   */
  readonly transientBreach: boolean;
}
