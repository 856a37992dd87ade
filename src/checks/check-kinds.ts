import type { CheckKind } from './check-kind.js';
import type { CellOf, Kind, KindTypes } from './cells.js';
import { egressKind } from './egress/egress-kind.js';
import { lanKind } from './lan/lan-kind.js';
import { nameKind } from './name/name-kind.js';
import { portKind } from './port/port-kind.js';
import { publishedKind } from './published/published-kind.js';
import { reachKind } from './reach/reach-kind.js';
import { traefikRouteKind } from './traefik-route/traefik-route-kind.js';
import { udpKind } from './udp/udp-kind.js';

/**
 * Every kind of check, once: planning (plan/cell-kind.ts, plan/build-plan.ts, drill/plan-drill.ts), judging
 * (judge/judge.ts), the code tables (verdict-codes.ts) and the docs' tables loop over it. Keyed by every kind of
 * KindTypes (cells.ts): a kind listed there without its entry here, or with the wrong one, does not compile. The order
 * is the docs' (docs/dev/architecture.md, docs/codes.md).
 */
export const CHECK_KINDS = {
  reach: reachKind,
  published: publishedKind,
  egress: egressKind,
  'traefik-route': traefikRouteKind,
  lan: lanKind,
  port: portKind,
  name: nameKind,
  udp: udpKind,
} as const satisfies { readonly [K in Kind]: CheckKind<K, never> & { codes: KindTypes[K]['codes'] } };

/** The registry's kinds, in its order. */
export const KINDS = Object.values(CHECK_KINDS) as readonly CheckKind<Kind, unknown>[];

/** The kind of check a cell is of. */
export function kindOf<K extends Kind>(cell: CellOf<K>): CheckKind<K, unknown> {
  // Sound by the registry's type: its entry under a cell's kind is that kind's.
  return CHECK_KINDS[cell.kind as K] as unknown as CheckKind<K, unknown>;
}
