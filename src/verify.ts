import type { Engine } from './docker/engine.js';
import { DockerodeEngine } from './docker/dockerode-engine.js';
import { DEFAULT_IMAGE_LOAD_TIMEOUT_MS } from './image/image-load-timeout.js';
import { loadImageOnNodes } from './image/load-image-on-nodes.js';
import { ensureProbeImage, findProbeImage } from './image/probe-image.js';
import { mergeRounds } from './judge/merge-rounds.js';
import type { Verdict } from './judge/verdict.js';
import { hasExpectation, verdictOf } from './judge/verdict-of.js';
import { runRound } from './pipeline/round.js';
import { planScenarios, resolveScenarios } from './pipeline/plan-scenarios.js';
import { budgetOptions } from './plan/budget-options.js';
import { openRun, type RunOptions } from './pipeline/run-session.js';
import { timed } from './pipeline/run-timings.js';
import { summariseProbes } from './pipeline/summarise-probes.js';
import type { Plan } from './plan/plan.js';
import { describeFinding, staticFindings } from './rules/static-findings.js';
import { summarise, type ProbeSummary, type RunResult } from './run-result.js';
import { applyOverrides } from './scenario/apply-overrides.js';
import { internetOption } from './scenario/internet-option.js';
import { loadScenario } from './scenario/parse-scenario.js';
import type { Scenario } from './scenario/scenario.js';
import { addressPoolWarning } from './topology/address-pools.js';
import { chooseNodes } from './topology/choose-nodes.js';
import { connectNodeEngines, type NodeEngine } from './topology/connect-node-engines.js';
import type { Topology } from './topology/topology.js';
import { beginWorldRead, readWorld } from './topology/world.js';
import { ownPlace } from './run/own-container.js';
import { readProxyConfigs } from './traefik/read-proxy-config.js';
import { describeEndpoint, describeEngine } from './docker/describe-engine.js';

/** Options of {@link verify}: what every run takes (RunOptions), and where the scenario's targets come from. */
export interface VerifyOptions extends RunOptions {
  /** Scenario files, or scenarios already parsed. */
  scenarios: (string | Scenario)[];
  /**
   * Replaces the Compose project (or swarm stack) of every scenario, or gives a list of them to look names up in
   * (run the same expectations against another deployment).
   */
  project?: string | string[];
  /** Replaces every per-check timeout, in milliseconds. */
  timeoutMs?: number;
  /** What `internet` stands for, replacing every file's list (`--internet`). */
  internet?: string[];
  /** Further tries for checks expected reachable (`--retries`); never for checks expected blocked. */
  retries?: number;
  /** Checks each probe has in flight at once (`--concurrency`). */
  concurrency?: number;
  /** tcp checks by address each probe has in flight at once (`--connect-concurrency`). */
  connectConcurrency?: number;
  /** DNS queries in flight across the run's probes (`--lookup-concurrency`). */
  lookupConcurrency?: number;
  /**
   * The swarm nodes to probe from (`--nodes`): `['all']` or node names or ids. Each zone on an overlay is probed on
   * each of them (by a swarm job where a container here cannot be), and a service's tasks only there.
   */
  nodes?: string[];
  /**
   * Other swarm nodes' engines (`--node-engine NODE=ENDPOINT`), by node hostname or id: the probe image is loaded into
   * each node that a job of the run goes to and lacks it (no registry; the job names the image by id).
   */
  nodeEngines?: Record<string, string>;
  /** The bound on loading the image into one node (`--image-load-timeout`); default DEFAULT_IMAGE_LOAD_TIMEOUT_MS. */
  imageLoadTimeoutMs?: number;
  /** How a node's engine is reached (tests give a fake); default: dockerode at the endpoint. */
  nodeRuntime?: (endpoint: string) => Engine;
  /** Runs the whole set this many times and keeps every attempt (`--repeat`). */
  repeat?: number;
  /**
   * What is said before anything runs whatever `--quiet` says: each rule the deployment's configuration contradicts
   * (stderr in the CLI). Progress lines when absent.
   */
  warn?: (message: string) => void;
}

/**
 * The scenario front end of the run (`test`, `snapshot`, `demo`): its targets come from the expectations, and each
 * cell's judgement is worded as a verdict against its expectation. Reads the world once, resolves names, plans,
 * probes and judges round by round (runRound). Returns data whatever the verdicts; throws only for errors of input
 * (exit 2) or infrastructure (exit 3). Everything it creates is removed before it returns or throws.
 */
