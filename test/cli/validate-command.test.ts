import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { CliContext } from '../../src/cli/cli-context.js';
import { main } from '../../src/cli/main.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';

// `dockprobe validate FILE…`: every file is reported, and `-` is the scenario on stdin, checked like any file.

function context(stdin = ''): CliContext & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const input = new PassThrough();
  input.end(stdin);
  return {
    stdout,
    stderr,
    stdin: input,
    colorsOut: colors(false),
    colorsErr: colors(false),
    cleanup: new CleanupStack(),
    out: () => out,
    err: () => err,
  };
}

const BAD = 'expect:\n  - from: { network: a }\n    to: x:80\n    reachable: maybe\n';

t.test('several files: each one reported, exit 2 when any is invalid', async (t) => {
  const dir = t.testdir({ 'a.yml': BAD, 'c.yml': 'garbage: [\n' });
  const ctx = context();
  const code = await main(['validate', join(dir, 'a.yml'), 'scenarios/reference.yml', join(dir, 'c.yml')], ctx).catch(
    (e: unknown) => e,
  );
  t.equal(code, 2);
  t.equal(ctx.out(), 'scenarios/reference.yml: ok (4 expectations, 10 targets)\n');
  t.match(ctx.err(), /a\.yml:4:16: 'expect\[0\]\.reachable' must be a boolean/);
  t.match(ctx.err(), /c\.yml:2:1: YAML: /);
  t.match(ctx.err(), /2 of 3 files are invalid/);
});

t.test('-: the scenario on stdin, invalid or valid', async (t) => {
  const bad = context('garbage: [\n');
  t.equal(await main(['validate', '-'], bad).catch((e: unknown) => e), 2);
  t.equal(bad.out(), '');
  t.match(bad.err(), /\[DP_SCENARIO_INVALID\] <stdin>:2:1: YAML: /);

  const good = context(readFileSync('scenarios/reference.yml', 'utf8'));
  t.equal(await main(['validate', '-'], good), 0);
  t.equal(good.out(), '<stdin>: ok (4 expectations, 10 targets)\n');
});

t.test('-: through the command users run', async (t) => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const bin = join(
    root,
    (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { dockprobe: string } }).bin.dockprobe,
  );
  const run = (args: string[], input: string) =>
    spawnSync(process.execPath, [bin, 'validate', ...args], {
      cwd: root,
      input,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
  const garbage = run(['-'], 'garbage: [\n');
  t.equal(garbage.status, 2, 'any stdin no longer passes');
  t.match(garbage.stderr, /<stdin>:2:1: YAML: /);
  const both = run(['scenarios/reference.yml', '-'], readFileSync(join(root, 'scenarios/perspectives.yml'), 'utf8'));
  t.equal(both.status, 0, both.stderr);
  t.match(both.stdout, /^scenarios\/reference\.yml: ok .*\n<stdin>: ok \(6 expectations/);
});
