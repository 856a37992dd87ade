import { CONTROL_REPEATS, controlRunId, isReached, type Observation } from '../../probes/agent/protocol.js';
import type { Cell, ProbeSpec } from '../plan/plan.js';
import type { ProbeResult } from '../run/probe-result.js';
import { controlPeerUsed, describePeer, noOwnPeerReason, ownPeerChecksNotRun } from './control-peer-used.js';
import { describeObservation } from './outcomes.js';
import type { ControlResult } from './verdict.js';

/**
 * What a probe's controls proved: its DNS server answered its own name, and it reached something (a running peer on
 * its networks, or dockprobe's own control peer where it has none; a target expected reachable; or, for a probe with
 * no peer at all, a port of a drill that opened), and which peer that was. Without them, "blocked" from that probe
 * proves nothing.
 */
export function judgeControls(spec: ProbeSpec, result: ProbeResult | undefined, cells: readonly Cell[]): ControlResult {
  if (!result || (result.status === 'failed' && result.observations.size === 0)) {
    return {
      probeKey: spec.key,
      dns: false,
      reach: false,
      reach6: spec.controls.reach6CheckIds.length > 0 ? false : undefined,
      detail: 'probe did not run',
    };
  }
  if (spec.placement.kind === 'host') {
    return {
      probeKey: spec.key,
      dns: true,
      reach: true,
      reach6: undefined,
      detail: "the host connects from this process; its verdicts rest on the engine's port bindings",
    };
  }
  // Each control runs first, again among the checks and once more after them (controlRunId): it proves the
  // conditions the checks ran under only if every run held, the last one included.
  const repeated = spec.plan.controls.length > 0;
  const lastRun = controlRunId('', CONTROL_REPEATS + 1);
  const runsOf = (id: string) =>
    [...result.observations.entries()].filter(([key]) => key === id || key.startsWith(`${id}@`)).map(([, o]) => o);
  const dnsRuns = spec.controls.dnsCheckId ? runsOf(spec.controls.dnsCheckId) : [];
  const dnsObservation = spec.controls.dnsCheckId ? result.observations.get(spec.controls.dnsCheckId) : undefined;
  const dnsFailed = dnsRuns.find((o) => o.outcome !== 'resolved');
  const dnsLastMissing =
    repeated &&
    spec.controls.dnsCheckId !== undefined &&
    !result.observations.has(`${spec.controls.dnsCheckId}${lastRun}`);
  const dns = dnsRuns.length > 0 && !dnsFailed && !dnsLastMissing;
  // A check of dockprobe's own control peer that never ran (no peer was given) is no control.
  const notRun = ownPeerChecksNotRun(spec, result);
  const reachIds = spec.controls.reachCheckIds.filter((id) => !notRun.has(id));
  const peers = reachIds.map((id) => result.observations.get(id)).filter((o): o is Observation => o !== undefined);
  const peerReached = peers.find((o) => isReached(o.outcome));
  // Every round of the reach control, among the checks and after them all, reached a peer: the probe could see an
  // answer the whole time the checks ran, as for the DNS control. A round that reached none (its SYNs lost under the
  // checks' load) means silence in that stretch proves nothing, and the last round must have run. (A plan of one
  // check has fewer rounds among the checks: the agent repeats the controls after each even share of them.)
  const peersIn = (n: number) =>
    reachIds.map((id) => result.observations.get(controlRunId(id, n))).filter((o): o is Observation => o !== undefined);
  const peersLast = peersIn(CONTROL_REPEATS + 1);
  const lostRound =
    !repeated || peers.length === 0
      ? undefined
      : Array.from({ length: CONTROL_REPEATS }, (_, i) => i + 2).find((n) => {
          const round = peersIn(n);
          return (round.length > 0 || n === CONTROL_REPEATS + 1) && !round.some((o) => isReached(o.outcome));
        });
  const stillReached = lostRound === undefined;
  // A target expected reachable and reached is as good a control as a peer.
  const targetReached = cells
    .filter((c) => c.probeKey === spec.key && c.expectation?.reachable === true)
    .map((c) => result.observations.get(c.attempts[0]?.checkId ?? ''))
    .find((o) => o !== undefined && (o.outcome === 'open' || o.outcome === 'http'));
  const reached = stillReached ? (peerReached ?? targetReached) : undefined;
  const peer = stillReached ? controlPeerUsed(spec, result, peerReached) : undefined;
  const noOwnPeer = noOwnPeerReason(spec, result);
  const runs = dnsRuns.length > 1 ? ` ${dnsRuns.length} times, the last after every check` : '';
  const dnsText =
    spec.placement.kind === 'lan'
      ? 'no DNS on the LAN: no name is tried from it'
      : !spec.controls.dnsCheckId
        ? "no embedded DNS here (Docker's default bridge): no name is tried from it, so no DNS control"
        : dns
          ? `DNS answered its own name${runs} (${dnsObservation?.addresses?.join(', ')})`
          : dnsFailed
            ? `DNS control failed (${dnsFailed === dnsObservation ? '' : `run ${dnsFailed.id.split('@')[1]}: `}${describeObservation(dnsFailed)})`
            : dnsLastMissing && dnsRuns.length > 0
              ? 'DNS control did not run after the checks (the probe ended first)'
              : `DNS control failed (${dnsObservation ? describeObservation(dnsObservation) : 'no answer recorded'})`;
  const reachText = reached
    ? `reached ${reached.target} (${describeObservation(reached)})${peer ? `, ${describePeer(peer)}` : ''}`
    : !stillReached
      ? lostRound === CONTROL_REPEATS + 1
        ? `reached ${peerReached?.target ?? 'a peer'} at first, but nothing after the checks (${peersLast.map((o) => `${o.target} ${o.outcome}`).join(', ') || 'no last run recorded'})`
        : `reached ${peerReached?.target ?? 'a peer'} at first, but nothing in its run ${lostRound} among the checks (${
            peersIn(lostRound!)
              .map((o) => `${o.target} ${o.outcome}`)
              .join(', ') || 'not recorded'
          })`
      : peers.length === 0 && !targetReached
        ? `nothing to prove reach against: no running peer on its network and no target expected reachable${noOwnPeer ? `, and ${noOwnPeer}` : ''}`
        : `reached nothing (${peers.map((o) => `${o.target} ${o.outcome}`).join(', ') || 'no target expected reachable answered'})`;
  const six = judgeIpv6Control(spec, result, repeated ? lastRun : undefined, notRun);
  const nothingToReach = stillReached && !reached && peers.length === 0 && !targetReached;
  const control: ControlResult = {
    probeKey: spec.key,
    dns,
    reach: reached !== undefined,
    reach6: six?.reached,
    ...(peer ? { peer } : {}),
    ...(nothingToReach && noOwnPeer ? { noPeer: noOwnPeer } : {}),
    detail: `${dnsText}; ${reachText}${six ? `; ${six.text}` : ''}`,
  };
  if (control.reach || reachIds.length > 0) return control;
  // A probe with no running peer on its networks proves it reaches something when one of a drill's ports it tried
  // opened: the same proof as a peer that answered.
  const opened = cells
    .filter((c) => c.probeKey === spec.key && c.kind === 'port')
    .map((c) => result.observations.get(c.attempts[0]!.checkId))
    .find((o) => o !== undefined && isReached(o.outcome) && o.outcome !== 'refused');
  if (!opened) return control;
  const { noPeer: _none, ...proven } = control;
  return { ...proven, reach: true, detail: `${control.detail}; but reached ${opened.target} (open)` };
}

