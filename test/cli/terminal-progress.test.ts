import { PassThrough } from 'node:stream';
import t from 'tap';
import type { CliContext } from '../../src/cli/cli-context.js';
import { runOptionsFrom } from '../../src/cli/common-options.js';
import { drillOptionsFrom } from '../../src/cli/commands/drill-command.js';
import { TerminalProgress, terminalProgressFor } from '../../src/cli/terminal-progress.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';

// The status line on a terminal: nothing in a round's first two seconds, then probes, checks and the time left, in
// place on one line, giving way to log lines, erased when the round ends; nothing at all on a pipe or with --quiet.
// A fake TTY stream, clock and ticker: no timed test.

/** A stream that says it is a terminal of `columns`, and keeps what is written. */
function tty(columns = 120): PassThrough & { isTTY: boolean; columns: number; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns });
  let text = '';
  stream.on('data', (c) => {
    text += String(c);
  });
  return Object.assign(stream, { text: () => text });
}

/** A clock the test moves, and the ticker's callback for the test to call. */
function driven() {
  let now = 0;
  let tick: (() => void) | undefined;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    every: (_ms: number, fn: () => void) => {
      tick = fn;
      return () => {
        tick = undefined;
      };
    },
    tick: () => tick?.(),
    ticking: () => tick !== undefined,
  };
}

const CLEAR = '\r\x1b[2K';

t.test('nothing in the first two seconds; then the line, redrawn in place, and erased at the end', async (t) => {
  const stream = tty();
  const clock = driven();
  const progress = new TerminalProgress({ stream, colors: colors(false), now: clock.now, every: clock.every });
  progress.roundStarted({ probes: 4, checks: 40 });
  progress.probeStarted({ key: 'a' });
  progress.probeStarted({ key: 'b' });
  clock.advance(1500);
  clock.tick();
  t.equal(stream.text(), '', 'a short round shows nothing');
  clock.advance(1000);
  clock.tick();
  t.equal(stream.text(), `${CLEAR}dockprobe: probes 0/4 done, 2 running · checks 0/40 · 3 s`);
  clock.advance(1500);
  progress.probeEnded({ key: 'a', checks: 12, failed: false });
  t.equal(
    stream.text().split(CLEAR).at(-1),
    'dockprobe: probes 1/4 done, 1 running · checks 12/40 · 4 s, about 12 s left',
    'the time left at the pace so far',
  );
  progress.probeEnded({ key: 'b', checks: 8, failed: true });
  t.match(stream.text().split(CLEAR).at(-1), /^dockprobe: probes 2\/4 done \(1 failed\), 0 running · checks 20\/40/);
  t.notMatch(stream.text(), /\n/, 'one line, never a new one');
  progress.roundEnded();
  t.ok(stream.text().endsWith(CLEAR), 'erased when the round ends');
  t.notOk(clock.ticking(), 'the ticker is stopped');
  const before = stream.text();
  clock.tick();
  progress.probeEnded({ key: 'c', checks: 1, failed: false });
  t.equal(stream.text(), before, 'nothing after the round');
});

t.test('a log line takes the status line’s place, and the status line comes back under it', async (t) => {
  const stream = tty();
  const clock = driven();
  const progress = new TerminalProgress({ stream, colors: colors(false), now: clock.now, every: clock.every });
  progress.roundStarted({ probes: 2, checks: 2 });
  progress.log(() => stream.write('dockprobe: early\n'));
  t.equal(stream.text(), 'dockprobe: early\n', 'before the line is shown, a log line is just written');
  clock.advance(3000);
  clock.tick();
  progress.log(() => stream.write('dockprobe: probe x failed\n'));
  t.equal(
    stream.text(),
    `dockprobe: early\n${CLEAR}dockprobe: probes 0/2 done, 0 running · checks 0/2 · 3 s${CLEAR}dockprobe: probe x failed\n${CLEAR}dockprobe: probes 0/2 done, 0 running · checks 0/2 · 3 s`,
  );
});

t.test('narrow terminals get the line cut to fit, and colour is the stream’s own', async (t) => {
  const stream = tty(30);
  const clock = driven();
  const progress = new TerminalProgress({ stream, colors: colors(true), now: clock.now, every: clock.every });
  progress.roundStarted({ probes: 2, checks: 2 });
  clock.advance(2000);
  clock.tick();
  const line = progress.line()!;
  t.equal(line.length, 29, 'one column short of the width: no wrap');
  t.ok(line.endsWith('…'));
  t.ok(stream.text().includes('\x1b[2m'), 'dim when colour is on');
  const plain = tty();
  const p2 = new TerminalProgress({ stream: plain, colors: colors(false), now: clock.now, every: clock.every });
  p2.roundStarted({ probes: 1, checks: 1 });
  clock.advance(2000);
  clock.tick();
  t.notOk(plain.text().replaceAll(CLEAR, '').includes('\x1b'), 'NO_COLOR: no colour, only the line erase');
});

function context(stderr: NodeJS.WritableStream & { isTTY?: boolean }): CliContext {
  return {
    stdout: new PassThrough(),
    stderr,
    colorsOut: colors(false),
    colorsErr: colors(false),
    cleanup: new CleanupStack(),
  };
}

t.test('only on a terminal, not with --quiet nor TERM=dumb', async (t) => {
  t.type(terminalProgressFor(context(tty()), false, {}), TerminalProgress);
  t.equal(terminalProgressFor(context(new PassThrough()), false, {}), undefined, 'a pipe: nothing');
  t.equal(terminalProgressFor(context(tty()), true, {}), undefined, '--quiet: nothing');
  t.equal(terminalProgressFor(context(tty()), false, { TERM: 'dumb' }), undefined, 'TERM=dumb: nothing');
});

t.test('test and drill get the sink on a terminal, and their log gives way to it', async (t) => {
  const args = { concurrency: 8, quiet: false, retries: 0, repeat: 1 };
  const piped = new PassThrough();
  t.notOk('progress' in runOptionsFrom(args, context(piped)), 'a pipe: no sink');
  const stream = tty();
  const options = runOptionsFrom(args, context(stream));
  t.type(options.progress, TerminalProgress);
  t.notOk('progress' in runOptionsFrom({ ...args, quiet: true }, context(tty())), '--quiet: no sink');
  const drillArgs = {
    ...args,
    all: true,
    hostPorts: true,
    attempts: 1,
    probes: 4,
    maxChecks: 100,
  } as unknown as Parameters<typeof drillOptionsFrom>[0];
  t.type(drillOptionsFrom(drillArgs, context(tty())).progress, TerminalProgress);
  t.notOk(drillOptionsFrom(drillArgs, context(new PassThrough())).progress);
  // The command's log goes through the sink: before the status line is due, a log line is only itself.
  const progress = options.progress as TerminalProgress;
  progress.roundStarted({ probes: 1, checks: 1 });
  options.log?.('hello');
  progress.roundEnded();
  t.equal(stream.text(), 'dockprobe: hello\n');
});
