import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { httpGet } from './checks/http-get.js';
import { type NameResolution, NameResolver } from './checks/resolve-name.js';
import { tcpConnect } from './checks/tcp-connect.js';
import { udpExchange } from './checks/udp-exchange.js';
import type { DnsStub } from './dns-stub.js';
import { DnsWitness } from './dns-witness.js';
import {
  CONTROL_REPEATS,
  checkHost,
  controlRunId,
  DEFAULT_CONCURRENCY,
  DNS_STUB_ADDRESS,
  udpTries,
  type Check,
  type Observation,
  type Outcome,
  type ProbePlan,
  RESOLV_CONF_DNS,
} from './protocol.js';
import { containerNameserver } from './resolv-conf.js';
import { planLanes, type QueuedRun } from './plan-lanes.js';
import { Slots } from './slots.js';

/** Pause between retries of a check expected reachable. */
export const RETRY_PAUSE_MS = 200;

// What ends a retry loop: the target answered as a service would.
const SUCCESS: ReadonlySet<Outcome> = new Set(['open', 'http', 'resolved', 'udp-answer']);

// Lookup outcomes that say the name is missing, which the DNS witness must vouch for.
const NOT_FOUND: ReadonlySet<Outcome> = new Set(['nxdomain', 'dns-timeout', 'dns-error']);

/**
 * Runs the checks of `plan` and hands each observation to `emit` as soon as it is known. With
 * `plan.connectConcurrency`, tcp checks by address run in a lane of their own under it, beside the others under
 * `plan.concurrency`; without it, every check shares `plan.concurrency`. DNS queries are bounded by
 * `plan.lookupConcurrency` inside that. The controls run first, again at even points among the checks, and once more
 * after the last check, each repeat reported as `<id>@<n>`: a control proves the conditions the checks ran under, not
 * only those before them. A lookup that did not resolve is reported so only when the probe's DNS control, asked after
 * it began, resolved within the check's timeout (DnsWitness); otherwise it is an error, `DP_DNS_OVERLOADED`. With
 * `dnsStub` (the probe's own upstream, dns-stub.ts), a lookup that did not resolve and whose name the stub was asked
 * after the lookup began says so: `DP_DNS_FORWARDED`, the engine's proof that it holds no record of the name.
 */
export async function runPlan(
  plan: ProbePlan,
  emit: (observation: Observation) => void,
  dnsStub?: DnsStub,
): Promise<void> {
  // One resolver per distinct timeout: c-ares fixes the timeout when the resolver is made.
  const resolvers = new Map<number, NameResolver>();
  const dnsServer = plan.dnsServer === RESOLV_CONF_DNS ? containerNameserver('127.0.0.11') : plan.dnsServer;
  const resolverFor = (timeoutMs: number) => {
    let resolver = resolvers.get(timeoutMs);
    if (!resolver) {
      resolver = new NameResolver(dnsServer, timeoutMs);
      resolvers.set(timeoutMs, resolver);
    }
    return resolver;
  };
  const byId = new Map(plan.checks.map((c) => [c.id, c]));
  const controls = (plan.controls ?? []).map((id) => byId.get(id)).filter((c): c is Check => c !== undefined);
  const controlIds = new Set(controls.map((c) => c.id));
  const concurrency = Math.max(1, plan.concurrency ?? DEFAULT_CONCURRENCY);
  const lookups = new Slots(Math.min(concurrency, plan.lookupConcurrency ?? concurrency));
  const dnsControl = controls.find((c) => c.kind === 'dns');
  const witness = dnsControl
    ? new DnsWitness(async () => {
        const timeoutMs = dnsControl.timeoutMs ?? plan.timeoutMs;
        const name = await resolverFor(timeoutMs).resolve(dnsControl.name, dnsControl.subnets, dnsControl.family);
        return name.outcome === 'resolved';
      })
    : undefined;
  const lookup: Lookup = async (check, timeoutMs) => {
    const host = checkHost(check);
    if (isIP(host)) return resolverFor(timeoutMs).resolve(host, check.subnets, check.family);
    const since = performance.now();
    const answered = await lookups.use(() => resolverFor(timeoutMs).resolve(host, check.subnets, check.family));
    const name = dnsStub ? forwarded(answered, host, since, dnsStub) : answered;
    if (!witness || controlIds.has(check.id) || !NOT_FOUND.has(name.outcome)) return name;
    if (await witness.vouch(since, timeoutMs)) return name;
    return {
      outcome: 'error',
      addresses: [],
      errorCode: 'DP_DNS_OVERLOADED',
      detail: `${host} did not resolve (${name.errorCode ?? name.outcome}), but the DNS control ${dnsControl!.name}, asked after this lookup began, did not resolve either within ${timeoutMs} ms: the DNS server was not answering, so that proves nothing missing`,
    };
  };
  const others = plan.checks.filter((c) => !controlIds.has(c.id));
  // The work, in order: the controls, then the checks with a repeat of the controls after each even share of them;
  // the last repeat runs only once every check has finished.
  const repeats = controls.length > 0 ? CONTROL_REPEATS : 0;
  const queue: QueuedRun[] = controls.map((check) => ({ check, id: check.id }));
  const share = Math.ceil(others.length / repeats || 1);
  others.forEach((check, i) => {
    queue.push({ check, id: check.id });
    const run = Math.floor((i + 1) / share) + 1;
    if (repeats > 0 && (i + 1) % share === 0 && run <= repeats)
      for (const c of controls) queue.push({ check: c, id: controlRunId(c.id, run) });
  });
  const run = async ({ check, id }: QueuedRun) => {
    const started = performance.now();
    let observation: Observation;
    try {
      const timeoutMs = check.timeoutMs ?? plan.timeoutMs;
      observation = await runCheck(check, lookup, timeoutMs);
      // Retries are only ever planned for checks expected reachable: they go on until the target answers as a
      // service would (a refused port may simply not be listening yet). `tries` counts every try: a udp check's
      // datagrams, one for any other.
      let tries = observation.tries ?? 1;
      // A udp check's next datagram keeps its spacing from the last one, whose wait has passed (checkDeadlineMs).
      const pauseMs =
        check.kind === 'udp' ? Math.max(RETRY_PAUSE_MS, udpTries(check).spacingMs - timeoutMs) : RETRY_PAUSE_MS;
      for (let retry = 1; retry <= (check.retries ?? 0) && !SUCCESS.has(observation.outcome); retry++) {
        await new Promise((r) => setTimeout(r, pauseMs));
        const next = await runCheck(check, lookup, timeoutMs);
        tries += next.tries ?? 1;
        observation = { ...next, tries };
      }
    } catch (error) {
      observation = {
        id: check.id,
        kind: check.kind,
        target: describe(check),
        outcome: 'error',
        latencyMs: 0,
        detail: String(error),
      };
    }
    observation.id = id;
    observation.latencyMs = Math.round((performance.now() - started) * 10) / 10;
    emit(observation);
  };
  try {
    if (plan.settle) await settle(plan.settle, byId, resolverFor, plan.timeoutMs);
    await Promise.all(planLanes({ ...plan, concurrency }, queue).map((lane) => pool(lane.runs, lane.limit, run)));
    // The last repeat, after every check: the conditions held to the end.
    const last = repeats + 1;
    if (repeats > 0)
      await pool(
        controls.map((check) => ({ check, id: controlRunId(check.id, last) })),
        concurrency,
        run,
      );
  } finally {
    for (const resolver of resolvers.values()) resolver.cancel();
  }
}

