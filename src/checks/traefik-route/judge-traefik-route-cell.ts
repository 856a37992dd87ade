import type { Observation } from '../../../probes/agent/protocol.js';
import { failClosed, unproven } from '../../judge/fail-closed.js';
import { describeObservation, PATH_BLOCKED } from '../../judge/outcomes.js';
import type { ControlResult, Evidence, Judgement, MakeJudgement } from '../../judge/verdict.js';
import type { ProbeResult } from '../../run/probe-result.js';
import { judgeLiveRead } from '../../traefik/judge-live-read.js';
import type { BackendNetwork, NetworkChoice } from '../../traefik/traefik.js';
import type { CodeOf } from '../cells.js';
import type { TraefikRouteCell } from './traefik-route-cell.js';

/** A verdict the route's configuration decides before any traffic: Traefik's own rules make it so. */
interface Finding {
  status: 'fail' | 'inconclusive';
  code: CodeOf<'traefik-route'>;
  /** One word: the matrix shows the first word of what was observed. */
  observed: string;
  reason: string;
  /** What to change, said after what the proxy reached. */
  fix?: string;
}

// Why a choice left to Go's map order is a 502 now and then, in the words every such verdict uses.
const INTERMITTENT =
  'Traefik takes the address of whichever it meets first in a Go map, whose order is not fixed, so every configuration rebuild may pick another: when it picks one the proxy cannot reach, requests fail with 502 Bad Gateway until the next rebuild (an intermittent 502)';

/**
 * A route decided by its configuration alone: a label Traefik ignores or cannot find, a choice left to chance, a
 * network the proxy is not on, no port, or a choice dockprobe cannot see. Such a cell needs no traffic: what the
 * probe saw, if it ran, only adds which networks answered. Undefined when the route needs its probe.
 */
export function decideTraefikRouteCell(
  cell: TraefikRouteCell,
  evidence: Evidence[],
  result: ProbeResult | undefined,
  judged: MakeJudgement<CodeOf<'traefik-route'>>,
): Judgement | undefined {
  const found = finding(cell);
  if (!found) return undefined;
  const seen =
    found.code === 'traefik-labels-conflict' || found.code === 'traefik-no-port'
      ? ''
      : fromTheProxy(cell, evidence, result);
  const modelled = judged(
    found.status,
    found.code,
    found.observed,
    `${found.reason}${seen ? `; ${seen}` : ''}${found.fix ? `; ${found.fix}` : ''}`,
  );
  return withLive(cell, result, undefined, modelled, judged);
}

/**
 * A Traefik route its configuration leaves to the probe (see decideTraefikRouteCell): pass only when Traefik's choice
 * is settled on one network, the proxy shares it, and the service answers there at its load-balancer port from
 * inside the proxy. Every way Traefik can end up elsewhere is a FAIL with its own code, saying which networks Traefik
 * may pick and which of them the proxy reaches. A silence counts only once the probe's reach control proved it could
 * have heard an answer.
 */
export function judgeTraefikRouteCell(
  cell: TraefikRouteCell,
  evidence: Evidence[],
  control: ControlResult,
  result: ProbeResult,
  judged: MakeJudgement<CodeOf<'traefik-route'>>,
): Judgement {
  return withLive(cell, result, control.reach, judgeModelled(cell, evidence, control, result, judged), judged);
}

// The model's verdict beside what Traefik actually chose, as its API lists it (traefik/judge-live-read.ts): a server
// Traefik uses now that does not answer, or a choice the model did not predict, replaces it; anything else is said
// after it, as is an API that was not read, and what the configuration's reading assumed.
function withLive(
  cell: TraefikRouteCell,
  result: ProbeResult | undefined,
  reach: boolean | undefined,
  modelled: Judgement,
  judged: MakeJudgement<CodeOf<'traefik-route'>>,
): Judgement {
  const live = judgeLiveRead({
    route: cell.route,
    proxyNetworks: cell.proxyNetworks,
    live: cell.live,
    observation: (id) => result?.observations.get(id),
    probeRan: result !== undefined && result.observations.size > 0,
    reach,
    modelled,
    name: backendName(cell),
  });
  // What the static configuration's reading took as true without seeing it (a proxy on another node) is said too.
  const config = cell.proxy.config;
  const assumed = config.assumed.length > 0 ? `taken as true without being read: ${config.assumed.join('; ')}` : '';
  if (live.override) {
    const { status, code, observed, reason } = live.override;
    return judged(status, code, observed, assumed ? `${reason}; ${assumed}` : reason);
  }
  const notes = [live.note, assumed].filter(Boolean).join('; ');
  return notes ? { ...modelled, reason: `${modelled.reason}; ${notes}` } : modelled;
}

