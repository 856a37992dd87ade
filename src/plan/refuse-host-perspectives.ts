import { describeEndpoint } from '../docker/describe-engine.js';
import type { EngineInfo } from '../docker/system-client.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { ScenarioError, type ScenarioProblem } from '../errors/scenario-error.js';
import type { Scenario } from '../scenario/scenario.js';
import type { Plan } from './plan.js';

type Perspective = 'host' | 'lan';

/** What the refusals read of the engine: where it answers, and whether it is remote or rootless. */
export type EnginePlace = Pick<EngineInfo, 'endpoint' | 'context' | 'remote' | 'rootless'>;

// What each host perspective needs of the engine's own host, said in the refusal.
const NEEDS: Record<Perspective, string> = {
  host: "runs its checks in dockprobe's own process, on the engine's host: the ports the engine publishes (at 127.0.0.1 or their bound address) and the host's other addresses",
  lan: "makes a LAN neighbour beside the engine's host (a network namespace and a veth pair on that host)",
};

/** Why a host perspective cannot be right on an engine, and what to do instead (`what`: the refused ones). */
export interface PerspectiveRefusal {
  why: string;
  hint: (what: string) => string;
}

/** How to run a host perspective where it means something: dockprobe, or its image, on the engine's own host. */
function remoteHint(what: string): string {
  return `run ${what} on the engine's host: dockprobe there, or the dockprobe image with the host's namespaces (\`dockprobe image build-self\`, then \`docker run --network host …\`; docs/container.md)`;
}

/**
 * Whether `perspective` can be right on `engine`, and if not, why. A remote engine's host is not this one: neither
 * host perspective speaks for it. A rootless engine's bridges and container addresses live in RootlessKit's network
 * namespace, behind slirp4netns or pasta: the host has no route to them, so a LAN neighbour routing the containers'
 * subnets through the host would reach whatever the host's own routing finds at those addresses. What the LAN reaches
 * of a rootless engine is the ports RootlessKit's port driver binds on the host's addresses, which `from: host` knocks
 * on from the host's own namespace: that perspective stays (run-time checks refuse it from RootlessKit's namespace,
 * run/rootless-host-place.ts).
 */
export function hostPerspectiveRefusal(perspective: Perspective, engine: EnginePlace): PerspectiveRefusal | undefined {
  if (engine.remote) return { why: `the engine at ${describeEndpoint(engine)} runs on another host`, hint: remoteHint };
  if (engine.rootless && perspective === 'lan')
    return {
      why: `the engine at ${describeEndpoint(engine)} is rootless: its bridges and container addresses live in RootlessKit's network namespace, behind slirp4netns or pasta, and the host has no route to them, so a neighbour routing their subnets through the host would reach whatever the host's own routing finds at those addresses, not the containers`,
      hint: (what) =>
        `what the LAN reaches of a rootless engine is the ports RootlessKit binds on the host's addresses: \`from: host\` knocks on them instead of ${what} (a port published on all interfaces, or on a LAN address, is one a neighbour reaches)`,
    };
  return undefined;
}

/**
 * The refusal of `from: host` and `from: lan` where they cannot be right (hostPerspectiveRefusal: a remote engine, and
 * `from: lan` on a rootless one), before any probe: a verdict from the wrong place is a silent wrong one. Throws a
 * ScenarioError (exit 2) with one problem per such expectation, at its file:line:col, naming the rule, the endpoint,
 * why, and what to do.
 */
export function refuseHostSources(scenarios: readonly Scenario[], engine: EnginePlace): void {
  const problems: ScenarioProblem[] = [];
  for (const scenario of scenarios)
    for (const e of scenario.expectations) {
      if (e.from.kind !== 'host' && e.from.kind !== 'lan') continue;
      const refusal = hostPerspectiveRefusal(e.from.kind, engine);
      if (!refusal) continue;
      problems.push({
        ...e.position,
        message: `'${e.name}': from: ${e.from.kind} ${NEEDS[e.from.kind]}, and ${refusal.why}`,
        hint: `${refusal.hint('these expectations')}; the others run from here`,
      });
    }
  if (problems.length > 0) throw new ScenarioError(problems);
}

/**
 * The same refusal for a plan (a drill's `--from lan`, or anything that reached planning without a scenario's
 * position): a usage error (exit 2) naming the perspectives, the endpoint and why.
 */
export function refuseHostPlacements(plan: Plan, engine: EnginePlace): void {
  const refused = [...new Set(plan.probes.map((p) => p.placement.kind))]
    .filter((k): k is Perspective => k === 'host' || k === 'lan')
    .flatMap((k) => {
      const refusal = hostPerspectiveRefusal(k, engine);
      return refusal ? [{ kind: k, refusal }] : [];
    });
  const first = refused[0];
  if (!first) return;
  throw new DockprobeError(
    ErrorCodes.USAGE,
    `${refused.map((r) => `from ${r.kind} ${NEEDS[r.kind]}`).join('; ')}; and ${first.refusal.why}`,
    { hint: first.refusal.hint(refused.length > 1 ? 'them' : 'it') },
  );
}
