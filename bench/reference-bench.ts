import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { PLAN_VERSION, probeDeadlineMs, type ProbePlan } from '../probes/agent/protocol.js';
import { buildPlan } from '../src/plan/build-plan.js';
import { ISOLATED_DNS_UPSTREAM } from '../src/run/probe.js';
import { loadScenario } from '../src/scenario/parse-scenario.js';
import { REFERENCE_SCENARIO } from '../src/package-paths.js';
import { applyOverrides } from '../src/scenario/apply-overrides.js';
import { resolveTopology } from '../src/topology/resolve-topology.js';
import { verify } from '../src/verify.js';
import { upReferenceProject } from './reference-project.js';

// Wall time of verifying the reference topology with dockprobe (all checks of a source in one probe, probes in
// parallel) next to the same checks done the plain way: one `docker run` of a probe per check, one after another.
// Traffic goes only to the containers of the project this benchmark brings up.

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const { runtime, image, runId, project, down } = await upReferenceProject();
try {
  const projected = applyOverrides(await loadScenario(REFERENCE_SCENARIO), { project });

  const dockprobeTimes: number[] = [];
  let cells = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = await verify({ scenarios: [projected], image });
    dockprobeTimes.push(performance.now() - started);
    cells = result.summary.total;
    if (result.summary.pass !== result.summary.total)
      throw new Error(`the reference topology did not pass: ${JSON.stringify(result.summary)}`);
  }

  // The plain way: the same attempts (name and address checks of every cell), each in its own `docker run`.
  const topology = await resolveTopology([projected], runtime);
  const plan = buildPlan(projected.expectations, topology, { runId: 'plain' });
  const checks = plan.cells.flatMap((cell) => {
    const probe = plan.probes.find((p) => p.key === cell.probeKey)!;
    return cell.attempts.map((a) => ({
      network: probe.networks[0]!.id,
      check: probe.plan.checks.find((c) => c.id === a.checkId)!,
      timeoutMs: probe.plan.timeoutMs,
    }));
  });
  const plainStarted = performance.now();
  for (const { network, check, timeoutMs } of checks) {
    const one: ProbePlan = {
      version: PLAN_VERSION,
      dnsServer: '127.0.0.11',
      timeoutMs,
      deadlineMs: probeDeadlineMs([check], timeoutMs, 1),
      concurrency: 1,
      controls: [],
      checks: [check],
    };
    await execa(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        network,
        ...ISOLATED_DNS_UPSTREAM.flatMap((d) => ['--dns', d]),
        '--label',
        `dockprobe.run=${runId}`,
        '-e',
        `DOCKPROBE_PLAN=${Buffer.from(JSON.stringify(one)).toString('base64')}`,
        image,
        'run',
      ],
      { timeout: 60_000 },
    );
  }
  const plainMs = performance.now() - plainStarted;

  const median = [...dockprobeTimes].sort((a, b) => a - b)[Math.floor(dockprobeTimes.length / 2)]!;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  const rows: [string, string][] = [
    ['cells (expectation × target)', String(cells)],
    ['checks (name and address attempts)', String(checks.length)],
    ['probes per dockprobe run', String(plan.probes.length)],
    [`dockprobe wall time, median of ${RUNS}`, `${(median / 1000).toFixed(2)} s`],
    ['dockprobe wall time, each run', dockprobeTimes.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ')],
    ['plain way: one docker run per check', `${(plainMs / 1000).toFixed(2)} s`],
    ['speed-up (plain / dockprobe)', `${(plainMs / median).toFixed(1)}×`],
    ['orchestrator peak RSS', `${rssMiB.toFixed(0)} MiB`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(
    `dockprobe benchmark: reference topology (${topology.engine.version}, API ${topology.engine.apiVersion}), image ${image}`,
  );
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
} finally {
  await down();
}