export async function verify(options: VerifyOptions): Promise<RunResult> {
  const session = openRun(options, 'run');
  const { runId, runtime, log } = session;
  const { timings } = options;
  // What needs no scenario is asked for while the scenarios load: the engine's description and networks (the world's
  // read, and its window, begin here), and whether the probe image is there (built, if it must be, only once the
  // deployment is read). Their failures wait their turn: a scenario that does not load is said first, then the
  // deployment's, then the image's, as when they ran one after another.
  const readStartMs = timings?.now();
  const begun = beginWorldRead(runtime);
  // Where this process runs (read from /proc, and the engine when in a container): every round asks before its probes.
  ownPlace(runtime).catch(() => undefined);
  const imageFound = timed(timings, 'image check', () =>
    findProbeImage(runtime, options.image ? { image: options.image } : {}),
  );
  imageFound.catch(() => undefined);
  const scenarios = await timed(timings, 'scenario load', () =>
    Promise.all(options.scenarios.map((s) => (typeof s === 'string' ? loadScenario(s) : s))),
  );
  const internet = options.internet ? internetOption(options.internet) : undefined;
  const projected = scenarios.map((s) =>
    applyOverrides(s, { project: options.project, internet, timeoutMs: options.timeoutMs, retries: options.retries }),
  );

  // The window the verdicts speak for runs from the world's read to the last probe's exit (per round, cumulative).
  const world = await readWorld(runtime, { kind: 'scenarios', scenarios: projected }, begun);
  if (readStartMs !== undefined) timings?.record('deployment read', readStartMs);
  const { topology } = world;
  log(
    `${describeEngine(topology.engine)} at ${describeEndpoint(topology.engine)}${topology.composeVersions.length ? `; Compose ${topology.composeVersions.join(', ')}` : ''}; run ${runId}`,
  );
  const resolved = resolveScenarios(projected, topology);
  const nodes = options.nodes ? chooseNodes(options.nodes, topology) : undefined;
  if (nodes) log(`probing from node(s) ${nodes.map((n) => n.hostname).join(', ')}`);
  const pools = addressPoolWarning(topology.networks);
  if (pools) log(`warning: ${pools}`);
  // The static answer, before any probe: a rule the configuration contradicts is said now, with its Compose lines;
  // the live verdicts of the same rule decide.
  const findings = await staticFindings(resolved, topology);
  for (const f of findings) (options.warn ?? log)(describeFinding(f));
  const image = (await imageFound) ?? (await ensureProbeImage(runtime, { log }));
  const nodeEngines = await nodeEnginesOf(options, topology, log);
  const traefik = resolved.flatMap((s) => (s.traefik ? [s.traefik] : []));
  // Each Traefik proxy's static configuration, read where Traefik reads it (its file, environment and command line).
  if (traefik.length > 0)
    topology.traefikConfigs = await readProxyConfigs(
      runtime,
      topology,
      traefik,
      nodeEngines.map((n) => ({ nodeId: n.node.id, runtime: n.runtime })),
    );
  const runner = session.coldRunner(image);
  const rounds = options.repeat ?? 1;

  const judged: Verdict[][] = [];
  const probes: ProbeSummary[] = [];
  let cleanupFailures: string[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      // The targets come from the expectations; each round has probes of its own.
      const planStartMs = timings?.now();
      const plan = planScenarios(resolved, topology, {
        runId,
        round,
        ...budgetOptions(options),
        ...(nodes ? { nodes } : {}),
      });
      if (planStartMs !== undefined) timings?.record('plan', planStartMs);
      if (round === 1) await imageToNodes(plan, nodeEngines, runtime, image, options, log);
      log(
        `${rounds > 1 ? `round ${round}/${rounds}: ` : ''}starting ${plan.probes.length} probe(s) for ${plan.cells.length} check(s) with image ${image}`,
      );
      const outcome = await runRound(world, plan, runner, {
        runtime,
        runId,
        nodeEngines,
        log,
        ...(timings ? { timings } : {}),
      });
      judged.push(outcome.judgements.filter(hasExpectation).map(verdictOf));
      probes.push(...summariseProbes(outcome, rounds > 1 ? round : undefined));
    }
  } finally {
    cleanupFailures = await timed(timings, 'cleanup', () => session.close());
  }
  const verdicts = mergeRounds(judged);
  return {
    runId,
    scenarios: projected.map((s) => s.file),
    engine: topology.engine,
    compose: topology.composeVersions,
    image,
    startedAt: session.startedAt,
    durationMs: session.elapsedMs(),
    probes,
    verdicts,
    summary: summarise(verdicts),
    staticFindings: findings,
    cleanupFailures,
  };
}

// Other nodes' engines (--node-engine), each checked to be its node: they take the probe image and speak for their
// node's events. One that cannot be used is named, and the run goes on without it.
async function nodeEnginesOf(
  options: VerifyOptions,
  topology: Topology,
  log: (m: string) => void,
): Promise<NodeEngine[]> {
  if (!options.nodeEngines || Object.keys(options.nodeEngines).length === 0) return [];
  const connect =
    options.nodeRuntime ??
    ((endpoint: string) =>
      new DockerodeEngine({
        endpoint,
        ...(options.engineTimeoutMs ? { apiTimeoutMs: options.engineTimeoutMs } : {}),
      }));
  const { engines, refused } = await connectNodeEngines(options.nodeEngines, topology, connect);
  for (const r of refused) log(`warning: --node-engine ${r.node}=${r.endpoint} not used: ${r.reason}`);
  return engines;
}

// The image onto the nodes the plan sends jobs to, where the user gave their engines; the others are left as they
// are (a job there that finds no image is rejected, and its rows say so).
async function imageToNodes(
  plan: Plan,
  engines: readonly NodeEngine[],
  runtime: Engine,
  image: string,
  options: VerifyOptions,
  log: (m: string) => void,
): Promise<void> {
  const jobNodes = new Set(plan.probes.flatMap((p) => (p.placement.kind === 'job' ? [p.placement.node.id] : [])));
  const targets = engines.filter((e) => jobNodes.has(e.node.id));
  for (const o of await loadImageOnNodes(
    runtime,
    image,
    targets,
    options.imageLoadTimeoutMs ?? DEFAULT_IMAGE_LOAD_TIMEOUT_MS,
  )) {
    if (o.status === 'failed')
      log(
        `warning: probe image ${image} not on node ${o.node} (${o.endpoint}): ${o.reason}; its jobs will be rejected and their rows inconclusive`,
      );
    else
      log(
        `probe image ${image} ${o.status === 'loaded' ? `loaded into node ${o.node} in ${o.durationMs} ms` : `already on node ${o.node}`} (${o.endpoint})`,
      );
  }
}
