import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { DockerodeEngine } from '../src/docker/dockerode-engine.js';
import { atMost, busyboxListener } from './busybox-listener.js';
import { removeBenchRun } from './remove-bench-run.js';
import { topologyLabelArgs } from './topology-label-args.js';
import { COMPOSE_NETWORK, COMPOSE_SERVICE } from '../src/docker/labels.js';
import { drill } from '../src/drill/drill.js';
import { ensureProbeImage } from '../src/image/probe-image.js';
import { newRunId } from '../src/run/run-id.js';

// How long `dockprobe drill --all` takes on a topology of NETWORKS networks with SERVICES_PER_NETWORK services each
// (100 in all), every service a tiny listener on one common port. The listener is busybox's httpd from an image built
// here FROM scratch when this host has a static busybox, and otherwise the probe image in its `serve` mode (no
// registry is reached either way; the output says which). Everything it creates carries dockprobe's labels (so
// `dockprobe cleanup --run` finds it) and is removed at the end. The drill keeps to the bench's own project, knocks
// on no port of the host (--no-host-ports) and tries no egress: traffic goes only to the containers made here.
// Skipped, with a line saying so, when no Docker engine answers. BENCH_DRILL_CONCURRENCY, BENCH_DRILL_CONNECT_CONCURRENCY,
// BENCH_DRILL_LOOKUP_CONCURRENCY and BENCH_DRILL_PROBES set the drill's --concurrency, --connect-concurrency,
// --lookup-concurrency and --probes (its defaults otherwise). BENCH_DRILL_SETTINGS runs the drill once for each of a
// list of settings on the same listeners, `PROBESxCONNECTS` each (`16x128,32x256`), one report each.

const NETWORKS = Number(process.env['BENCH_DRILL_NETWORKS'] ?? 20);
const SERVICES_PER_NETWORK = Number(process.env['BENCH_DRILL_SERVICES'] ?? 5);
/** Subnets of the bench's networks, given so that 20 networks do not exhaust the engine's default address pools. */
const SUBNET_BASE = process.env['BENCH_DRILL_SUBNET_BASE'] ?? '10.223';
/** `--concurrency` and `--probes` of the drill, when given (the drill's defaults otherwise). */
const CONCURRENCY = process.env['BENCH_DRILL_CONCURRENCY'] ? Number(process.env['BENCH_DRILL_CONCURRENCY']) : undefined;
const PROBES_AT_ONCE = process.env['BENCH_DRILL_PROBES'] ? Number(process.env['BENCH_DRILL_PROBES']) : undefined;
const CONNECTS = process.env['BENCH_DRILL_CONNECT_CONCURRENCY']
  ? Number(process.env['BENCH_DRILL_CONNECT_CONCURRENCY'])
  : undefined;
const LOOKUPS = process.env['BENCH_DRILL_LOOKUP_CONCURRENCY']
  ? Number(process.env['BENCH_DRILL_LOOKUP_CONCURRENCY'])
  : undefined;
/** The settings of each drill run: `--probes` and `--connect-concurrency`, the defaults' or the variables' else. */
const SETTINGS: { probes?: number | undefined; connects?: number | undefined }[] = process.env['BENCH_DRILL_SETTINGS']
  ? process.env['BENCH_DRILL_SETTINGS'].split(',').map((s) => {
      const [probes, connects] = s.split('x').map(Number);
      return { probes, connects };
    })
  : [{ probes: PROBES_AT_ONCE, connects: CONNECTS }];
/** Each service listens on one of these, by its place on its network: a database, a cache, an admin port … */
const LISTEN_PORTS = [5432, 6379, 3306, 8080, 9000];

const runtime = new DockerodeEngine();
try {
  await runtime.system.info();
} catch (error) {
  console.log(`dockprobe benchmark: drill --all skipped (no Docker engine: ${(error as Error).message})`);
  process.exit(0);
}

