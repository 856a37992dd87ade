import { join } from 'node:path';
import { execa } from 'execa';
import { benchGrid, engineAnswers, median } from './grid-bench.js';

// How cost grows: the grid (networks × services, one probe per network, every cell a service of its own network
// reached or another network's not) at each size of BENCH_SCALE ("5x5,10x10,20x5,20x20" by default), BENCH_SCALE_RUNS
// runs each (1 by default): time and the orchestrator's peak RSS against the engine's floor at that size (as many
// plain probe containers started at once, plus one timeout; RSS before the runs). Then `drill --all` at each size of
// BENCH_SCALE_DRILL ("5x5,10x10" by default; "none": no drill), each in a process of its own (drill-bench.js: its
// listeners, wall time, peak RSS and rows).

const SIZES = (process.env['BENCH_SCALE'] ?? '5x5,10x10,20x5,20x20').split(',').map((size) => {
  const [networks, services] = size.split('x').map(Number);
  if (!Number.isInteger(networks) || !Number.isInteger(services) || networks! < 1 || services! < 1)
    throw new Error(`BENCH_SCALE: expected sizes like 20x5 separated by commas, got ${size}`);
  return { networks: networks!, services: services! };
});
const RUNS = Number(process.env['BENCH_SCALE_RUNS'] ?? 1);
const DRILL_SIZES =
  process.env['BENCH_SCALE_DRILL'] === 'none'
    ? []
    : (process.env['BENCH_SCALE_DRILL'] ?? '5x5,10x10').split(',').map((size) => {
        const [networks, services] = size.split('x').map(Number);
        if (!Number.isInteger(networks) || !Number.isInteger(services) || networks! < 1 || services! < 1)
          throw new Error(`BENCH_SCALE_DRILL: expected sizes like 5x5 separated by commas, got ${size}`);
        return { networks: networks!, services: services! };
      });

if (await engineAnswers('scale series')) {
  const lines: string[] = [];
  // Each size on subnets of its own (10.230.0.0/16, 10.231.0.0/16 …): a network the engine has not yet let go of
  // (Engine 20.10 under load keeps a removed container's endpoint a while) does not stop the next size.
  for (const [i, { networks, services }] of SIZES.entries()) {
    const f = await benchGrid(
      networks,
      services,
      RUNS,
      {},
      `10.${Number(process.env['BENCH_SCALE_SUBNET_FROM'] ?? 230) + i}`,
    );
    const floorMs = median(f.floorMs) + f.timeoutMs;
    const runMs = median(f.runMs);
    const notPass = [...f.verdicts].filter(([k]) => !k.startsWith('pass ')).reduce((n, [, c]) => n + c, 0);
    lines.push(
      `  ${`${networks}×${services}`.padEnd(6)} ${String(f.cells).padStart(5)} cells ${String(f.probes).padStart(3)} probes  test ${(runMs / 1000).toFixed(2)} s  floor ${(floorMs / 1000).toFixed(2)} s  ${(runMs / floorMs).toFixed(2)}×  RSS peak ${f.peakRssMiB.toFixed(0)} MiB (before ${f.idleRssMiB.toFixed(0)})  not pass: ${notPass}${f.firstNonPass ? ` (${f.firstNonPass})` : ''}`,
    );
    console.error(lines.at(-1));
  }
  // The drill at each size: the drill bench's own figures, from a process of its own (its peak RSS is the drill's).
  const drills: string[] = [];
  for (const [i, { networks, services }] of DRILL_SIZES.entries()) {
    const out = await execa('node', [join(import.meta.dirname, 'drill-bench.js')], {
      env: {
        BENCH_DRILL_NETWORKS: String(networks),
        BENCH_DRILL_SERVICES: String(services),
        BENCH_DRILL_SUBNET_BASE: `10.${Number(process.env['BENCH_SCALE_SUBNET_FROM'] ?? 230) + SIZES.length + i}`,
      },
      stderr: 'inherit',
      reject: false,
    });
    const figure = (name: string) =>
      out.stdout
        .split('\n')
        .find((l) => l.trimStart().startsWith(name))
        ?.trimStart()
        .slice(name.length)
        .trim() ?? '?';
    drills.push(
      `  ${`${networks}×${services}`.padEnd(6)} drill --all  ${figure('checks').replace(/ in all.*/, '')} checks  ${figure('drill --all wall time')}  RSS peak ${figure('orchestrator peak RSS')}  rows: ${figure('rows')}${out.exitCode === 0 ? '' : `  (exit ${out.exitCode})`}`,
    );
    console.error(drills.at(-1));
  }
  console.log(`dockprobe benchmark: scale series (networks × services, default settings, ${RUNS} run(s) each)`);
  for (const l of [...lines, ...drills]) console.log(l);
}