// The IPv6 peers, planned only when a cell tries IPv6: reached at first and after the checks, as for IPv4. No peer
// with an IPv6 address means IPv6 reach is unproven, so IPv6 attempts cannot count as blocked.
function judgeIpv6Control(
  spec: ProbeSpec,
  result: ProbeResult,
  lastRun: string | undefined,
  notRun: ReadonlySet<string>,
): { reached: boolean; text: string } | undefined {
  const ids = spec.controls.reach6CheckIds.filter((id) => !notRun.has(id));
  if (ids.length === 0) {
    const planned = spec.plan.checks.some(
      (c) =>
        c.family === 6 ||
        ((c.kind === 'tcp' || c.kind === 'udp') && c.host.includes(':')) ||
        (c.kind === 'http' && c.url.includes('://[')),
    );
    const own = spec.controls.ownPeer;
    const why =
      own?.kind === 'wanted' && own.checkId6 !== undefined
        ? `, and dockprobe's own control peer on network ${own.network.name} did not answer over IPv6${noOwnPeerReason(spec, result) ? ` (${noOwnPeerReason(spec, result)})` : ''}`
        : '';
    return planned
      ? { reached: false, text: `IPv6 control: no running peer with an IPv6 address on its networks${why}` }
      : undefined;
  }
  const first = ids.map((id) => result.observations.get(id)).filter((o): o is Observation => o !== undefined);
  const last =
    lastRun === undefined
      ? first
      : ids.map((id) => result.observations.get(`${id}${lastRun}`)).filter((o): o is Observation => o !== undefined);
  const reached = first.find((o) => isReached(o.outcome));
  const held = last.some((o) => isReached(o.outcome));
  const peer = controlPeerUsed(spec, result, reached);
  if (reached && held)
    return {
      reached: true,
      text: `reached ${reached.target} over IPv6 (${describeObservation(reached)})${peer ? `, ${describePeer(peer)}` : ''}`,
    };
  const seen = [...first, ...(lastRun ? last : [])].map((o) => `${o.target} ${o.outcome}`).join(', ');
  return {
    reached: false,
    text: `IPv6 control failed: reached no peer over IPv6${reached ? ' after the checks' : ''} (${seen || 'no result'})`,
  };
}
