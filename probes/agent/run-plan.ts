import { performance } from 'node:perf_hooks';
import { httpGet } from './checks/http-get.js';
import { NameResolver } from './checks/resolve-name.js';
import { tcpConnect } from './checks/tcp-connect.js';
import { udpExchange } from './checks/udp-exchange.js';
import {
  CONTROL_REPEATS,
  checkHost,
  controlRunId,
  DEFAULT_CONCURRENCY,
  udpTries,
  type Check,
  type Observation,
  type Outcome,
  type ProbePlan,
  RESOLV_CONF_DNS,
} from './protocol.js';
import { containerNameserver } from './resolv-conf.js';

/** Pause between retries of a check expected reachable. */
export const RETRY_PAUSE_MS = 200;

// What ends a retry loop: the target answered as a service would.
const SUCCESS: ReadonlySet<Outcome> = new Set(['open', 'http', 'resolved', 'udp-answer']);

/**
 * Runs the checks of `plan`, at most `plan.concurrency` at a time, and hands each observation to `emit` as soon as it
 * is known. The controls run first, again at even points among the checks, and once more after the last check, each
 * repeat reported as `<id>@<n>`: a control proves the conditions the checks ran under, not only those before them.
 */
export async function runPlan(plan: ProbePlan, emit: (observation: Observation) => void): Promise<void> {
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
  const others = plan.checks.filter((c) => !controlIds.has(c.id));
  // The work, in order: the controls, then the checks with a repeat of the controls after each even share of them;
  // the last repeat runs only once every check has finished.
  const repeats = controls.length > 0 ? CONTROL_REPEATS : 0;
  const queue: { check: Check; id: string }[] = controls.map((check) => ({ check, id: check.id }));
  const share = Math.ceil(others.length / repeats || 1);
  others.forEach((check, i) => {
    queue.push({ check, id: check.id });
    const run = Math.floor((i + 1) / share) + 1;
    if (repeats > 0 && (i + 1) % share === 0 && run <= repeats)
      for (const c of controls) queue.push({ check: c, id: controlRunId(c.id, run) });
  });
  const run = async ({ check, id }: { check: Check; id: string }) => {
    const started = performance.now();
    let observation: Observation;
    try {
      const timeoutMs = check.timeoutMs ?? plan.timeoutMs;
      observation = await runCheck(check, resolverFor(timeoutMs), timeoutMs);
      // Retries are only ever planned for checks expected reachable: they go on until the target answers as a
      // service would (a refused port may simply not be listening yet). `tries` counts every try: a udp check's
      // datagrams, one for any other.
      let tries = observation.tries ?? 1;
      // A udp check's next datagram keeps its spacing from the last one, whose wait has passed (checkDeadlineMs).
      const pauseMs =
        check.kind === 'udp' ? Math.max(RETRY_PAUSE_MS, udpTries(check).spacingMs - timeoutMs) : RETRY_PAUSE_MS;
      for (let retry = 1; retry <= (check.retries ?? 0) && !SUCCESS.has(observation.outcome); retry++) {
        await new Promise((r) => setTimeout(r, pauseMs));
        const next = await runCheck(check, resolverFor(timeoutMs), timeoutMs);
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
    await pool(queue, Math.max(1, plan.concurrency ?? DEFAULT_CONCURRENCY), run);
    // The last repeat, after every check: the conditions held to the end.
    const last = repeats + 1;
    if (repeats > 0)
      await pool(
        controls.map((check) => ({ check, id: controlRunId(check.id, last) })),
        plan.concurrency ?? DEFAULT_CONCURRENCY,
        run,
      );
  } finally {
    for (const resolver of resolvers.values()) resolver.cancel();
  }
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
          await runCheck(check, resolverFor(check.timeoutMs ?? defaultTimeoutMs), check.timeoutMs ?? defaultTimeoutMs)
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

async function runCheck(check: Check, resolver: NameResolver, timeoutMs: number): Promise<Observation> {
  const base = { id: check.id, kind: check.kind, target: describe(check), latencyMs: 0 };
  const name = await resolver.resolve(checkHost(check), check.subnets, check.family);
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
