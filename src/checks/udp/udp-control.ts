import { CONTROL_REPEATS, controlRunId, type Observation } from '../../../probes/agent/protocol.js';
import type { ProbeBuilder } from '../../plan/probe-builder.js';
import type { ProbeResult } from '../../run/probe-result.js';
import { hostPort } from '../../plan/checks.js';
import { referencePorts } from './reference-ports.js';

/**
 * Tries of every datagram a udp cell plans: a silent one is sent again at least a second later (the agent's spacing),
 * past the ICMP rate limit of the target's kernel (a burst of about six errors per destination, then one a second).
 */
export const UDP_TRIES = 2;

/**
 * The probe's UDP control over one family: a datagram to each of up to two running peers on its networks, at a
 * reference port the peer does not expose. An ICMP port unreachable (or an answer) back proves the probe sends UDP and
 * sees what comes back; without it, silence from a target proves nothing. Run first, among the checks and after them
 * all, as every control. None from the host or the LAN, which plan no silence to prove.
 */
export function planUdpControl(probe: ProbeBuilder, family: 4 | 6, timeoutMs: number): string[] {
  if (probe.placement.kind === 'host' || probe.placement.kind === 'lan') return [];
  return probe.peers(family).map((peer) =>
    probe.addControl({
      id: '',
      kind: 'udp',
      host: peer.address,
      port: referencePorts(peer.exposed)[0],
      subnets: [],
      timeoutMs,
      tries: UDP_TRIES,
    }),
  );
}

/** Whether a UDP observation heard back from the host it was sent to: an answer, or an ICMP port unreachable. */
export function heardBack(o: Observation): boolean {
  return o.outcome === 'udp-answer' || o.outcome === 'udp-port-unreachable';
}

/**
 * Whether the UDP control held: its first run and its last (after every check) drew an answer or a port unreachable
 * from some peer, and so did every run among the checks that was recorded. `detail` says what it saw.
 */
export function judgeUdpControl(ids: readonly string[], result: ProbeResult): { held: boolean; detail: string } {
  if (ids.length === 0) return { held: false, detail: 'no running peer on its networks to send the UDP control to' };
  const runs = Array.from({ length: CONTROL_REPEATS + 1 }, (_, i) => i + 1);
  const seen = (o: Observation) => `${hostPort(o.address ?? o.target, o.port)} ${o.outcome}`;
  for (const n of runs) {
    const round = ids
      .map((id) => result.observations.get(controlRunId(id, n)))
      .filter((o): o is Observation => o !== undefined);
    const edge = n === 1 || n === CONTROL_REPEATS + 1;
    if (round.length === 0 && edge)
      return {
        held: false,
        detail: `the UDP control's ${n === 1 ? 'first run' : 'run after the checks'} was not recorded`,
      };
    if (round.length > 0 && !round.some(heardBack))
      return {
        held: false,
        detail: `the UDP control heard nothing back in its run ${n} (${round.map(seen).join(', ')})`,
      };
  }
  const first = ids.map((id) => result.observations.get(id)).find((o) => o !== undefined && heardBack(o));
  return {
    held: true,
    detail: `the UDP control heard back in every run (${first ? seen(first) : 'a peer'})`,
  };
}
