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
const bin = join(
  PACKAGE_ROOT,
  (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { bin: { dockprobe: string } }).bin
    .dockprobe,
);
const commands: [string, string[]][] = [
  ['node, empty script (floor)', ['-e', '0']],
  ['dockprobe --help', [bin, '--help']],
  ['dockprobe validate reference.yml', [bin, 'validate', REFERENCE_SCENARIO]],
  ['dockprobe schema', [bin, 'schema']],
  // A command's help is no precomputed output: the full command line, yargs and every command's options.
  ['dockprobe test --help', [bin, 'test', '--help']],
];
// The target for these commands (#8), printed beside each median; the bench reports, it asserts nothing.
const TARGET_MS = 150;

// node 20 reads and parses the whole bundle NODE_EXTRA_CA_CERTS names as it starts, before the first line of any
// script (OpenSSL 3 builds the root store then: nodejs/node#40524; newer node loads it on first TLS use). With
// Debian's ca-certificates.crt (about 140 certificates) that is 80–90 ms of every start on this machine, the floor
// included. dockprobe cannot drop it for the user (a TLS engine behind a proxy may need it), so the bench measures
// each command both ways: as this shell starts it, and with the variable unset, where the floor is node's own.
const environments: [string, NodeJS.ProcessEnv][] = [['as this shell starts it', { ...process.env, NO_COLOR: '1' }]];
const extraCaCerts = process.env['NODE_EXTRA_CA_CERTS'];
if (extraCaCerts !== undefined && extraCaCerts !== '') {
  const { NODE_EXTRA_CA_CERTS: _unset, ...without } = process.env;
  environments[0]![0] = `as this shell starts it (NODE_EXTRA_CA_CERTS=${extraCaCerts}, loaded at every start)`;
  environments.push(['NODE_EXTRA_CA_CERTS unset', { ...without, NO_COLOR: '1' }]);
}

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

// Round-robin over every command in every environment, after one round not counted (disk cache): on a busy machine
// each command, the floors included, meets the same load, so the differences to the floor stay meaningful.
const runs = environments.flatMap(([, env], e) => commands.map(([label, args]) => ({ e, env, label, args })));
const times: number[][] = runs.map(() => []);
const cpuMs: number[] = runs.map(() => 0);
for (let round = -1; round < RUNS; round++) {
  for (const [i, { env, label, args }] of runs.entries()) {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', env });
    const wall = performance.now() - started;
    const cpuAfter = childrenCpuMs();
    if (run.status !== 0) throw new Error(`${label} exited ${String(run.status ?? run.signal)}: ${run.stderr}`);
    if (round < 0) continue;
    times[i]!.push(wall);
    if (cpuBefore !== undefined && cpuAfter !== undefined) cpuMs[i]! += cpuAfter - cpuBefore;
  }
}
const median = (i: number): number =>
  percentile(
    [...times[i]!].sort((a, b) => a - b),
    50,
  );
const rows: [string, string][] = runs.map(({ e, label }, i) => {
  const cpu = childrenCpuMs() !== undefined ? `, cpu ${(cpuMs[i]! / RUNS).toFixed(0)} ms per run` : '';
  const sorted = [...times[i]!].sort((a, b) => a - b);
  const floor = median(e * commands.length);
  const above =
    i === e * commands.length
      ? ''
      : ` (${(median(i) - floor).toFixed(0)} above the floor; ${median(i) < TARGET_MS ? 'under' : 'over'} ${TARGET_MS})`;
  return [label, `median ${median(i).toFixed(0)} ms${above}, p90 ${percentile(sorted, 90).toFixed(0)} ms${cpu}`];
});

const width = Math.max(...rows.map(([k]) => k.length));
console.log(`dockprobe benchmark: CLI startup, ${RUNS} runs each (node ${process.version})`);
for (const [e, [heading]] of environments.entries()) {
  if (environments.length > 1) console.log(`  ${heading}`);
  for (const [k, v] of rows.slice(e * commands.length, (e + 1) * commands.length))
    console.log(`  ${environments.length > 1 ? '  ' : ''}${k.padEnd(width)}  ${v}`);
}
