import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { encodePlan } from '../probes/agent/plan-transport.js';
import { PLAN_VERSION, type ProbePlan } from '../probes/agent/protocol.js';
import { DockerodeEngine } from '../src/docker/dockerode-engine.js';
import { atMost, busyboxListener } from './busybox-listener.js';
import { removeBenchRun } from './remove-bench-run.js';
import { topologyLabelArgs } from './topology-label-args.js';
import { COMPOSE_NETWORK, COMPOSE_SERVICE, runLabels } from '../src/docker/labels.js';
import { ensureProbeImage } from '../src/image/probe-image.js';
import { DEFAULT_PROBE_LIMITS, ISOLATED_DNS_UPSTREAM } from '../src/run/probe.js';
import { newRunId } from '../src/run/run-id.js';
import { verify, type VerifyOptions } from '../src/verify.js';

// A grid of NETWORKS networks with SERVICES services each (a busybox httpd listening on one port), and a scenario that
// asks, from each network, that its own services are reached and every other network's are not: networks × (networks
// × services) cells, one probe per network. Its floor is measured in the same run: as many plain probe containers
// (the probe image, a plan with no check) created and started at once, waited for and removed, plus one timeout.
// Everything carries dockprobe's labels and is removed at the end; traffic goes only to the containers made here.

/** What one size costs. */
export interface GridFigures {
  networks: number;
  services: number;
  cells: number;
  probes: number;
  /** Wall time of each `test` run, and of each floor measurement. */
  runMs: number[];
  floorMs: number[];
  timeoutMs: number;
  /** Peak RSS of this process sampled during the runs, and before the first. */
  peakRssMiB: number;
  idleRssMiB: number;
  /** Verdicts of the last run by status and code, e.g. `pass resolved 100`. */
  verdicts: Map<string, number>;
  /** The first verdict that is not a pass, in words. */
  firstNonPass: string | undefined;
}

/** Options of the runs (`concurrency` and the budget); empty: the defaults. */
export type GridRunOptions = Pick<VerifyOptions, 'concurrency'> & Record<string, unknown>;

const LISTEN_PORTS = [5432, 6379, 3306, 8080, 9000];
/** The checks' timeout in the grid's scenario; the floor's one timeout. */
export const TIMEOUT_MS = 1000;

