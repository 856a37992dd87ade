import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { skippedServices } from '../../src/cli/commands/infer-command.js';
import { main } from '../../src/cli/main.js';
import { validateFiles, validatedLine } from '../../src/cli/validate-files.js';
import { commandOutput } from '../../src/compose/command-output.js';
import { ScenarioError } from '../../src/errors/scenario-error.js';
import { refuseUncheckable } from '../../src/plan/scenario-problems.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';

// What a new user met on a first run (issue 19, part 4), each as they met it.

function problems(text: string, file = 'a.yml'): { line: number; message: string; hint?: string | undefined }[] {
  try {
    refuseUncheckable(parseScenario(text, file));
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
  return [];
}

const entry = (from: string, to: string, more = '') =>
  `  - from: ${from}\n    to: [${to}]\n    reachable: false\n${more}`;

t.test('every problem in one pass, in line order', async (t) => {
  const found = problems(
    `project: x\nexpect:\n${entry('{ network: a }', 'redis:99999')}  - from: { network: a }\n    to: [redis:1]\n    reachble: false\n`,
  );
  t.same(
    found.map((p) => p.line),
    [4, 6, 8],
  );
  t.match(found[0]?.message, /port 99999 is out of range/, 'the bad port beside the key errors');
  t.match(found[2]?.message, /unknown key 'reachble'/);
});

t.test('messages that say what is wrong, with a hint that says what to write', async (t) => {
  const [noFrom] = problems('project: x\nexpect:\n  - to: [redis:1]\n    reachable: false\n');
  t.equal(noFrom?.message, "missing 'from' in 'expect[0]'");
  const [multi] = problems(`project: x\nexpect:\n${entry('{ network: a }', 'r:1')}---\nproject: y\n`);
  t.match(multi?.message, /several YAML documents/);
  t.notMatch(multi?.message, /parseAllDocuments/, "no library's advice to its caller");
  const [two, hour] = problems(
    `project: x\ntimeout: 2\nexpect:\n${entry('{ network: a }', 'r:1', '    timeout: 1h\n')}`,
  );
  t.match(two?.hint, /write 2s/);
  t.match(hour?.hint, /hours .* not taken/);
  const [version] = problems(`version: 2\nproject: x\nexpect:\n${entry('{ network: a }', 'r:1')}`);
  t.match(version?.hint, /1 is the only scenario version/);
});

t.test('other files: a binary, a Compose file, a baseline; x- keys and merges taken', async (t) => {
  const binary = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256)).toString('utf8');
  const [bin, ...more] = problems(binary);
  t.match(bin?.message, /^not a text file/);
  t.same(more, [], 'one line, not pages of YAML errors');
  const [compose] = problems('services:\n  web:\n    image: nginx\n', 'compose.yml');
  t.match(compose?.message, /looks like a Compose file/);
  t.match(compose?.hint, /dockprobe infer --file compose\.yml --write/);
  const [baseline] = problems('{"format":"dockprobe-baseline","version":1,"paths":[]}', 'b.json');
  t.match(baseline?.message, /dockprobe-baseline document/);
  t.match(baseline?.hint, /--baseline b\.json/);
  t.same(
    problems(
      'x-blocked: &blocked\n  reachable: false\nproject: x\nexpect:\n  - from: { network: a }\n    to: [redis:1]\n    <<: *blocked\n',
    ),
    [],
  );
});

t.test('what test refuses without the engine, validate refuses too', async (t) => {
  for (const from of ['{ network: host }', '{ network: none }']) {
    t.match(
      problems(`project: x\nexpect:\n${entry(from, 'redis:1')}`)[0]?.message,
      /not a zone|no network at all/,
      from,
    );
  }
  t.match(problems(`project: x\nexpect:\n${entry('lan', 'dns:redis')}`)[0]?.message, /cannot be checked from lan/);
  t.match(problems(`project: x\nexpect:\n${entry('lan', 'internet')}`)[0]?.message, /cannot be checked from lan/);
  t.match(problems(`project: x\nexpect:\n${entry('host', 'dns:redis')}`)[0]?.message, /cannot be checked from host/);
  t.same(problems(`project: x\nexpect:\n${entry('lan', 'redis:6379')}`), [], 'what lan can check passes');
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-first-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'lan.yml');
  await writeFile(file, `project: x\nexpect:\n${entry('lan', 'internet')}`);
  t.throws(() => validateFiles([file]), /placement/, 'the fast path of validate leaves it to the full command line');
  const context = {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    colorsOut: colors(false),
    colorsErr: colors(false),
    cleanup: new CleanupStack(),
  };
  let err = '';
  context.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  t.equal(await main(['validate', file], context), 2);
  t.match(err, /cannot be checked from lan/, 'which refuses it');
});

t.test('counts are words: 1 expectation, 1 target', async (t) => {
  const scenario = parseScenario(`project: x\nexpect:\n${entry('{ network: a }', 'r:1')}`, 'a.yml');
  t.equal(validatedLine('a.yml', scenario), 'a.yml: ok (1 expectation, 1 target)\n');
});

t.test(
  'infer: a failed Compose said whole; nothing to infer writes nothing and exits 2, naming what it skipped',
  async (t) => {
    const v1 =
      "ERROR: \n        Can't find a suitable configuration file in this directory or any\n        parent. Are you in the right directory?\n\n        Supported filenames: docker-compose.yml\n";
    t.equal(
      commandOutput(v1),
      "ERROR: Can't find a suitable configuration file in this directory or any parent. Are you in the right directory? Supported filenames: docker-compose.yml",
    );
    t.same(
      skippedServices([
        {
          name: 'redis',
          networks: ['default'],
          ports: [],
          published: [],
          udpPorts: [],
          udpPublished: [],
          networkMode: undefined,
        },
        {
          name: 'web',
          networks: ['default'],
          ports: [80],
          published: [],
          udpPorts: [],
          udpPublished: [],
          networkMode: undefined,
        },
        { name: 'agent', networks: [], ports: [], published: [], udpPorts: [], udpPublished: [], networkMode: 'host' },
        {
          name: 'syslog',
          networks: ['default'],
          ports: [],
          published: [],
          udpPorts: [514],
          udpPublished: [],
          networkMode: undefined,
        },
      ]),
      [
        'redis (no port: neither expose: nor ports: nor a Traefik port label in the file)',
        "agent (network_mode host: on none of the project's networks)",
      ],
    );
  },
);