const runId = newRunId();
const project = `dpdrill${runId}`;
const docker = (args: string[]) => execa('docker', args, { timeout: 120_000 });
const labelArgs = topologyLabelArgs(runId, project);
let listenerImage: string | undefined;
try {
  const probeImage = await ensureProbeImage(runtime, { log: (m) => console.error(m) });
  const listener = await busyboxListener(runtime.images, 'dockprobe-bench-listener', runId);
  listenerImage = listener?.image;
  const networks = Array.from({ length: NETWORKS }, (_, i) => ({
    name: `${project}_net-${i}`,
    key: `net-${i}`,
    subnet: `${SUBNET_BASE}.${i}.0/24`,
  }));
  for (const n of networks)
    await docker(['network', 'create', ...labelArgs([`${COMPOSE_NETWORK}=${n.key}`]), '--subnet', n.subnet, n.name]);
  const services = networks.flatMap((n, i) =>
    Array.from({ length: SERVICES_PER_NETWORK }, (_, j) => ({
      network: n.name,
      name: `svc-${i}-${j}`,
      port: LISTEN_PORTS[j % LISTEN_PORTS.length]!,
    })),
  );
  const started = performance.now();
  await atMost(services, 4, async (s) => {
    const command = listener
      ? ['--entrypoint', '/bin/busybox', listener.image, 'httpd', '-f', '-p', String(s.port), '-h', '/']
      : [probeImage, 'serve', '--name', s.name, '--tcp', String(s.port)];
    await docker([
      'run',
      '-d',
      '--name',
      `${project}-${s.name}-1`,
      '--network',
      s.network,
      ...labelArgs([`${COMPOSE_SERVICE}=${s.name}`]),
      '--read-only',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges=true',
      '--user',
      '65534:65534',
      '--memory',
      '96m',
      '--pids-limit',
      '16',
      '--expose',
      String(s.port),
      ...command,
    ]);
  });
  const upMs = performance.now() - started;

  for (const [i, setting] of SETTINGS.entries()) {
    // Peak memory by phase of the drill: what it holds after planning, while its probes run and are judged, and once
    // its rows are made (the phase changes on the drill's own progress line that starts the probes).
    let phase = 'planning';
    const peaks = new Map<string, { rss: number; heap: number }>();
    const sample = () => {
      const m = process.memoryUsage();
      const p = peaks.get(phase) ?? { rss: 0, heap: 0 };
      peaks.set(phase, { rss: Math.max(p.rss, m.rss), heap: Math.max(p.heap, m.heapUsed) });
    };
    const sampler = setInterval(sample, 100);
    const drillStarted = performance.now();
    const result = await drill({
      from: { kind: 'all' },
      project: [project],
      hostPorts: false,
      internet: [],
      ...(CONCURRENCY !== undefined ? { concurrency: CONCURRENCY } : {}),
      ...(setting.probes !== undefined ? { probesAtOnce: setting.probes } : {}),
      ...(setting.connects !== undefined ? { connectConcurrency: setting.connects } : {}),
      ...(LOOKUPS !== undefined ? { lookupConcurrency: LOOKUPS } : {}),
      runtime,
      log: (m) => {
        sample();
        if (m.startsWith('starting ')) phase = 'probes run and judged';
        console.error(`dockprobe: ${m}`);
      },
    });
    sample();
    clearInterval(sampler);
    const drillMs = performance.now() - drillStarted;
    // Under `node --expose-gc`: the heap a collection leaves with the result held (its rows), what the run must hold.
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    const heldHeap = collect ? process.memoryUsage().heapUsed : undefined;

    // Each service shares its network with SERVICES_PER_NETWORK - 1 others, each listening on one port: that many
    // container rows reached per source, and nothing on another network.
    const reached = result.rows.filter((r) => r.status === 'reached' && r.kind === 'port');
    const networkOf = (source: string) => `net-${/svc-(\d+)-/.exec(source)?.[1] ?? '?'}`;
    const crossNetwork = reached.filter((r) => r.network !== networkOf(r.source)).length;
    const rows: [string, string][] = [
      ['topology', `${NETWORKS} networks × ${SERVICES_PER_NETWORK} services = ${services.length} listeners`],
      [
        'listener',
        listener
          ? `busybox httpd, image ${listener.image} built FROM scratch from ${listener.binary}`
          : `the probe image in serve mode (${probeImage}): no static busybox with httpd on this host`,
      ],
      ['listeners up (docker run, 4 at once)', `${(upMs / 1000).toFixed(1)} s`],
      ['drill --all wall time', `${(drillMs / 1000).toFixed(1)} s`],
      ['probes', `${result.probes.length} (${result.bounds.probesAtOnce} at once)`],
      [
        'checks',
        `${result.tried.checks} in all, ${result.tried.checksPerProbe} in the busiest probe (cap ${result.bounds.maxChecks})`,
      ],
      [
        'bounds',
        `${result.bounds.connectConcurrency} connects by address and ${result.bounds.concurrency} other checks in flight per probe, ${result.bounds.lookupConcurrency} lookups across the probes, ${result.bounds.attemptsPerCheck} attempt per check, ${result.bounds.timeoutMs} ms per attempt, ports: ${result.bounds.ports.length} common`,
      ],
      [
        'rows',
        `${result.summary.reached} reached, ${result.summary.pathOpen} path open, ${result.summary.blocked} blocked, ${result.summary.inconclusive} inconclusive`,
      ],
      [
        'an inconclusive row',
        (() => {
          const r = result.rows.find((x) => x.status === 'inconclusive');
          return r ? `${r.source} → ${r.target}: ${r.reason}` : 'none';
        })(),
      ],
      [
        'inconclusive, by code',
        [...countBy(result.rows.filter((r) => r.status === 'inconclusive').map((r) => r.code))]
          .map(([code, n]) => `${code} ${n}`)
          .join(', ') || 'none',
      ],
      [
        'listeners reached',
        `${reached.length} (expected ${services.length * (SERVICES_PER_NETWORK - 1)}), ${crossNetwork} across networks (expected 0)`,
      ],
      // A listener on the source's own network, at its own port, that was not reached: what the drill said instead.
      [
        'same-network listeners not reached',
        result.rows
          .filter(
            (r) =>
              r.kind === 'port' &&
              r.via === 'container' &&
              r.status !== 'reached' &&
              r.network === networkOf(r.source) &&
              services.some((x) => r.target === `${x.name}:${x.port} on ${x.network.replace(`${project}_`, '')}`),
          )
          .map((r) => `${r.source} → ${r.target}: ${r.status} ${r.code} (${r.reason})`)
          .join('; ') || 'none',
      ],
      // The process's peak for the first drill; the sampled peak (every 100 ms) for the ones after it.
      [
        'orchestrator peak RSS',
        `${(i === 0 ? process.resourceUsage().maxRSS / 1024 : Math.max(...[...peaks.values()].map((p) => p.rss)) / 1048576).toFixed(0)} MiB`,
      ],
      [
        'peak RSS / heap by phase',
        [...peaks]
          .map(([p, v]) => `${p} ${(v.rss / 1048576).toFixed(0)} / ${(v.heap / 1048576).toFixed(0)} MiB`)
          .join(', '),
      ],
      ...(heldHeap !== undefined
        ? [
            ['heap held with the result', `${(heldHeap / 1048576).toFixed(0)} MiB after a collection`] as [
              string,
              string,
            ],
          ]
        : []),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`dockprobe benchmark: drill --all (${result.engine.version}, API ${result.engine.apiVersion})`);
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  }
} finally {
  await removeBenchRun('drill bench', runId, listenerImage);
}

function countBy(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}