// The route as the model alone judges it: see judgeTraefikRouteCell.
function judgeModelled(
  cell: TraefikRouteCell,
  evidence: Evidence[],
  control: ControlResult,
  result: ProbeResult,
  judged: MakeJudgement<CodeOf<'traefik-route'>>,
): Judgement {
  const choice = cell.route.choice;
  const network = choice.network!;
  const settled = `${choice.reader} uses ${network.name} for ${backendName(cell)} (${how(cell, choice)}), which the proxy shares`;
  const missing = evidence.filter((e) => !e.observation);
  if (missing.length > 0)
    return unproven(judged, failClosed.unfinished(missing.map((m) => m.attempt.description).join(', '), result));
  const failed = evidence.filter((e) => !answered(e.observation!));
  if (failed.length === 0) {
    const first = evidence[0]!.observation!;
    const answers = evidence.map((e) => describeObservation(e.observation!)).join(', ');
    return judged(
      'pass',
      'traefik-route-reached',
      describeObservation(first),
      `${settled}, and it answers there from inside the proxy (${answers})${notes(cell)}`,
      first.latencyMs,
    );
  }
  const worst = failed[0]!.observation!;
  const list = failed.map((e) => `${e.attempt.description}: ${describeObservation(e.observation!)}`).join('; ');
  switch (worst.outcome) {
    case 'refused':
    case 'reset':
      return judged(
        'fail',
        'traefik-no-answer',
        describeObservation(worst),
        `${settled}, but nothing listens there on the port Traefik sends to: ${list}${portHint(cell)}`,
        worst.latencyMs,
      );
    case 'timeout':
    case 'unreachable': {
      const unprovenSilence = failClosed.controlFailed(control, { reach: true });
      if (unprovenSilence)
        return judged(
          'inconclusive',
          unprovenSilence.code,
          describeObservation(worst),
          `no answer from ${list} from inside the proxy, but ${unprovenSilence.why}`,
        );
      return judged(
        'fail',
        'traefik-no-answer',
        describeObservation(worst),
        `${settled}, but the service does not answer there from inside the proxy: ${list}: Traefik's requests fail with 502 Bad Gateway`,
        worst.latencyMs,
      );
    }
    default:
      return judged(
        'inconclusive',
        'unclassified',
        describeObservation(worst),
        `${failed[0]!.attempt.description} failed in an unexpected way: ${worst.detail ?? worst.errorCode ?? worst.outcome}`,
      );
  }
}

