import type { HostTarget } from '../../scenario/scenario.js';
import type { CheckKind } from '../check-kind.js';
import { EGRESS_CODES } from './egress-cell.js';
import { judgeEgressCell } from './judge-egress-cell.js';
import { planDrillEgressCell } from './plan-drill-egress-cell.js';
import { planEgressCell } from './plan-egress-cell.js';

/**
 * Egress: a network or a service trying the internet list, reached if any entry answers. A scenario's `internet`
 * target makes it, and a drill tries it from every source whose routes leave the host.
 */
export const egressKind = {
  kind: 'egress',
  proves: "a network or a service → the internet list (a scenario's and a drill's alike)",
  codes: EGRESS_CODES,
  fromTarget: {
    takes: (placement, target) =>
      target.kind === 'internet' && placement !== 'host' && placement !== 'lan' ? target : undefined,
    plan: (expectation, target, probe) =>
      planEgressCell(expectation, target, probe, {
        timeoutMs: expectation.timeoutMs,
        retries: expectation.reachable ? expectation.retries : 0,
      }),
    unplannable: (base, target) => ({ kind: 'egress', ...base, target }),
  },
  listed: {
    plan: (plan, { internet }) => planDrillEgressCell(plan, internet),
    risk: () => ({ kind: 'egress', rank: 5 }),
    transientBreach: false,
  },
  judge: (cell, seen, judged) => judgeEgressCell(cell, seen.evidence, seen.spec, seen.control, seen.result, judged),
} satisfies CheckKind<'egress', { internet: readonly HostTarget[] }>;
