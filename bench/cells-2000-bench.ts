import { benchGrid, engineAnswers, median } from './grid-bench.js';

// 2,000 cells at the default settings: 20 networks × 5 services, one probe per network, each asking that its own
// network's services are reached and the 95 others are not, against the engine's floor measured in the same run (20
// plain probe containers started at once, plus one timeout). BENCH_RUNS runs (3 by default), floor and run alternating.

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
if (await engineAnswers('2,000 cells')) {
  const f = await benchGrid(20, 5, RUNS);
  const floorMs = median(f.floorMs) + f.timeoutMs;
  const runMs = median(f.runMs);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rows: [string, string][] = [
    ['topology', `${f.networks} networks × ${f.services} services; ${f.cells} cells, ${f.probes} probes`],
    [`test, median of ${RUNS}`, `${s(runMs)} (each: ${f.runMs.map(s).join(', ')})`],
    [
      'floor: probes started at once + one timeout',
      `${s(floorMs)} (starts: ${f.floorMs.map(s).join(', ')}; timeout ${s(f.timeoutMs)})`,
    ],
    ['ratio (test / floor)', `${(runMs / floorMs).toFixed(2)}× (the aim: at most 1.2×)`],
    ['verdicts of the last run', [...f.verdicts].map(([k, n]) => `${k} ${n}`).join(', ')],
    ['a verdict that is not a pass', f.firstNonPass ?? 'none'],
    ['orchestrator RSS', `peak ${f.peakRssMiB.toFixed(0)} MiB (${f.idleRssMiB.toFixed(0)} MiB before the runs)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('dockprobe benchmark: 2,000 cells at the default settings, against the engine floor');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}
