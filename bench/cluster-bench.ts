import { probeProjectEnv } from '../src/compose/probe-project-env.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { DockerodeEngine } from '../src/docker/dockerode-engine.js';
import { ensureProbeImage } from '../src/image/probe-image.js';
import { PACKAGE_ROOT } from '../src/package-paths.js';
import { newRunId } from '../src/run/run-id.js';
import { parseScenario } from '../src/scenario/parse-scenario.js';
import { verify } from '../src/verify.js';

// Per-node verification on a three-node swarm (scripts/swarm-cluster.sh, engines in containers on this machine): a
// stack spread over the nodes (test/fixtures/swarm/nodes.yml), then `--nodes all` verified BENCH_RUNS times. Prints
// the whole run's wall time, and per node how many probes ran there and how long they took, by how they ran (a plain
// container on the manager, a swarm job elsewhere). Brings the cluster up and down itself unless DOCKPROBE_CLUSTER=1
// says one is up (DOCKER_HOST at its manager). Root only; traffic stays between the cluster's own containers.

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const CLUSTER = join(PACKAGE_ROOT, 'scripts/swarm-cluster.sh');
if (process.getuid?.() !== 0) {
  console.log(
    'dockprobe benchmark: swarm cluster skipped (needs root: scripts/swarm-cluster.sh runs engines in containers)',
  );
  process.exit(0);
}
const ours = process.env['DOCKPROBE_CLUSTER'] !== '1';
const sh = (args: string[], timeout = 300_000) => execa('bash', [CLUSTER, ...args], { timeout });
const hostOf = async (node: string) =>
  /DOCKER_HOST=(\S+)/.exec((await sh(['env', node])).stdout)![1]!.replace(/^['"]|['"]$/g, '');
if (ours) await sh(['up', '3']);
const runId = newRunId();
const stack = `dpbench${runId}`;
try {
  process.env['DOCKER_HOST'] = await hostOf('a');
  const docker = (args: string[], env: Record<string, string> = {}) =>
    execa('docker', args, { timeout: 120_000, env: { ...process.env, ...env } });
  const nodes = (await docker(['node', 'ls', '--format', '{{.Hostname}}'])).stdout.trim().split('\n').sort();
  const runtime = new DockerodeEngine();
  const image = await ensureProbeImage(runtime, { log: (m) => console.error(m) });
  for (const node of nodes.slice(1))
    await execa('bash', ['-c', 'docker save "$IMAGE" | DOCKER_HOST="$TO" docker load -q'], {
      env: { ...process.env, IMAGE: image, TO: await hostOf(node) },
      timeout: 180_000,
    });
  const env = {
    ...probeProjectEnv(image, runId),
    DPTEST_NODE_A: nodes[0]!,
    DPTEST_NODE_C: nodes[2]!,
  };
  await docker(
    ['stack', 'deploy', '--resolve-image', 'never', '-c', join(PACKAGE_ROOT, 'test/fixtures/swarm/nodes.yml'), stack],
    env,
  );
  for (let i = 0; ; i++) {
    const replicas = (
      await docker([
        'service',
        'ls',
        '--filter',
        `label=com.docker.stack.namespace=${stack}`,
        '--format',
        '{{.Replicas}}',
      ])
    ).stdout
      .trim()
      .split('\n');
    if (replicas.length === 3 && replicas.every((r) => r.startsWith('1/1'))) break;
    if (i >= 90) throw new Error(`stack ${stack} did not start: ${replicas.join(' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const scenario = parseScenario(
    `project: ${stack}\ntimeout: 2s\nexpect:\n` +
      '  - from: { network: mesh }\n    to: ["http://web-c:8080/", { url: "http://web-c:8080/bytes/102400", bytes: 102400 }, "http://web-a:8080/"]\n    reachable: true\n' +
      '  - from: { network: mesh }\n    to: [db:5432]\n    reachable: false\n' +
      '  - from: { network: backend }\n    to: [db:5432]\n    reachable: true\n',
    'bench.yml',
  );
  const walls: number[] = [];
  const perNode = new Map<string, { kind: string; ms: number[] }>();
  let verdicts = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = await verify({ scenarios: [scenario], image, nodes: ['all'], runtime });
    walls.push(performance.now() - started);
    verdicts = result.summary.total;
    if (result.summary.pass !== result.summary.total)
      throw new Error(`not every verdict passed: ${JSON.stringify(result.summary)}`);
    for (const p of result.probes) {
      const node = /@ (\S+)/.exec(p.label)?.[1] ?? '?';
      const kind = p.network.startsWith('job on node') ? 'job' : 'container';
      const key = `${node} ${kind}`;
      perNode.set(key, { kind, ms: [...(perNode.get(key)?.ms ?? []), p.durationMs] });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `dockprobe benchmark: --nodes all on a ${nodes.length}-node swarm (Engine 26.1.5 nodes in containers), ${RUNS} runs, ${verdicts} verdicts each`,
  );
  console.log(
    `  whole run (topology read, every probe, judge)   median ${(median(walls) / 1000).toFixed(1)} s, max ${(Math.max(...walls) / 1000).toFixed(1)} s`,
  );
  for (const [key, { ms }] of [...perNode].sort()) {
    console.log(
      `  ${key.padEnd(16)} ${String(ms.length / RUNS).padStart(2)} probe(s) a run, each median ${(median(ms) / 1000).toFixed(1)} s (create to result read)`,
    );
  }
} finally {
  await execa('docker', ['stack', 'rm', stack], { reject: false, timeout: 60_000 });
  if (ours) await sh(['down']);
}
