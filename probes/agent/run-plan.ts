import { performance } from 'node:perf_hooks';
import { httpGet } from './checks/http-get.js';
import { NameResolver } from './checks/resolve-name.js';
import { tcpConnect } from './checks/tcp-connect.js';
import type { Check, Observation, Outcome, ProbePlan } from './protocol.js';

/** Pause between retries of a check expected reachable. */
export const RETRY_PAUSE_MS = 200;

// What ends a retry loop: the target answered as a service would.
const SUCCESS: ReadonlySet<Outcome> = new Set(['open', 'http', 'resolved']);

/** Runs every check of `plan` at once and hands each observation to `emit` as soon as it is known. */
export async function runPlan(plan: ProbePlan, emit: (observation: Observation) => void): Promise<void> {
  // One resolver per distinct timeout: c-ares fixes the timeout when the resolver is made.
  const resolvers = new Map<number, NameResolver>();
  const resolverFor = (timeoutMs: number) => {
    let resolver = resolvers.get(timeoutMs);
    if (!resolver) {
      resolver = new NameResolver(plan.dnsServer, timeoutMs);
      resolvers.set(timeoutMs, resolver);
    }
    return resolver;
  };
  try {
    await Promise.all(
      plan.checks.map(async (check) => {
        const started = performance.now();
        let observation: Observation;
        try {
          const timeoutMs = check.timeoutMs ?? plan.timeoutMs;
          observation = await runCheck(check, resolverFor(timeoutMs), timeoutMs);
          // Retries are only ever planned for checks expected reachable: they go on until the target answers as a
          // service would (a refused port may simply not be listening yet).
          for (let tries = 1; tries <= (check.retries ?? 0) && !SUCCESS.has(observation.outcome); tries++) {
            await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
            observation = { ...(await runCheck(check, resolverFor(timeoutMs), timeoutMs)), tries: tries + 1 };
          }
        } catch (error) {
          observation = { id: check.id, kind: check.kind, target: describe(check), outcome: 'error', latencyMs: 0, detail: String(error) };
        }
        observation.latencyMs = Math.round((performance.now() - started) * 10) / 10;
        emit(observation);
      }),
    );
  } finally {
    for (const resolver of resolvers.values()) resolver.cancel();
  }
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
  }
}

async function runCheck(check: Check, resolver: NameResolver, timeoutMs: number): Promise<Observation> {
  const base = { id: check.id, kind: check.kind, target: describe(check), latencyMs: 0 };
  const host = check.kind === 'dns' ? check.name : check.kind === 'tcp' ? check.host : new URL(check.url).hostname.replace(/^\[|\]$/g, '');
  const name = await resolver.resolve(host, check.subnets);
  const resolved = { ...base, addresses: name.addresses, ...(name.errorCode ? { errorCode: name.errorCode } : {}), ...(name.detail ? { detail: name.detail } : {}) };
  if (check.kind === 'dns' || name.outcome !== 'resolved' || name.address === undefined) {
    return { ...resolved, outcome: name.outcome };
  }
  if (check.kind === 'tcp') {
    const result = await tcpConnect(name.address, check.port, timeoutMs);
    return { ...resolved, ...result, address: name.address, port: check.port };
  }
  const url = new URL(check.url);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const result = await httpGet(url, name.address, timeoutMs);
  return { ...resolved, ...result, address: name.address, port };
}
