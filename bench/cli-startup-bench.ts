import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PACKAGE_ROOT, REFERENCE_SCENARIO } from '../src/package-paths.js';

// Wall time of starting the CLI for commands that never touch Docker: each run is a fresh `node` process, as a
// user's shell or an editor would start it. Needs `npm run build` first; runs no container. On Linux it also prints
// the CPU time the runs used (user + system, from /proc), which a busy machine disturbs far less than wall time.

const RUNS = Number(process.env['BENCH_STARTUP_RUNS'] ?? 15);
// The command a user runs: package.json's `bin`.
const bin = join(PACKAGE_ROOT, (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { bin: { dockprobe: string } }).bin.dockprobe);
const commands: [string, string[]][] = [
  ['node, empty script (floor)', ['-e', '0']],
  ['dockprobe --help', [bin, '--help']],
  ['dockprobe validate reference.yml', [bin, 'validate', REFERENCE_SCENARIO]],
  ['dockprobe schema', [bin, 'schema']],
];

/** CPU time used so far by this process's finished children, in ms; undefined without /proc. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    // cutime and cstime (fields 16 and 17 of proc(5)), in USER_HZ ticks: 100 per second.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// Round-robin, after one round not counted (disk cache): on a busy machine each command, the floor included, meets the
// same load, so the differences to the floor stay meaningful.
const times: number[][] = commands.map(() => []);
const cpuMs: number[] = commands.map(() => 0);
for (let round = -1; round < RUNS; round++) {
  for (const [i, [label, args]] of commands.entries()) {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const wall = performance.now() - started;
    const cpuAfter = childrenCpuMs();
    if (run.status !== 0) throw new Error(`${label} exited ${String(run.status ?? run.signal)}: ${run.stderr}`);
    if (round < 0) continue;
    times[i]!.push(wall);
    if (cpuBefore !== undefined && cpuAfter !== undefined) cpuMs[i]! += cpuAfter - cpuBefore;
  }
}
const rows: [string, string][] = commands.map(([label], i) => {
  const cpu = childrenCpuMs() !== undefined ? `, cpu ${(cpuMs[i]! / RUNS).toFixed(0)} ms per run` : '';
  const sorted = [...times[i]!].sort((a, b) => a - b);
  return [label, `median ${percentile(sorted, 50).toFixed(0)} ms, p90 ${percentile(sorted, 90).toFixed(0)} ms${cpu}`];
});

const width = Math.max(...rows.map(([k]) => k.length));
console.log(`dockprobe benchmark: CLI startup, ${RUNS} runs each (node ${process.version})`);
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