/**
 * A lookup that did not resolve, marked as forwarded when the probe's stub was asked its name after the lookup began:
 * the embedded DNS forwards only what it holds no record of. Its outcome stays what came back.
 */
function forwarded(name: NameResolution, host: string, since: number, stub: DnsStub): NameResolution {
  if (!NOT_FOUND.has(name.outcome) || !stub.askedSince(host, since)) return name;
  return {
    ...name,
    errorCode: 'DP_DNS_FORWARDED',
    detail: `the network's DNS holds no record of ${host}: it forwarded the name upstream, to this probe's own stub resolver at ${DNS_STUB_ADDRESS}:53, which answered SERVFAIL and sent it nowhere (${name.errorCode ?? name.outcome})`,
  };
}

/** Repeats the settle checks until each resolved once, or the time is up; what they saw is not reported. */
async function settle(
  options: NonNullable<ProbePlan['settle']>,
  byId: ReadonlyMap<string, Check>,
  resolverFor: (timeoutMs: number) => NameResolver,
  defaultTimeoutMs: number,
): Promise<void> {
  const until = performance.now() + options.timeoutMs;
  let waiting = options.checkIds.map((id) => byId.get(id)).filter((c): c is Check => c !== undefined);
  while (waiting.length > 0 && performance.now() < until) {
    const results = await Promise.all(
      waiting.map(async (check) => ({
        check,
        outcome: (
          await runCheck(
            check,
            (c, timeoutMs) => resolverFor(timeoutMs).resolve(checkHost(c), c.subnets, c.family),
            check.timeoutMs ?? defaultTimeoutMs,
          )
        ).outcome,
      })),
    );
    waiting = results.filter((r) => r.outcome !== 'resolved').map((r) => r.check);
    if (waiting.length > 0) await new Promise((r) => setTimeout(r, SETTLE_PAUSE_MS));
  }
}

/** Pause between two tries of the settle checks. */
const SETTLE_PAUSE_MS = 250;

/** Runs `work` over `items`, at most `limit` at once, in order of the list. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The target of a check as a person writes it. */
export function describe(check: Check): string {
  switch (check.kind) {
    case 'dns':
      return check.name;
    case 'tcp':
      return `${check.host}:${check.port}`;
    case 'http':
      return check.url;
    case 'udp':
      return `udp://${check.host.includes(':') ? `[${check.host}]` : check.host}:${check.port}`;
  }
}

/** Resolves a check's host: its name through the probe's DNS (bounded and witnessed), or its address as it is. */
type Lookup = (check: Check, timeoutMs: number) => Promise<NameResolution>;

async function runCheck(check: Check, lookup: Lookup, timeoutMs: number): Promise<Observation> {
  const base = { id: check.id, kind: check.kind, target: describe(check), latencyMs: 0 };
  const name = await lookup(check, timeoutMs);
  const resolved = {
    ...base,
    addresses: name.addresses,
    ...(name.errorCode ? { errorCode: name.errorCode } : {}),
    ...(name.detail ? { detail: name.detail } : {}),
  };
  if (check.kind === 'dns' || name.outcome !== 'resolved' || name.address === undefined) {
    return { ...resolved, outcome: name.outcome };
  }
  if (check.kind === 'tcp') {
    const result = await tcpConnect(name.address, check.port, timeoutMs);
    return { ...resolved, ...result, address: name.address, port: check.port };
  }
  if (check.kind === 'udp') {
    const result = await udpExchange(name.address, check, timeoutMs);
    return { ...resolved, ...result, address: name.address, port: check.port };
  }
  const url = new URL(check.url);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const result = await httpGet(url, name.address, timeoutMs, check.minBytes, check.keepBody);
  return { ...resolved, ...result, address: name.address, port };
}
