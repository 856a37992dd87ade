import { isIP } from 'node:net';
import type { Expectation, HostTarget, InternetTarget } from '../../scenario/scenario.js';
import { nameCheck, type Step } from '../../plan/checks.js';
import type { ProbeBuilder } from '../../plan/probe-builder.js';
import type { Attempt } from '../../plan/plan.js';
import type { EgressCell } from './egress-cell.js';
import { cellBase } from '../cell-base.js';

/**
 * Egress: each outside target by name; any one reached means egress works. No subnet rule: answers lie outside.
 * A probe with an outside name to resolve keeps the engine's upstream DNS.
 */
export function planEgressCell(
  expectation: Expectation,
  target: InternetTarget,
  probe: ProbeBuilder,
  step: Step,
): EgressCell {
  return {
    kind: 'egress',
    ...cellBase(expectation, target.label, probe),
    target,
    attempts: egressAttempts(target.targets, probe, step),
  };
}

/**
 * The attempts of an egress cell, one per outside target, each by name (a drill's egress is the same): a probe with
 * an outside name to resolve keeps the engine's upstream DNS.
 */
export function egressAttempts(targets: readonly HostTarget[], probe: ProbeBuilder, step: Step): Attempt[] {
  return targets.map((outside) => {
    const host = outside.host.kind === 'external' ? outside.host.host : '';
    if (host && !isIP(host)) probe.needsUpstreamDns = true;
    return {
      checkId: probe.add(nameCheck(outside, host, [], step)),
      via: 'name',
      description: outside.label,
      family: 4,
    };
  });
}
