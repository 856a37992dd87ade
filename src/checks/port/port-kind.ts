import type { CheckKind } from '../check-kind.js';
import { RISK_RANK } from './common-ports.js';
import { judgePortCell } from './judge-port-cell.js';
import { type PortTarget, planPortCells } from './plan-port-cells.js';
import { PORT_CODES } from './port-cell.js';

/**
 * A drill's port: one TCP connection to one address and port, a container's or the host's. A drill's row is one
 * observation, and its code names that observation (`no-answer`), where a reach cell combines a name and every
 * address into one proof (`blocked`): both code sets are published, so the drill's kinds are kinds of their own.
 */
export const portKind = {
  kind: 'port',
  proves: "(drill) a source → one address and port: a container's, the host's at a gateway, or a published port",
  codes: PORT_CODES,
  listed: {
    plan: (plan, { to }) => planPortCells(plan, to),
    risk: (cell) => ({
      kind: cell.risk.kind,
      rank: RISK_RANK[cell.risk.kind],
      ...(cell.risk.name ? { name: cell.risk.name } : {}),
    }),
    transientBreach: true,
  },
  judge: (cell, seen, judged) => judgePortCell(cell, seen.evidence, seen.spec, seen.control, seen.result, judged),
} satisfies CheckKind<'port', { to: PortTarget }>;
