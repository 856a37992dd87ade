import type { EngineInfo } from '../docker/system-client.js';
import { describeEndpoint } from '../docker/describe-engine.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { ScenarioError, type ScenarioProblem } from '../errors/scenario-error.js';
import type { Scenario } from '../scenario/scenario.js';
import type { Plan } from './plan.js';

type Perspective = 'host' | 'lan';

// What each host perspective needs of the engine's own host, said in the refusal.
const NEEDS: Record<Perspective, string> = {
  host: "runs its checks in dockprobe's own process, on the engine's host: the ports the engine publishes (at 127.0.0.1 or their bound address) and the host's other addresses",
  lan: "makes a LAN neighbour beside the engine's host (a network namespace and a veth pair on that host)",
};

/** How to run a host perspective where it means something: dockprobe, or its image, on the engine's own host. */
function remoteHint(what: string): string {
  return `run ${what} on the engine's host: dockprobe there, or the dockprobe image with the host's namespaces (\`dockprobe image build-self\`, then \`docker run --network host …\`; docs/container.md)`;
}

/**
 * The refusal of `from: host` and `from: lan` on a remote engine (docker/engine-locality.ts), before any probe: each
 * would run on this machine, not on the engine's host, and a verdict from the wrong machine is a silent wrong one.
 * Throws a ScenarioError (exit 2) with one problem per such expectation, at its file:line:col, naming the rule, the
 * endpoint and how to run it there.
 */
export function refuseHostSourcesOnRemote(
  scenarios: readonly Scenario[],
  engine: Pick<EngineInfo, 'endpoint' | 'context' | 'remote'>,
): void {
  if (!engine.remote) return;
  const problems: ScenarioProblem[] = [];
  for (const scenario of scenarios)
    for (const e of scenario.expectations) {
      if (e.from.kind !== 'host' && e.from.kind !== 'lan') continue;
      problems.push({
        ...e.position,
        message: `'${e.name}': from: ${e.from.kind} ${NEEDS[e.from.kind]}, and the engine at ${describeEndpoint(engine)} runs on another host`,
        hint: `${remoteHint('these expectations')}; the others run from here`,
      });
    }
  if (problems.length > 0) throw new ScenarioError(problems);
}

/**
 * The same refusal for a plan (a drill's `--from lan`, or anything that reached planning without a scenario's
 * position): a usage error (exit 2) naming the perspectives and the endpoint.
 */
export function refuseHostPlacementsOnRemote(
  plan: Plan,
  engine: Pick<EngineInfo, 'endpoint' | 'context' | 'remote'>,
): void {
  if (!engine.remote) return;
  const kinds = [...new Set(plan.probes.map((p) => p.placement.kind))].filter(
    (k): k is Perspective => k === 'host' || k === 'lan',
  );
  if (kinds.length === 0) return;
  throw new DockprobeError(
    ErrorCodes.USAGE,
    `${kinds.map((k) => `from ${k} ${NEEDS[k]}`).join('; ')}; and the engine at ${describeEndpoint(engine)} runs on another host`,
    { hint: remoteHint(kinds.length > 1 ? 'them' : 'it') },
  );
}
