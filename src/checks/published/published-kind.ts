import type { CheckKind } from '../check-kind.js';
import { decidePublishedCell, judgePublishedCell } from './judge-published-cell.js';
import { planPublishedCell } from './plan-published-cell.js';
import { PUBLISHED_CODES } from './published-cell.js';

/** Published: the host knocking on a service's port where the engine published it. */
export const publishedKind = {
  kind: 'published',
  proves: "the host → a service's published port, by the engine's bindings",
  codes: PUBLISHED_CODES,
  fromTarget: {
    takes: (placement, target) =>
      placement === 'host' && target.kind !== 'internet' && target.kind !== 'dns' && target.host.kind === 'service'
        ? target
        : undefined,
    plan: (expectation, target, probe, topology) =>
      planPublishedCell(expectation, target, probe, topology, expectation.timeoutMs),
    unplannable: (base, target) => ({
      kind: 'published',
      ...base,
      target,
      binding: undefined,
      allInterfaces: false,
      fact: undefined,
    }),
  },
  decide: (cell, _seen, judged) => decidePublishedCell(cell, judged),
  judge: (cell, seen, judged) => judgePublishedCell(cell, seen.evidence, seen.result, judged),
} satisfies CheckKind<'published'>;
