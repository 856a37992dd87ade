import { PassThrough } from 'node:stream';
import t from 'tap';
import { confirmOnTerminal } from '../../src/cli/confirm.js';
import { main } from '../../src/cli/main.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';

// `dockprobe networks`: what it refuses before touching the engine, and the question it asks on a terminal only.

const context = {
  stdout: new PassThrough(),
  stderr: new PassThrough(),
  colorsOut: colors(false),
  colorsErr: colors(false),
  cleanup: new CleanupStack(),
};

t.test('usage errors name what was received, before the engine is touched', async (t) => {
  await t.rejects(main(['networks'], context), {
    code: 'DP_USAGE',
    message: 'name what to do: --stale lists networks left behind, --remove NAME… or --remove-own removes them',
  });
  await t.rejects(main(['networks', '--remove'], context), { code: 'DP_USAGE', message: '--remove needs a value' });
  await t.rejects(main(['networks', '--remove', ',', '--stale'], context), {
    code: 'DP_USAGE',
    message: "--remove needs the names (or ids) of the networks to remove, got ','",
  });
  await t.rejects(main(['networks', '--stale', '--format', 'tap'], context), {
    code: 'DP_USAGE',
    message: "--format must be one of pretty, json, markdown, got 'tap'",
  });
  await t.rejects(main(['networks', '--stale', '--engine-timeout', '0s'], context), {
    code: 'DP_USAGE',
    message: "--engine-timeout must be a duration from 1ms to 10m, got '0s'",
  });
});

t.test('--remove is a list: repeated and comma-separated; the command then reaches for the engine', async (t) => {
  const previous = process.env['DOCKER_HOST'];
  process.env['DOCKER_HOST'] = 'unix:///nonexistent/dockprobe-networks-test.sock';
  t.teardown(() => {
    if (previous === undefined) delete process.env['DOCKER_HOST'];
    else process.env['DOCKER_HOST'] = previous;
  });
  await t.rejects(main(['networks', '--remove', 'a', '--remove', 'b,c', '--yes'], context), {
    code: 'DP_DOCKER_UNAVAILABLE',
  });
});

t.test('a question only on a terminal, answered yes or no; no terminal, no question', async (t) => {
  const base = {
    stdout: new PassThrough(),
    colorsOut: colors(false),
    colorsErr: colors(false),
    cleanup: new CleanupStack(),
  };
  t.equal(confirmOnTerminal({ ...base, stderr: new PassThrough() }), undefined, 'no stdin');
  const pipe = Object.assign(new PassThrough(), { isTTY: false });
  t.equal(
    confirmOnTerminal({ ...base, stdin: pipe, stderr: Object.assign(new PassThrough(), { isTTY: true }) }),
    undefined,
    'a pipe is no terminal',
  );
  const ask = async (answer: string) => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    let shown = '';
    stderr.on('data', (chunk: Buffer) => {
      shown += chunk.toString();
    });
    const confirm = confirmOnTerminal({ ...base, stdin, stderr })!;
    const pending = confirm('remove network scratch (net-3)?');
    setImmediate(() => stdin.write(`${answer}\n`));
    return { yes: await pending, shown };
  };
  const yes = await ask('y');
  t.equal(yes.yes, true);
  t.match(
    yes.shown,
    'remove network scratch (net-3)? [y/N] ',
    'asked on stderr (the terminal echoes the answer there): stdout keeps only the report',
  );
  t.equal((await ask('YES')).yes, true);
  t.equal((await ask('')).yes, false, 'the default is no');
  t.equal((await ask('nope')).yes, false);
});
