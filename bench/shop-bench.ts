import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { PACKAGE_ROOT } from '../src/package-paths.js';
import { colors } from '../src/report/colors.js';
import { prettyReport } from '../src/report/pretty-report.js';
import type { PhaseSpan, RunPhase } from '../src/pipeline/run-timings.js';
import { RunTimings } from '../src/pipeline/run-timings.js';
import type { RunResult } from '../src/run-result.js';
import { verify } from '../src/verify.js';
import { engineAnswers, floor, median, TIMEOUT_MS } from './grid-bench.js';
import { upBenchProject } from './reference-project.js';
import { removeBenchRun } from './remove-bench-run.js';

// The shop (bench/shop/compose.yml: 7 services, 4 networks; bench/shop/isolation.yml: 8 cells, 19 checks, 3 probes,
// timeout 1 s): `test` as a user runs it, in this process (verify) and as the command line (a process of its own),
// against the engine's floor measured in the same run, alternating with them: 3 plain probe containers, one on each
// probed network, created and started at once, waited for and removed, plus one timeout. Then where a run's time
// goes, from the phases the pipeline records (RunTimings). BENCH_SHOP_RUNS runs (5 by default), after one of each
// that is not counted (the engine's first container start is slower). BENCH_SHOP_BEFORE names the root of another
// built checkout (main, say) whose verify and command line run alternately with this one's, for a before and after
// under the same load. Traffic goes only to the shop's containers.

const RUNS = Number(process.env['BENCH_SHOP_RUNS'] ?? 5);
const COMPOSE_FILE = join(PACKAGE_ROOT, 'bench', 'shop', 'compose.yml');
const SCENARIO = join(PACKAGE_ROOT, 'bench', 'shop', 'isolation.yml');
const PROBED = ['edge', 'app', 'data'];
const BIN = join(PACKAGE_ROOT, 'dist', 'cli', 'bin.cjs');
const PHASES: RunPhase[] = [
  'scenario load',
  'deployment read',
  'image check',
  'plan',
  'probe create/start',
  'probe run',
  'probe removal',
  'window re-read',
  'judge',
  'cleanup',
];

/** What one build (this checkout, or the one BENCH_SHOP_BEFORE names) measured in each counted run. */
interface Build {
  name: string;
  verify: typeof verify;
  bin: string;
  runMs: number[];
  cliMs: number[];
  reportMs: number[];
  timings: RunTimings[];
}

const build = (name: string, run: typeof verify, bin: string): Build => ({
  name,
  verify: run,
  bin,
  runMs: [],
  cliMs: [],
  reportMs: [],
  timings: [],
});

