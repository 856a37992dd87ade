import { formatPosition } from '../errors/scenario-error.js';
import type { Cell, Plan, ProbeSpec } from '../plan/plan.js';
import type { ProbeResult } from '../run/probe-result.js';
import type { RunWindow } from '../topology/world-changes.js';
import { judgeControls } from './controls.js';
import { judgeEgressCell } from './egress-cell.js';
import { judgeLanCell } from './lan-cell.js';
import { decidePublishedCell, judgePublishedCell } from './published-cell.js';
import { judgeReachCell } from './reach-cell.js';
import { decideTraefikRouteCell, judgeTraefikRouteCell } from './traefik-route-cell.js';
import type { ControlResult, Evidence, MakeVerdict, Verdict } from './verdict.js';
import { failClosed, unproven } from './fail-closed.js';

export { describeObservation, NAME_BLOCKED, PATH_BLOCKED } from './outcomes.js';
export { describeRoute } from './egress-cell.js';

/**
 * Observations × expectations → verdicts. The rules that hold for every kind of cell live here: a cell whose source
 * or target is not running, or whose probe did not run, is inconclusive, never "blocked". Each kind then judges its
 * own evidence in its own module, with its own fail-closed rules; a kind its configuration can decide says so there
 * too, before any probe is asked.
 */
export function judge(
  plan: Plan,
  results: readonly ProbeResult[],
  window: RunWindow = { changes: new Map(), networkEvents: [] },
): { verdicts: Verdict[]; controls: ControlResult[] } {
  const byKey = new Map(results.map((r) => [r.probeKey, r]));
  const controls = plan.probes.map((spec) => judgeControls(spec, byKey.get(spec.key), plan.cells));
  const controlsByKey = new Map(controls.map((c) => [c.probeKey, c]));
  const verdicts = plan.cells.map((cell) => {
    const spec = plan.probes.find((p) => p.key === cell.probeKey);
    const result = spec ? byKey.get(cell.probeKey) : undefined;
    return failClosed.withProbeErrorCode(
      heldWorld(judgeCell(cell, spec, result, controlsByKey.get(cell.probeKey)), cell, window),
      result,
    );
  });
  return { verdicts, controls };
}

/**
 * A "blocked" counts only for the world as it was when the probe ran: if a container the cell rests on stopped,
 * restarted, was removed or moved between networks meanwhile, the silence may only have been its absence.
 */
function heldWorld(verdict: Verdict, cell: Cell, window: RunWindow): Verdict {
  // A breach seen while a network was being created may be dockerd's own instant without isolation: say so, so a
  // transient breach can be told from a standing one. It stays a finding: any container could use that instant.
  if (verdict.status === 'fail' && verdict.expected === 'blocked' && window.networkEvents.length > 0) {
    const when = window.networkEvents.join('; ');
    return {
      ...verdict,
      reason: `${verdict.reason} (during the run: ${when}; dockerd re-inserts its isolation rules whenever a network is created, moby/moby#43585, so a breach seen only then may be transient: check with --repeat)`,
    };
  }
  if (verdict.status !== 'pass' || verdict.expected !== 'blocked') return verdict;
  const changed = failClosed.worldChanged(cell.touches, window, verdict.reason);
  return changed ? { ...verdict, status: 'inconclusive', ...changed } : verdict;
}

function judgeCell(
  cell: Cell,
  spec: ProbeSpec | undefined,
  result: ProbeResult | undefined,
  control: ControlResult | undefined,
): Verdict {
  const evidence: Evidence[] = cell.attempts.map((attempt) => ({
    attempt,
    observation: result?.observations.get(attempt.checkId),
  }));
  const base = {
    cellId: cell.id,
    expectation: cell.expectation.name,
    location: formatPosition(cell.expectation.position),
    source: cell.source,
    target: cell.targetLabel,
    expected: cell.expectation.reachable ? ('reachable' as const) : ('blocked' as const),
    evidence,
  };
  const verdict: MakeVerdict = (status, code, observed, reason, latencyMs) => ({
    ...base,
    status,
    code,
    observed,
    reason,
    latencyMs,
  });

  if (cell.precondition) return verdict('inconclusive', cell.precondition.code, 'not tried', cell.precondition.text);
  // Before "the probe did not run": a cell the configuration decides needs no probe, so a failed one is no reason to
  // leave it inconclusive.
  const decided = withoutProbe(cell, evidence, result, verdict);
  if (decided) return decided;
  const ran = failClosed.probeFailed(cell.source, { spec, result, control });
  if (ran.failed) return unproven(verdict, ran.failed);
  const { spec: ranSpec, result: ranResult, control: ranControl } = ran;
  switch (cell.kind) {
    case 'reach':
      return judgeReachCell(cell, evidence, ranControl, ranResult, verdict);
    case 'published':
      return judgePublishedCell(cell, evidence, ranResult, verdict);
    case 'egress':
      return judgeEgressCell(cell, evidence, ranSpec, ranControl, ranResult, verdict);
    case 'traefik-route':
      return judgeTraefikRouteCell(cell, evidence, ranControl, ranResult, verdict);
    case 'lan':
      return judgeLanCell(cell, evidence, ranControl, ranResult, verdict);
    default: {
      // A kind added to Cell without its judge does not compile.
      const never: never = cell;
      throw new Error(`no judge for cell kind ${(never as Cell).kind}`);
    }
  }
}

/**
 * The verdict a cell's configuration gives it with no probe at all, for the kinds that have one: a published port
 * Docker did not publish, a Traefik route its labels and networks decide. Undefined when the cell needs its probe.
 */
function withoutProbe(
  cell: Cell,
  evidence: Evidence[],
  result: ProbeResult | undefined,
  verdict: MakeVerdict,
): Verdict | undefined {
  switch (cell.kind) {
    case 'published':
      return decidePublishedCell(cell, verdict);
    case 'traefik-route':
      return decideTraefikRouteCell(cell, evidence, result, verdict);
    case 'reach':
    case 'egress':
    case 'lan':
      return undefined;
    default: {
      // A kind added to Cell must say whether anything decides it without a probe.
      const never: never = cell;
      throw new Error(`no probe-free judge for cell kind ${(never as Cell).kind}`);
    }
  }
}
