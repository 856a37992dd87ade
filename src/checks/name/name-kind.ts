import type { TopologyService } from '../../topology/topology.js';
import type { CheckKind } from '../check-kind.js';
import { judgeNameCell } from './judge-name-cell.js';
import { NAME_CODES } from './name-cell.js';
import { planNameCells } from './plan-name-cells.js';

/** A drill's name: a service's name looked up through the source's DNS, whether it resolves there. */
export const nameKind = {
  kind: 'name',
  proves: "(drill) a source → a service's name through its DNS",
  codes: NAME_CODES,
  listed: {
    plan: (plan, { service }) => planNameCells(plan, service),
    risk: () => ({ kind: 'name', rank: 6 }),
    transientBreach: false,
  },
  judge: (cell, seen, judged) => judgeNameCell(cell, seen.evidence, seen.control, seen.result, judged),
} satisfies CheckKind<'name', { service: TopologyService }>;