if (await engineAnswers('the shop')) {
  const { runtime, image, runId, project, down } = await upBenchProject(COMPOSE_FILE, 'dpshop');
  try {
    const builds = [build('this checkout', verify, BIN)];
    // Another built checkout (main, say), run alternately with this one: before and after under the same load.
    const before = process.env['BENCH_SHOP_BEFORE'];
    if (before) {
      const other = (await import(pathToFileURL(join(before, 'dist', 'src', 'verify.js')).href)) as {
        verify: typeof verify;
      };
      builds.unshift(build(`before (${before})`, other.verify, join(before, 'dist', 'cli', 'bin.cjs')));
    }
    const networks = PROBED.map((n) => `${project}_${n}`);
    const floorMs: number[] = [];
    let last: RunResult | undefined;
    for (let r = -1; r < RUNS; r++) {
      const floorOnce = await floor(runtime, image, runId, networks);
      if (r >= 0) floorMs.push(floorOnce);
      for (const b of builds) {
        const t = new RunTimings();
        const started = performance.now();
        const result = await b.verify({ scenarios: [SCENARIO], project, image, runtime, timings: t });
        const ran = performance.now() - started;
        const reportStarted = performance.now();
        prettyReport(result, colors(false));
        const reported = performance.now() - reportStarted;
        const cliStarted = performance.now();
        const cli = await execa(
          process.execPath,
          [b.bin, 'test', SCENARIO, '--project', project, '--image', image, '--quiet'],
          { reject: false, timeout: 120_000 },
        );
        const cliRan = performance.now() - cliStarted;
        if (cli.exitCode !== 0) throw new Error(`dockprobe test exited ${cli.exitCode}: ${cli.stderr || cli.stdout}`);
        if (result.summary.pass !== result.summary.total)
          throw new Error(`the shop did not pass: ${JSON.stringify(result.summary)}`);
        if (r < 0) continue;
        b.runMs.push(ran);
        b.reportMs.push(reported);
        b.cliMs.push(cliRan);
        b.timings.push(t);
        last = result;
      }
    }
    const floorTotal = median(floorMs) + TIMEOUT_MS;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const checks = last!.probes.reduce((n, p) => n + p.checks, 0);
    console.log(
      `dockprobe benchmark: the shop against the engine floor (${last!.engine.version}, API ${last!.engine.apiVersion})`,
    );
    const head: [string, string][] = [
      [
        'the shop',
        `7 services, 4 networks; ${last!.summary.total} cells, ${checks} checks, ${last!.probes.length} probes`,
      ],
      [
        'floor: 3 probes started at once + one timeout',
        `${s(floorTotal)} (starts: ${floorMs.map(s).join(', ')}; timeout ${s(TIMEOUT_MS)})`,
      ],
    ];
    const rows = (b: Build): [string, string][] => [
      [
        `test in this process (verify), median of ${RUNS}`,
        `${s(median(b.runMs))} (each: ${b.runMs.map(s).join(', ')})`,
      ],
      [
        `test as a command (its process), median of ${RUNS}`,
        `${s(median(b.cliMs))} (each: ${b.cliMs.map(s).join(', ')})`,
      ],
      [
        'ratio, in this process (test / floor)',
        `${(median(b.runMs) / floorTotal).toFixed(2)}× (the aim: at most 1.15×)`,
      ],
      ['ratio, as a command', `${(median(b.cliMs) / floorTotal).toFixed(2)}×`],
    ];
    const width = Math.max(...[...head, ...rows(builds[0]!)].map(([k]) => k.length));
    for (const [k, v] of head) console.log(`  ${k.padEnd(width)}  ${v}`);
    for (const b of builds) {
      if (builds.length > 1) console.log(`  ${b.name}:`);
      for (const [k, v] of rows(b)) console.log(`  ${k.padEnd(width)}  ${v}`);
      if (b.timings.some((t) => t.spans.length > 0)) {
        console.log(`  where a run's time goes (in this process; medians of ${RUNS}, ms from the run's start):`);
        for (const line of breakdown(b.timings, b.runMs, b.reportMs)) console.log(`    ${line}`);
      }
    }
  } finally {
    await down().catch((error: unknown) => console.error(`shop bench: compose down: ${(error as Error).message}`));
    await removeBenchRun('shop bench', runId);
  }
}

// Each phase's extent in a run (its first start to its last end, over the probes for a probe phase), the median of
// those over the runs, and what no phase covers: the run's time outside every recorded span.
function breakdown(timings: readonly RunTimings[], runMs: readonly number[], reportMs: readonly number[]): string[] {
  const rows: [string, string][] = [];
  for (const phase of PHASES) {
    const extents = timings.flatMap((t) => {
      const spans = t.spans.filter((x) => x.phase === phase);
      return spans.length > 0
        ? [{ start: Math.min(...spans.map((x) => x.startMs)), end: Math.max(...spans.map((x) => x.endMs)), spans }]
        : [];
    });
    if (extents.length === 0) continue;
    const start = median(extents.map((e) => e.start));
    const end = median(extents.map((e) => e.end));
    const each = extents.flatMap((e) => e.spans.map((x) => x.endMs - x.startMs));
    // A phase of several spans (each probe's, the judgement of each probe as it ends): each one's median too.
    const perProbe = extents[0]!.spans.length > 1;
    rows.push([
      phase,
      `${ms(start)}–${ms(end)}  ${ms(end - start)}${perProbe ? ` (each: median ${ms(median(each))})` : ''}`,
    ]);
  }
  rows.push(['outside every phase', `${ms(median(timings.map((t, i) => runMs[i]! - covered(t.spans))))}`]);
  rows.push(['report (pretty, after the run)', ms(median(reportMs))]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}

// How much of the run the spans cover, overlaps counted once.
function covered(spans: readonly PhaseSpan[]): number {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const { startMs, endMs } of sorted) {
    if (endMs <= end) continue;
    total += endMs - Math.max(startMs, end);
    end = endMs;
  }
  return total;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}
