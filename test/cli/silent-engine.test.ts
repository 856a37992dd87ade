import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { fakeEngineSocket } from '../fixtures/fake-engine-socket.js';

// An engine that accepts connections and never answers (a socket that holds them): `test` once printed an error after
// 6 s and never exited, `cleanup` after 30 s. Every engine call has a deadline (--engine-timeout), and the process
// ends once it has reported: exit 3, in bounded time.

const root = fileURLToPath(new URL('../..', import.meta.url));
// The source, through tap's TypeScript loader, and the bundle users run (package.json's `bin`, built first).
const sources: [string, string[]][] = [
  ['source', [...process.execArgv.filter((a) => a.includes('@tapjs/typescript')), join(root, 'src', 'cli', 'bin.ts')]],
  [
    'bundle',
    [
      join(
        root,
        (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { dockprobe: string } }).bin.dockprobe,
      ),
    ],
  ],
];

function cli(
  bin: string[],
  endpoint: string,
  args: string[],
): Promise<{ code: number | null; stderr: string; ms: number; killed: boolean }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...bin, ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: '1', DOCKER_HOST: endpoint }, timeout: 40_000 },
      (_error, _stdout, stderr) =>
        resolve({ code: child.exitCode, stderr, ms: Date.now() - started, killed: child.killed }),
    );
  });
}

t.test('test and cleanup against a silent engine: exit 3 within the deadline, never a hang', async (t) => {
  const engine = await fakeEngineSocket([[/./, () => undefined]]);
  t.teardown(engine.close);
  for (const [source, bin] of sources) {
    for (const args of [
      ['test', 'scenarios/reference.yml', '--engine-timeout', '1s'],
      ['cleanup', '--engine-timeout', '2s'],
    ]) {
      const run = await cli(bin, engine.endpoint, args);
      t.equal(run.killed, false, `${source}: ${args[0]} ended by itself`);
      t.equal(run.code, 3, run.stderr);
      t.match(run.stderr, /DP_(DOCKER_UNAVAILABLE|TIMEOUT)/);
      t.ok(run.ms < 20_000, `${source}: ${args[0]} ended after ${run.ms} ms`);
    }
  }
  t.ok(engine.requests.length > 0, 'the engine was asked');
});

t.test('every other command that asks the engine: exit 3 within its deadline, never a hang', async (t) => {
  // The bundle users run; `test` and `cleanup` run from the source too, above.
  const engine = await fakeEngineSocket([[/./, () => undefined]]);
  t.teardown(engine.close);
  const [, bundle] = sources[1]!;
  for (const args of [
    ['drill', '--from', 'proxy', '--engine-timeout', '1s'],
    ['snapshot', 'scenarios/reference.yml', '--write', '/dev/null', '--engine-timeout', '1s'],
    ['networks', '--stale', '--engine-timeout', '1s'],
    ['infer', '--live', '--project', 'shop', '--engine-timeout', '1s'],
  ]) {
    const command = args[0]!;
    const run = await cli(bundle, engine.endpoint, args);
    t.equal(run.killed, false, `${command} ended by itself`);
    t.equal(run.code, 3, `${command}: ${run.stderr}`);
    t.match(run.stderr, /DP_(DOCKER_UNAVAILABLE|TIMEOUT)/, command);
    t.ok(run.ms < 20_000, `${command} ended after ${run.ms} ms`);
  }
});