// The configuration's verdict, when it has one. Order matters: a service Traefik drops, or one with no port, has no
// route whatever the network; a choice dockprobe cannot see is not guessed; then the labels, then chance, then the
// network of a settled choice.
function finding(cell: TraefikRouteCell): Finding | undefined {
  const { choice, ports, backend, reading, container, undecided } = cell.route;
  if (undecided) return { status: 'inconclusive', code: undecided.code, observed: 'undecided', reason: undecided.why };
  const name = backendName(cell);
  const candidates = choice.candidates.map((n) => n.name).join(', ');
  switch (choice.code) {
    case 'labels-conflict':
      return {
        status: 'fail',
        code: 'traefik-labels-conflict',
        observed: 'dropped',
        reason: `${name} carries both traefik.docker.* and traefik.swarm.* labels, and ${choice.reader} drops such a service ("both Docker and Swarm labels are defined"): it has no route at all`,
        fix: 'keep only traefik.swarm.* labels',
      };
    case 'no-network':
      return {
        status: 'inconclusive',
        code: 'unclassified',
        observed: 'no-address',
        reason: `${name} has no network address Traefik could use (network mode ${container.networkMode}): host and container network modes are not modelled`,
      };
    default:
  }
  if (ports.ports.length === 0) {
    const why =
      ports.invalid.length > 0
        ? `${ports.invalid.map((p) => `${p.label}=${p.value}`).join(', ')} is not a port, and Traefik sends to it as written`
        : `${name} has no load-balancer port label and exposes no port, so ${choice.reader} drops the server ("port is missing")`;
    return {
      status: 'fail',
      code: 'traefik-no-port',
      observed: 'no-port',
      reason: `${why}: the route has no server`,
      fix: 'set traefik.http.services.<name>.loadbalancer.server.port',
    };
  }
  switch (choice.code) {
    case 'version-unknown':
      return {
        status: 'inconclusive',
        code: 'traefik-version-unknown',
        observed: 'version-unknown',
        reason: `which network label ${choice.reader} reads for ${name} depends on its version (its Swarm provider reads traefik.swarm.network, and drops a service with both kinds of label, from v3.2.2; traefik.docker.network before), and the image says only '${cell.proxy.version.text}': Traefik may use any of ${candidates}`,
        fix: "pin the proxy's image to a version",
      };
    case 'default-unseen':
      return {
        status: 'inconclusive',
        code: 'traefik-config-unseen',
        observed: 'config-unseen',
        reason: `${name} is on ${choice.candidates.length} networks (${candidates}) with no network label, so the default network option of ${choice.reader} decides, and its static configuration is not known (${unseenWhere(cell)}): dockprobe cannot tell which network Traefik uses`,
        fix: `set ${reading.reads[0]} on ${backend.service} to make the choice visible`,
      };
    case 'label-ignored': {
      const ignored = choice.ignoredLabel!;
      return {
        status: 'fail',
        code: 'traefik-label-ignored',
        observed: 'label-ignored',
        reason: `${ignored.key}=${ignored.value} is a label ${choice.reader} does not read (it reads ${ignored.reads.join(', then ')}), so it chooses nothing: Traefik ${landing(cell, choice)}`,
        fix: `set ${ignored.reads[0]}${setTo(cell, ignored.value)} instead`,
      };
    }
    case 'label-not-found': {
      const missing = choice.labelNotFound!;
      const meant = missing.realName
        ? `: the network's real name is ${missing.realName} (is the project's prefix missing?)`
        : '';
      const networks = backend.networks.map((n) => n.name).join(', ');
      return {
        status: 'fail',
        code: 'traefik-label-not-found',
        observed: 'label-not-found',
        reason: `${missing.key}=${missing.value} names no network of ${name} (it is on ${networks})${meant}; Traefik logs "Could not find network named '${missing.value}'" and ${landing(cell, choice)}`,
        fix: `set ${missing.key}${setTo(cell, missing.realName)}`,
      };
    }
    case 'no-network-choice': {
      const missedDefault = choice.defaultNotFound
        ? `; the proxy's ${choice.defaultNotFound.flag} names none of them${choice.defaultNotFound.realName ? ` (did it mean ${choice.defaultNotFound.realName}?)` : ''}`
        : ', and no default network on the proxy';
      return {
        status: 'fail',
        code: 'traefik-network-ambiguous',
        observed: 'ambiguous',
        reason: `${name} is on ${choice.candidates.length} networks (${candidates}) and nothing chooses among them (no ${reading.reads[0]} label${missedDefault}): ${INTERMITTENT}`,
        fix: `set ${reading.reads[0]}${setTo(cell, undefined)} on ${backend.service}`,
      };
    }
    default:
  }
  const network = choice.network!;
  if (!cell.proxyNetworks.some((n) => n.id === network.id)) {
    const proxyOn = cell.proxyNetworks.map((n) => n.name).join(', ') || 'no network';
    return {
      status: 'fail',
      code: 'traefik-network-not-shared',
      observed: 'not-shared',
      reason: `${choice.reader} uses ${network.name} for ${name} (${how(cell, choice)}), and the proxy is not on it (it is on ${proxyOn}): every request through this route fails with 502 Bad Gateway`,
    };
  }
  return undefined;
}

// Where Traefik lands when a label chooses nothing, as what Traefik does: "Traefik <landing>".
function landing(cell: TraefikRouteCell, choice: NetworkChoice): string {
  const list = choice.candidates.map((n) => n.name).join(', ');
  switch (choice.kind) {
    case 'default':
      return `uses the proxy's default network ${choice.network!.name} (${defaultFlag(cell)})`;
    case 'only-network':
      return `falls back to the only network of ${backendName(cell)}, ${choice.network!.name}, which holds only until it joins another network`;
    case 'arbitrary':
      return `falls back to any of its ${choice.candidates.length} networks (${list}): ${INTERMITTENT}`;
    default:
      return `leaves the choice to its default network option, which is not known (${unseenWhere(cell)}): it may use any of ${list}`;
  }
}

