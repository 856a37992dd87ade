import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import t, { type Test } from 'tap';
import { main } from '../../src/cli/main.js';
import { quietContext } from '../fixtures/cli-commands.js';
import { fakeEngineSocket, useEngine } from '../fixtures/fake-engine-socket.js';

// The command line as main() parses it: a mistyped command gets a suggestion, an unknown option is refused by name
// (never given the next word as its value), and options and files go in any order.

const context = quietContext;

/** An engine with nothing on it: a run reads it, looks for its project, and stops there, naming it. */
async function emptyEngine(t: Test) {
  const engine = await fakeEngineSocket([
    [/^\/_ping/, () => ({ status: 200, body: 'OK' })],
    [/^\/version/, () => ({ status: 200, body: { Version: '28.5.0', ApiVersion: '1.51' } })],
    [/^\/info/, () => ({ status: 200, body: {} })],
    [/^\/(containers\/json|networks)/, () => ({ status: 200, body: [] })],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  return engine;
}

t.test('a mistyped command: exit 2 with the command meant', async (t) => {
  await t.rejects(main(['valdate', 'x.yml'], context()), {
    code: 'DP_USAGE',
    message: "unknown command 'valdate'; did you mean validate?",
  });
  await t.rejects(main(['tset', 'scenarios/reference.yml'], context()), {
    code: 'DP_USAGE',
    message: "unknown command 'tset'; did you mean test?",
  });
  await t.rejects(main(['frobnicate'], context()), {
    code: 'DP_USAGE',
    message: "unknown command 'frobnicate'",
    hint: /dockprobe --help lists the commands/,
  });
});

t.test('an unknown option: exit 2 naming it, the file after it still a file', async (t) => {
  await t.rejects(main(['validate', '--foo', 'scenarios/reference.yml'], context()), {
    code: 'DP_USAGE',
    message: 'unknown option --foo for dockprobe validate',
  });
  await t.rejects(main(['test', 'scenarios/reference.yml', '--concurency', '8'], context()), {
    code: 'DP_USAGE',
    message: 'unknown option --concurency for dockprobe test; did you mean --concurrency?',
  });
  await t.rejects(main(['validate', '-x', 'scenarios/reference.yml'], context()), {
    code: 'DP_USAGE',
    message: 'unknown option -x for dockprobe validate',
  });
});

t.test('test --project shop FILE and test FILE --project shop do the same', async (t) => {
  const engine = await emptyEngine(t);
  const runs: { error: unknown; requests: string[] }[] = [];
  for (const argv of [
    ['test', '--project', 'shop', 'scenarios/reference.yml'],
    ['test', 'scenarios/reference.yml', '--project', 'shop'],
    ['test', '-p', 'shop', 'scenarios/reference.yml', '--quiet'],
  ]) {
    const before = engine.requests.length;
    const error = await main(argv, context()).then(
      () => undefined,
      (e: unknown) => e,
    );
    runs.push({ error, requests: engine.requests.slice(before) });
  }
  t.match(runs[0]!.error, { code: 'DP_UNKNOWN_NAME', message: /^unknown project 'shop'/ });
  t.ok(
    runs[0]!.requests.some((r) => r.includes(encodeURIComponent('com.docker.compose.project=shop'))),
    'the engine was asked for project shop',
  );
  for (const run of runs.slice(1)) t.same(run, runs[0], 'the same error after the same engine calls');
});

t.test('a list option takes one value per flag or a comma list, never the words after it', async (t) => {
  await emptyEngine(t);
  for (const argv of [
    ['test', '--project', 'infra,app', 'scenarios/reference.yml'],
    ['test', '--project', 'infra', '--project', 'app', 'scenarios/reference.yml'],
    ['test', '--internet', 'dns:a.example', 'scenarios/reference.yml', '--project', 'infra,app'],
  ]) {
    await t.rejects(
      main(argv, context()),
      { code: 'DP_UNKNOWN_NAME', message: /^unknown project 'infra'/ },
      argv.join(' '),
    );
  }
});

t.test('-: test reads its scenario from stdin as validate does', async (t) => {
  const engine = await emptyEngine(t);
  const withStdin = (text: string) => {
    const stdin = new PassThrough();
    stdin.end(text);
    return { ...context(), stdin };
  };
  await t.rejects(main(['test', '-', '--project', 'shop'], withStdin('garbage: [\n')), {
    code: 'DP_SCENARIO_INVALID',
    message: /^<stdin>:2:1: YAML: /,
  });
  t.same(engine.requests, [], 'a scenario that does not parse never reaches the engine');
  await t.rejects(
    main(['test', '--project', 'shop', '-'], withStdin(readFileSync('scenarios/reference.yml', 'utf8'))),
    { code: 'DP_UNKNOWN_NAME', message: /^unknown project 'shop'/ },
    'the scenario from stdin ran against the engine',
  );
  await t.rejects(main(['test', '-', '-'], withStdin('')), {
    code: 'DP_USAGE',
    message: "'-' (the scenario on stdin) was given twice; stdin is read once",
  });
});

t.test('an option of another command: the hint says which commands have it, -f included', async (t) => {
  await t.rejects(main(['infer', '-f', 'compose.yml'], context()), {
    code: 'DP_USAGE',
    message: 'unknown option -f for dockprobe infer',
    hint: "-f is --format, an option of dockprobe test, dockprobe drill, dockprobe watch, dockprobe chaos, dockprobe demo, dockprobe networks; dockprobe infer --help lists this one's",
  });
  await t.rejects(main(['validate', '--timeout', '1s', 'scenarios/reference.yml'], context()), {
    code: 'DP_USAGE',
    message: 'unknown option --timeout for dockprobe validate',
    hint: /^--timeout is an option of dockprobe test, dockprobe snapshot, dockprobe drill, dockprobe watch, dockprobe chaos, dockprobe demo;/,
  });
});
