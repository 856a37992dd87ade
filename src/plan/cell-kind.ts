import { ScenarioError } from '../errors/scenario-error.js';
import type { TargetRef } from '../scenario/scenario.js';
import { lanTarget } from '../checks/lan/plan-lan-cell.js';
import type { Cell, NameCell, Placement, PortCell, TraefikRouteCell } from './plan.js';

/**
 * The cells a (source, target) pair can be: every kind but traefik-route, which a `traefik:` check makes, and a drill's
 * port and name cells, which only a drill makes.
 */
export type TargetCell = Exclude<Cell, TraefikRouteCell | PortCell | NameCell>;

// Derived from Cell rather than listed, so that a kind added to Cell is a member here too, and planCell's switch on
// it does not compile until that kind has its planner (or is excluded above, as made from a check of its own).
type KindOf<C extends TargetCell> = C extends TargetCell
  ? { kind: C['kind']; target: NonNullable<C['target']> }
  : never;

/** A pair's kind of cell, with the target narrowed to what that kind's cell holds. */
export type CellKind = KindOf<TargetCell>;

/**
 * Which kind of cell a source's placement and a target make: the host knocks on published ports (and outside hosts),
 * a LAN neighbour tries services, a network or a service reaches hosts and the internet list. A pair that cannot be
 * checked is an error in the scenario, at the target.
 */
export function cellKind(placement: Placement['kind'], target: TargetRef): CellKind {
  switch (placement) {
    case 'host':
      // dockprobe's own process resolves with the host's resolver and leaves by the host's route: neither says
      // anything about the deployment's DNS or its egress.
      if (target.kind === 'internet' || target.kind === 'dns') {
        throw new ScenarioError([
          {
            ...target.position,
            message: `'${target.label}' cannot be checked from host`,
            hint: 'from: host checks the ports the deployment publishes (service:port or http://service:port/…); check DNS and egress from a network or a service',
          },
        ]);
      }
      return target.host.kind === 'service' ? { kind: 'published', target } : { kind: 'reach', target };
    case 'lan':
      return { kind: 'lan', target: lanTarget(target) };
    case 'network':
    case 'container':
    case 'job':
      return target.kind === 'internet' ? { kind: 'egress', target } : { kind: 'reach', target };
    default: {
      // A placement added without saying which cells it makes does not compile.
      const never: never = placement;
      throw new Error(`planning: no cell kind for placement ${String(never)}`);
    }
  }
}