/** Brings up the grid, measures `runs` runs of `test` and of the floor (alternating), and takes it down. */
export async function benchGrid(
  networks: number,
  services: number,
  runs: number,
  runOptions: GridRunOptions = {},
  subnetBase = process.env['BENCH_GRID_SUBNET_BASE'] ?? '10.224',
): Promise<GridFigures> {
  const runtime = new DockerodeEngine();
  const runId = newRunId();
  const project = `dpgrid${runId}`;
  const labelArgs = topologyLabelArgs(runId, project);
  const docker = (args: string[]) => execa('docker', args, { timeout: 180_000 });
  let listenerImage: string | undefined;
  const scenarioDir = await mkdtemp(join(tmpdir(), 'dockprobe-grid-'));
  try {
    const image = await ensureProbeImage(runtime, { log: (m) => console.error(m) });
    listenerImage = (await busyboxListener(runtime.images, 'dockprobe-grid-listener', runId))?.image;
    const nets = Array.from({ length: networks }, (_, i) => ({ key: `net-${i}`, name: `${project}_net-${i}` }));
    for (const [i, n] of nets.entries())
      await docker([
        'network',
        'create',
        ...labelArgs([`${COMPOSE_NETWORK}=${n.key}`]),
        '--subnet',
        `${subnetBase}.${i}.0/24`,
        n.name,
      ]);
    const svcs = nets.flatMap((n, i) =>
      Array.from({ length: services }, (_, j) => ({
        net: i,
        network: n.name,
        name: `svc-${i}-${j}`,
        port: LISTEN_PORTS[j % LISTEN_PORTS.length]!,
      })),
    );
    await atMost(svcs, 4, async (s) => {
      const command = listenerImage
        ? ['--entrypoint', '/bin/busybox', listenerImage, 'httpd', '-f', '-p', String(s.port), '-h', '/']
        : [image, 'serve', '--name', s.name, '--tcp', String(s.port)];
      await docker([
        'run',
        '-d',
        '--name',
        `${project}-${s.name}-1`,
        '--network',
        s.network,
        '--network-alias',
        s.name,
        ...labelArgs([`${COMPOSE_SERVICE}=${s.name}`]),
        '--read-only',
        '--cap-drop',
        'ALL',
        '--user',
        '65534:65534',
        '--memory',
        '64m',
        '--pids-limit',
        '16',
        ...command,
      ]);
    });
    const target = (s: (typeof svcs)[number]) => `"${s.name}:${s.port}"`;
    const scenario = [
      `project: ${project}`,
      `timeout: ${TIMEOUT_MS}ms`,
      'expect:',
      ...nets.flatMap((n, i) => [
        `  - name: ${n.key} reaches its own services`,
        `    from: { network: ${n.key} }`,
        `    to: [${svcs
          .filter((s) => s.net === i)
          .map(target)
          .join(', ')}]`,
        '    reachable: true',
        ...(networks > 1
          ? [
              `  - name: ${n.key} reaches no other network's services`,
              `    from: { network: ${n.key} }`,
              `    to: [${svcs
                .filter((s) => s.net !== i)
                .map(target)
                .join(', ')}]`,
              '    reachable: false',
            ]
          : []),
      ]),
    ].join('\n');
    const scenarioFile = join(scenarioDir, 'grid.yml');
    await writeFile(scenarioFile, `${scenario}\n`);

    const runMs: number[] = [];
    const floorMs: number[] = [];
    const idleRssMiB = process.memoryUsage().rss / 2 ** 20;
    let peak = idleRssMiB;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20);
    }, 50);
    let last: Awaited<ReturnType<typeof verify>> | undefined;
    try {
      for (let r = 0; r < runs; r++) {
        floorMs.push(
          await floor(
            runtime,
            image,
            runId,
            nets.map((n) => n.name),
          ),
        );
        const started = performance.now();
        last = await verify({
          scenarios: [scenarioFile],
          image,
          runtime,
          log: (m) => console.error(`dockprobe: ${m}`),
          ...runOptions,
        } as VerifyOptions);
        runMs.push(performance.now() - started);
      }
    } finally {
      clearInterval(sampler);
    }
    const verdicts = new Map<string, number>();
    for (const v of last!.verdicts) {
      const key = `${v.status} ${v.code}`;
      verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
    }
    const odd = last!.verdicts.find((v) => v.status !== 'pass');
    return {
      networks,
      services,
      cells: last!.summary.total,
      probes: last!.probes.length,
      runMs,
      floorMs,
      timeoutMs: TIMEOUT_MS,
      peakRssMiB: peak,
      idleRssMiB,
      verdicts,
      firstNonPass: odd ? `${odd.source} → ${odd.target}: ${odd.status} ${odd.code} (${odd.reason})` : undefined,
    };
  } finally {
    await rm(scenarioDir, { recursive: true, force: true });
    await removeBenchRun('grid bench', runId, listenerImage);
  }
}

/**
 * The engine's floor for one probe per network: plain probe containers (a plan with no check, so the agent starts
 * and ends), all created and started at once, waited for and removed, as a run's probes are; in milliseconds.
 */
export async function floor(
  runtime: DockerodeEngine,
  image: string,
  runId: string,
  networks: string[],
): Promise<number> {
  const started = performance.now();
  await Promise.all(
    networks.map(async (network, i) => {
      const plan: ProbePlan = {
        version: PLAN_VERSION,
        dnsServer: '127.0.0.11',
        timeoutMs: TIMEOUT_MS,
        deadlineMs: 10_000,
        concurrency: 1,
        controls: [],
        checks: [],
      };
      const id = await runtime.containers.create({
        name: `dockprobe-floor-${runId}-${i}-${Math.round(started)}`,
        image,
        cmd: ['run'],
        env: encodePlan(plan),
        labels: runLabels(runId, 'probe'),
        user: DEFAULT_PROBE_LIMITS.user,
        memoryBytes: DEFAULT_PROBE_LIMITS.memoryBytes,
        pidsLimit: DEFAULT_PROBE_LIMITS.pidsLimit,
        logBytes: 1 << 20,
        networkMode: network,
        network,
        dns: ISOLATED_DNS_UPSTREAM,
      });
      try {
        await runtime.containers.start(id);
        await runtime.containers.wait(id, 120_000);
      } finally {
        await runtime.containers.remove(id);
      }
    }),
  );
  return performance.now() - started;
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Whether a Docker engine answers; prints why the bench is skipped when none does. */
export async function engineAnswers(what: string): Promise<boolean> {
  try {
    await new DockerodeEngine().system.info();
    return true;
  } catch (error) {
    console.log(`dockprobe benchmark: ${what} skipped (no Docker engine: ${(error as Error).message})`);
    return false;
  }
}
