import type { EGRESS_CODES, DrillEgressCell, EgressCell } from './egress/egress-cell.js';
import type { LAN_CODES, LanCell } from './lan/lan-cell.js';
import type { NAME_CODES, NameCell } from './name/name-cell.js';
import type { PORT_CODES, PortCell } from './port/port-cell.js';
import type { PUBLISHED_CODES, PublishedCell } from './published/published-cell.js';
import type { REACH_CODES, ReachCell } from './reach/reach-cell.js';
import type { KeysOf } from './code-table.js';
import type { SharedCode } from './shared-codes.js';
import type { TRAEFIK_ROUTE_CODES, TraefikRouteCell } from './traefik-route/traefik-route-cell.js';

/**
 * Every kind of check, as types: its cell, its own codes and, for a kind a drill makes, the cell as a drill makes it.
 * Types only, so the plan and the judge can name a cell without loading any kind. A new kind is a line here and its
 * entry in the registry (check-kinds.ts), which the compiler holds to this list.
 */
export interface KindTypes {
  reach: { cell: ReachCell; codes: typeof REACH_CODES };
  published: { cell: PublishedCell; codes: typeof PUBLISHED_CODES };
  egress: { cell: EgressCell; codes: typeof EGRESS_CODES; listed: DrillEgressCell };
  'traefik-route': { cell: TraefikRouteCell; codes: typeof TRAEFIK_ROUTE_CODES };
  lan: { cell: LanCell; codes: typeof LAN_CODES };
  port: { cell: PortCell; codes: typeof PORT_CODES; listed: PortCell };
  name: { cell: NameCell; codes: typeof NAME_CODES; listed: NameCell };
}

/** A kind of check, by name. */
export type Kind = keyof KindTypes;

/** The cell of one kind. */
export type CellOf<K extends Kind> = KindTypes[K]['cell'];

/** A cell, of any kind: one (source probe, target) pair and what is asked of it. */
export type Cell = CellOf<Kind>;

/** The cells a drill makes: no expectation, each with what its target belongs to. */
export type DrillCell = { [K in Kind]: KindTypes[K] extends { listed: infer L } ? L : never }[Kind];

/** The codes a kind's judge may give: its own and the shared ones. */
export type CodeOf<K extends Kind> = SharedCode | (keyof KindTypes[K]['codes'] & string);

/** Every code some kind gives of its own. */
export type KindCode = KeysOf<KindTypes[Kind]['codes']>;