// What a network label should say: the network meant if the proxy is on it, else one the proxy shares with the
// service, by its real name.
function setTo(cell: TraefikRouteCell, meant: string | undefined): string {
  const shared = cell.route.backend.networks.filter((n) => cell.proxyNetworks.some((p) => p.id === n.id));
  const name = shared.find((n) => n.name === meant || n.composeName === meant)?.name ?? shared[0]?.name;
  if (name) return `=${name}`;
  const proxyOn = cell.proxyNetworks.map((n) => n.name).join(', ');
  return ` to the real name of a network the proxy is on, after joining ${backendName(cell)} to one (the proxy is on ${proxyOn || 'no network'})`;
}

// How a settled choice was made: the label, the default option, or the only network.
function how(cell: TraefikRouteCell, choice: NetworkChoice): string {
  if (choice.kind === 'label')
    return `${choice.label}=${choice.network!.name}${choice.deprecatedLabel ? `, a label ${choice.reader} calls deprecated` : ''}`;
  if (choice.kind === 'default') return `the proxy's ${defaultFlag(cell)}`;
  return 'its only network';
}

function defaultFlag(cell: TraefikRouteCell): string {
  const d = cell.route.reading.defaultNetwork;
  return d && d !== 'unseen' ? d.flag : 'default network option';
}

function unseenWhere(cell: TraefikRouteCell): string {
  return cell.proxy.config.unseen ?? `it reads ${cell.proxy.config.where}`;
}

// What the proxy reached of each network Traefik may pick: the evidence behind "which of those the proxy reaches".
function fromTheProxy(cell: TraefikRouteCell, evidence: Evidence[], result: ProbeResult | undefined): string {
  const networks = uniqueNetworks(cell);
  if (networks.length === 0) return '';
  const parts = networks.map((network) => {
    const shared = cell.proxyNetworks.some((n) => n.id === network.id)
      ? 'the proxy is on it'
      : 'the proxy is not on it';
    const seen = evidence.filter((_, i) => cell.tries[i]?.network.id === network.id);
    const observed = seen.map((e) => e.observation);
    if (!result || observed.every((o) => o === undefined)) return `${network.name}: ${shared}`;
    const ok = observed.filter((o) => o !== undefined && answered(o));
    const verb =
      ok.length === observed.length
        ? 'answered'
        : ok.length > 0
          ? 'answered in part'
          : observed.some((o) => o && PATH_BLOCKED.has(o.outcome))
            ? 'no answer'
            : 'did not answer';
    return `${network.name}: ${shared}, ${verb} (${observed.map((o) => (o ? describeObservation(o) : 'no result')).join(', ')})`;
  });
  const ran = result && result.observations.size > 0 ? '' : ' (the probe did not run, so what answers is not known)';
  return `from inside the proxy: ${parts.join('; ')}${ran}`;
}

function uniqueNetworks(cell: TraefikRouteCell): BackendNetwork[] {
  const seen = new Map<string, BackendNetwork>();
  for (const n of cell.route.choice.candidates) seen.set(n.id, n);
  return [...seen.values()];
}

// A connection that opened (or an HTTP answer): Traefik's request would get through. A refusal is the host
// answering that nothing listens on the port: a 502 all the same.
function answered(o: Observation): boolean {
  return o.outcome === 'open' || o.outcome === 'http';
}

// The service, or the container when the service has several.
function backendName(cell: TraefikRouteCell): string {
  return cell.targetLabel.endsWith(')') ? cell.route.container.name : cell.route.backend.service;
}

function notes(cell: TraefikRouteCell): string {
  const { ports, choice } = cell.route;
  const parts: string[] = [];
  if (ports.source === 'lowest-exposed')
    parts.push(
      `Traefik picked the lowest of the exposed ports ${ports.exposed.join(', ')}; a loadbalancer.server.port label makes it explicit`,
    );
  if (choice.deprecatedLabel)
    parts.push(`${choice.deprecatedLabel} is deprecated for ${choice.reader}: use traefik.swarm.network`);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function portHint(cell: TraefikRouteCell): string {
  const ports = cell.route.ports;
  if (ports.source === 'lowest-exposed')
    return ` (Traefik picked the lowest of the exposed ports ${ports.exposed.join(', ')}: set traefik.http.services.<name>.loadbalancer.server.port to the one that serves)`;
  return '';
}
