import { isIP } from 'node:net';
import type { Expectation, InternetTarget } from '../scenario/scenario.js';
import { nameCheck, type Step } from './checks.js';
import type { ProbeBuilder } from './probe-builder.js';
import type { EgressCell } from './plan.js';
import { cellBase } from './cell-base.js';

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
  const cell: EgressCell = { kind: 'egress', ...cellBase(expectation, target.label, probe), target };
  for (const outside of target.targets) {
    const host = outside.host.kind === 'external' ? outside.host.host : '';
    cell.attempts.push({
      checkId: probe.add(nameCheck(outside, host, [], step)),
      via: 'name',
      description: outside.label,
      family: 4,
    });
    if (host && !isIP(host)) probe.needsUpstreamDns = true;
  }
  return cell;
}
