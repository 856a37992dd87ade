import { benchGrid, engineAnswers, median } from './grid-bench.js';

// How cost grows: the grid (networks × services, one probe per network, every cell a service of its own network
// reached or another network's not) at each size of BENCH_SCALE ("5x5,10x10,20x5,20x20" by default), BENCH_SCALE_RUNS
// runs each (1 by default): time and the orchestrator's peak RSS against the engine's floor at that size (as many
// plain probe containers started at once, plus one timeout; RSS before the runs).

const SIZES = (process.env['BENCH_SCALE'] ?? '5x5,10x10,20x5,20x20').split(',').map((size) => {
  const [networks, services] = size.split('x').map(Number);
  if (!Number.isInteger(networks) || !Number.isInteger(services) || networks! < 1 || services! < 1)
    throw new Error(`BENCH_SCALE: expected sizes like 20x5 separated by commas, got ${size}`);
  return { networks: networks!, services: services! };
});
const RUNS = Number(process.env['BENCH_SCALE_RUNS'] ?? 1);

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
  console.log(`dockprobe benchmark: scale series (networks × services, default settings, ${RUNS} run(s) each)`);
  for (const l of lines) console.log(l);
}
