import type { TargetOf } from '../checks/check-kind.js';
import { CHECK_KINDS } from '../checks/check-kinds.js';
import type { Kind } from '../checks/cells.js';
import { ScenarioError } from '../errors/scenario-error.js';
import type { TargetRef } from '../scenario/scenario.js';
import type { Placement } from './placement.js';

/** The kinds a scenario's target makes: those of the registry that plan from a target (fromTarget). */
export type TargetKind = { [K in Kind]: (typeof CHECK_KINDS)[K] extends { fromTarget: object } ? K : never }[Kind];

/** A pair's kind of cell, with the target narrowed to what that kind's cell holds. */
export type CellKind = { [K in TargetKind]: { kind: K; target: TargetOf<K> } }[TargetKind];

const TARGET_KINDS = Object.values(CHECK_KINDS).filter((kind) => 'fromTarget' in kind);

/**
 * What a source at each placement cannot check, as the hint of the scenario error that refuses it; undefined where
 * some kind takes every target. A placement added without it does not compile.
 */
const REFUSED: Record<Placement['kind'], string | undefined> = {
  // dockprobe's own process resolves with the host's resolver and leaves by the host's route: neither says anything
  // about the deployment's DNS or its egress.
  host: 'from: host checks the ports the deployment publishes (service:port or http://service:port/…); check DNS and egress from a network or a service',
  // Names do not resolve on the LAN, and an outside host or the internet list is no part of what the neighbour is
  // there to prove (what of the deployment it reaches).
  lan: "from: lan tries the deployment's services (service:port or http://service:port/…) at their container addresses and the host's published ports; names do not resolve on the LAN",
  network: undefined,
  container: undefined,
  job: undefined,
};

/**
 * Which kind of cell a source's placement and a target make: the kind of the registry that takes the pair (each pair
 * is one kind's at most: the host knocks on published ports and outside hosts, a LAN neighbour tries services, a
 * network or a service reaches hosts and the internet list). A pair no kind takes is an error in the scenario, at the
 * target.
 */
export function cellKind(placement: Placement['kind'], target: TargetRef): CellKind {
  for (const kind of TARGET_KINDS) {
    const taken = kind.fromTarget.takes(placement, target);
    // Each kind narrows the target to what its own cell holds.
    if (taken) return { kind: kind.kind, target: taken } as CellKind;
  }
  const hint = REFUSED[placement];
  if (hint === undefined) throw new Error(`planning: no kind of check takes '${target.label}' from a ${placement}`);
  throw new ScenarioError([
    { ...target.position, message: `'${target.label}' cannot be checked from ${placement}`, hint },
  ]);
}
