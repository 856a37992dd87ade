import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import t, { type Test } from 'tap';
import type { CliContext } from '../../src/cli/cli-context.js';
import { main } from '../../src/cli/main.js';
import { refuseUncheckable } from '../../src/plan/scenario-problems.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { loadScenario } from '../../src/scenario/parse-scenario.js';
import { type FakeEngineSocket, fakeEngineSocket, useEngine } from '../fixtures/fake-engine-socket.js';

// `dockprobe infer --file` as a user runs it, through Compose's own `config` and an engine API on a unix socket that
// holds one image: what the file leaves out, the image says; what neither says is listed on stderr.

// Each test starts Compose's CLI (docker-compose v1 is a Python program, seconds to start on a loaded machine).
t.setTimeout(180_000);

function context(): CliContext & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += String(c);
  });
  stderr.on('data', (c) => {
    err += String(c);
  });
  return {
    stdout,
    stderr,
    colorsOut: colors(false),
    colorsErr: colors(false),
    cleanup: new CleanupStack(),
    out: () => out,
    err: () => err,
  };
}

// Compose's CLI is what reads the file: without one here there is nothing to run.
async function inferOrSkip(t: Test, args: string[], ctx: CliContext): Promise<unknown> {
  const error = await main(args, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error && /not found|ENOENT|spawn|install the compose plugin/.test(String((error as Error).message))) {
    t.comment('no Compose CLI here: nothing to check');
    return 'skipped';
  }
  return error;
}

/** A Compose file `text` in a directory of its own, and an engine API that answers `routes` as DOCKER_HOST. */
async function project(
  t: Test,
  text: string,
  routes: Parameters<typeof fakeEngineSocket>[0] = [],
): Promise<{ compose: string; out: string; engine: FakeEngineSocket }> {
  const engine = await fakeEngineSocket(routes);
  t.teardown(() => engine.close());
  useEngine(t, engine.endpoint);
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-infer-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const compose = join(dir, 'compose.yml');
  await writeFile(compose, text);
  return { compose, out: join(dir, 'isolation.yml'), engine };
}

t.test(
  "infer --file writes the image's ports of a service the file gives none, and names what it skipped",
  async (t) => {
    const { compose, out, engine } = await project(
      t,
      [
        'services:',
        '  cache:',
        '    image: redis:7',
        '  app:',
        '    image: shop/app:1',
        '    expose: ["3000"]',
        '  ghost:',
        '    image: ghost:absent',
        '',
      ].join('\n'),
      [
        [
          /^\/images\/redis(:|%3A)7\/json/,
          () => ({ status: 200, body: { Config: { ExposedPorts: { '6379/tcp': {} } } } }),
        ],
      ],
    );
    const ctx = context();
    const error = await inferOrSkip(t, ['infer', '--file', compose, '--project', 'shop', '--write', out], ctx);
    if (error === 'skipped') return;
    t.equal(error, undefined);
    t.match(
      ctx.out(),
      /default\s+→ cache:6379\s+reachable\s+cache is on default \(port 6379: exposed by the image redis:7\)/,
    );
    t.match(ctx.out(), /: 2 expectations\n/);
    t.match(ctx.err(), /skipped: ghost \(no port: .*the engine has no image ghost:absent/);
    t.notMatch(ctx.err(), /skipped: .*cache/);
    t.ok(
      engine.requests.some((r) => /^GET \/images\/redis(:|%3A)7\/json/.test(r)),
      'the engine was asked for the image',
    );
    t.notOk(
      engine.requests.some((r) => /shop/.test(r)),
      'an image whose ports the file gives is not asked for',
    );
    const text = await readFile(out, 'utf8');
    t.match(text, /- cache:6379 {2}# cache is on default \(port 6379: exposed by the image redis:7\)/);
    const scenario = await loadScenario(out);
    t.doesNotThrow(() => refuseUncheckable(scenario), 'validate takes the written file');
  },
);

t.test('infer --write on a Compose file with no port and no image it knows writes nothing, exit 2', async (t) => {
  const { compose, out } = await project(t, 'services:\n  redis:\n    image: redis:7\n');
  const error = await inferOrSkip(t, ['infer', '--file', compose, '--write', out], context());
  if (error === 'skipped') return;
  t.match(error, {
    code: 'DP_USAGE',
    message: /nothing to infer .*isolation\.yml not written .*skipped: redis .*the engine has no image redis:7/,
  });
  t.notOk(existsSync(out), 'no file validate would refuse');
});

t.test('what validate would refuse is neither written nor printed as a scenario: exit 2 saying why', async (t) => {
  // Docker's host network joined by its name: a Compose network, but no zone.
  const { compose, out } = await project(
    t,
    'services:\n  web:\n    image: nginx:1\n    expose: ["80"]\n    networks: [host]\nnetworks:\n  host:\n    external: true\n',
  );
  const ctx = context();
  const error = await inferOrSkip(t, ['infer', '--file', compose, '--write', out], ctx);
  if (error === 'skipped') return;
  t.match(error, {
    code: 'DP_USAGE',
    message: /is a scenario validate refuses, so none is written or run:\n.*network 'host' is the engine host's own/,
  });
  t.notOk(existsSync(out));
  t.equal(ctx.out(), '', 'no matrix of a scenario that is not written');
});
