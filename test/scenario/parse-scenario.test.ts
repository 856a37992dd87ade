import t from 'tap';
import { problemsOf } from '../fixtures/scenario-problems.js';
import {
  DEFAULT_TIMEOUT_MS,
  loadScenario,
  loadScenarioSync,
  parseScenario,
} from '../../src/scenario/parse-scenario.js';

t.test('the reference scenario parses into names, ports, timeouts and positions', async (t) => {
  const s = await loadScenario('scenarios/reference.yml');
  t.same(s.projects, ['dockprobe-ref'], 'project: is a list once parsed: one name is a list of one');
  t.equal(s.timeoutMs, 1000);
  t.equal(s.expectations.length, 4);
  const [first, second, third, fourth] = s.expectations;
  t.same(first!.from, { kind: 'network', network: 'public-facing', project: 'dockprobe-ref' });
  t.same(
    first!.to.map((x) => [x.kind, x.label]),
    [
      ['tcp', 'proxy:8080'],
      ['tcp', 'frontend:3000'],
      ['http', 'http://api:3001/health'],
    ],
  );
  t.equal(second!.reachable, false);
  t.same(
    third!.to.map((x) => (x.kind === 'tcp' ? x.port : x.kind)),
    [6379, 5432, 'http'],
    'well-known port names resolve',
  );
  const http = third!.to[2]!;
  t.equal(http.kind === 'http' && http.status, 200);
  t.same(
    fourth!.to.map((x) => x.kind),
    ['dns', 'tcp'],
  );
  t.equal(second!.position.line, 11);
  t.equal(second!.position.col, 5);
});

t.test('the example shape from the issue parses; defaults apply', async (t) => {
  const s = parseScenario(
    `project: p\nexpect:\n  - from: { network: public-facing }\n    to: [frontend:3000, "http://api:3001/health"]\n    reachable: true\n  - from: { network: internal-backend }\n    to: [dns:frontend]\n    reachable: false\n`,
    'f.yml',
  );
  t.equal(s.timeoutMs, DEFAULT_TIMEOUT_MS);
  t.equal(s.expectations[1]!.to[0]!.kind, 'dns');
  t.match(s.expectations[0]!.name, /from network public-facing: reachable/);
});

t.test('a single target may be written without a list, and per-entry timeouts override', async (t) => {
  const s = parseScenario(
    `project: p\ntimeout: 3s\nexpect:\n  - from: { network: n }\n    to: redis:6379\n    reachable: false\n    timeout: 250ms\n`,
    'f.yml',
  );
  t.equal(s.expectations[0]!.to.length, 1);
  t.equal(s.expectations[0]!.timeoutMs, 250);
  t.equal(s.timeoutMs, 3000);
});

t.test('unknown keys are reported at the key, with a suggestion and the allowed keys', async (t) => {
  const [p] = problemsOf(
    `project: p\nexpect:\n  - from: { network: n, projet: x }\n    to: [a:1]\n    reachable: true\n`,
  );
  t.match(p, { file: 'f.yml', line: 3, col: 25, message: "unknown key 'projet' in 'expect[0].from'" });
  t.match(p!.hint, /did you mean 'project'\? allowed keys: network, service, project/);
});

t.test('every problem is reported at once, each at its line and column', async (t) => {
  const problems = problemsOf(
    `expect:\n  - from: { network: n }\n    to: [a:1]\n    reachable: yes\n    timeout: 1 sec\n  - from: { network: n }\n    to: [a:1]\n`,
  );
  t.same(
    problems.map((p) => [p.line, p.col]),
    [
      [4, 16],
      [5, 14],
      [6, 5],
    ],
  );
  t.match(problems[0]!.message, /must be a boolean, got string "yes"/);
  t.match(problems[1]!.hint, /500ms, 2s, 1m/);
  t.match(problems[2]!.message, /missing 'reachable'/);
});

t.test('bad ports are rejected with the range', async (t) => {
  const [p] = problemsOf(
    `project: p\nexpect:\n  - from: { network: n }\n    to: [redis:6379, postgres:99999]\n    reachable: false\n`,
  );
  t.match(p, { line: 4, col: 22, message: 'port 99999 is out of range' });
  t.match(p!.hint, /1 to 65535/);
  const [named] = problemsOf(
    `project: p\nexpect:\n  - from: { network: n }\n    to: [{ service: db, port: postgress }]\n    reachable: false\n`,
  );
  t.match(named!.message, /'postgress' is not a port/);
});

t.test('wrong target forms inside a list point at the entry', async (t) => {
  const problems = problemsOf(
    `project: p\nexpect:\n  - from: { network: n }\n    to: [{ service: x, url: "http://x" }, { bogus: 1 }, 42, "ftp://x:21"]\n    reachable: true\n`,
  );
  // One pass, in the order of the line: the targets the schema takes are checked beside those it refuses.
  t.match(
    problems.map((p) => p.message),
    [
      /one of service, url, not several/,
      /unknown key 'bogus' in 'expect\[0\]\.to\[1\]'/,
      /'expect\[0\]\.to\[2\]' has the wrong form \(got number 42\)/,
      /unsupported scheme/,
    ],
  );
  t.equal(problems.length, 4);
  const second = problemsOf(
    `project: p\nexpect:\n  - from: { network: n }\n    to: [{ service: x, url: "http://x" }, "ftp://x:21", "db.example.com"]\n    reachable: true\n`,
  );
  t.match(
    second.map((p) => p.message),
    [/one of service, url, not several/, /unsupported scheme/, /without a port/],
  );
});

t.test('YAML syntax errors carry positions and a hint', async (t) => {
  const problems = problemsOf(`expect:\n  - from: {network: a\n  to: x\n`);
  t.ok(problems.length > 0);
  t.equal(problems[0]!.line, 3);
  t.match(problems[0]!.message, /^YAML: /);
  const dup = problemsOf(`project: a\nproject: b\nexpect: []\n`);
  t.match(dup[0]!.hint, /once per map/);
});

t.test('an empty file and an empty expect list say so', async (t) => {
  t.match(problemsOf('')[0]!.message, /empty/);
  t.match(problemsOf('project: p\nexpect: []\n')[0]!.message, /'expect' needs at least 1 entry/);
});

t.test('a missing file is a scenario error, not a crash', async (t) => {
  await t.rejects(loadScenario('nope/missing.yml'), {
    code: 'DP_SCENARIO_INVALID',
    message: /nope\/missing.yml:1:1: cannot read the scenario file \(ENOENT\)/,
  });
  t.throws(() => loadScenarioSync('nope/missing.yml'), {
    code: 'DP_SCENARIO_INVALID',
    message: /nope\/missing.yml:1:1: cannot read the scenario file \(ENOENT\)/,
  });
});

t.test('loadScenarioSync reads as loadScenario does', async (t) => {
  t.same(loadScenarioSync('scenarios/reference.yml'), await loadScenario('scenarios/reference.yml'));
});

t.test('perspectives: from a service, from host, and to internet with the file list or the defaults', async (t) => {
  const s = parseScenario(
    `project: p\ninternet: [tcp://198.51.100.10:8080, "https://example.org/"]\nexpect:\n  - from: { service: frontend }\n    to: [internet, api:3001]\n    reachable: true\n  - from: host\n    to: [postgres:5432]\n    reachable: false\n`,
    'f.yml',
  );
  t.same(s.expectations[0]!.from, { kind: 'service', service: 'frontend', project: 'p' });
  t.same(s.expectations[1]!.from, { kind: 'host' });
  const internet = s.expectations[0]!.to[0]!;
  t.equal(internet.kind, 'internet');
  t.same(internet.kind === 'internet' && internet.targets.map((x) => x.label), [
    'tcp://198.51.100.10:8080',
    'https://example.org/',
  ]);
  t.match(s.expectations[1]!.name, /from host: blocked/);
  const defaults = parseScenario(
    `expect:\n  - from: { network: n }\n    to: internet\n    reachable: false\n`,
    'f.yml',
  );
  const d = defaults.expectations[0]!.to[0]!;
  t.same(d.kind === 'internet' && d.targets.map((x) => x.label), [
    'tcp://1.1.1.1:443',
    'https://example.com/',
    'dns:example.com',
  ]);
});

t.test('a source names one of network, service or host; internet lists hold outside hosts only', async (t) => {
  t.match(
    problemsOf(`project: p\nexpect:\n  - from: { network: a, service: b }\n    to: [x:1]\n    reachable: true\n`)[0],
    { line: 3, message: "'from' takes network or service, not both" },
  );
  t.match(
    problemsOf(`project: p\nexpect:\n  - from: { project: q }\n    to: [x:1]\n    reachable: true\n`)[0]!.message,
    /needs one of network, service/,
  );
  const guest = problemsOf(`project: p\nexpect:\n  - from: guest\n    to: [x:1]\n    reachable: true\n`)[0]!;
  t.match(guest, { line: 3, col: 11, message: `'expect[0].from' must be one of "host", got string "guest"` });
  t.match(guest.hint, /from: \{ service: frontend \} or from: host/);
  t.match(
    problemsOf(
      `internet: [redis:6379]\nexpect:\n  - from: { network: n }\n    to: internet\n    reachable: false\n`,
    )[0],
    { line: 1, col: 12, message: "'redis:6379' is not an outside host" },
  );
});

t.test(
  'hostile input: an alias bomb, a huge file, a directory: exit-2 errors with a position, never an internal error',
  async (t) => {
    const { loadScenario, MAX_SCENARIO_BYTES } = await import('../../src/scenario/parse-scenario.js');
    const { mkdtemp, writeFile, mkdir } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    bomb.push('expect: []');
    t.throws(() => parseScenario(bomb.join('\n'), 'bomb.yml'), {
      code: 'DP_SCENARIO_INVALID',
      problems: [{ file: 'bomb.yml', line: 2, message: /too many aliases/ }],
    });

    const dir = await mkdtemp(join(tmpdir(), 'dockprobe-hostile-'));
    const big = join(dir, 'big.yml');
    await writeFile(big, `# ${'x'.repeat(MAX_SCENARIO_BYTES)}\n`);
    await t.rejects(loadScenario(big), {
      code: 'DP_SCENARIO_INVALID',
      problems: [{ line: 1, col: 1, message: /is 4\.0 MiB; at most 4 MiB is read/ }],
    });
    t.throws(() => loadScenarioSync(big), {
      code: 'DP_SCENARIO_INVALID',
      problems: [{ line: 1, col: 1, message: /is 4\.0 MiB; at most 4 MiB is read/ }],
    });
    await mkdir(join(dir, 'sub'));
    await t.rejects(loadScenario(join(dir, 'sub')), {
      code: 'DP_SCENARIO_INVALID',
      problems: [{ message: /\(EISDIR\)/, hint: /directory/ }],
    });
    t.throws(() => loadScenarioSync(join(dir, 'sub')), {
      code: 'DP_SCENARIO_INVALID',
      problems: [{ message: /\(EISDIR\)/, hint: /directory/ }],
    });

    const many = `project: p\nexpect:\n${'  - { from: host, to: [a:1], reachable: true }\n'.repeat(10_001)}`;
    t.throws(() => parseScenario(many, 'many.yml'), {
      code: 'DP_SCENARIO_INVALID',
      problems: [{ message: /'expect' has 10001 entries; at most 10000/ }],
    });
  },
);

t.test(
  'input with no size (a device, a pipe) is read in chunks and refused past 4 MiB, never read whole',
  async (t) => {
    const { loadScenario } = await import('../../src/scenario/parse-scenario.js');
    // /dev/zero never ends: read whole, it once ran until memory did.
    await t.rejects(loadScenario('/dev/zero'), {
      code: 'DP_SCENARIO_INVALID',
      problems: [
        { file: '/dev/zero', line: 1, col: 1, message: 'the scenario input is over 4 MiB; reading stopped there' },
      ],
    });
    t.throws(() => loadScenarioSync('/dev/zero'), {
      code: 'DP_SCENARIO_INVALID',
      problems: [{ message: 'the scenario input is over 4 MiB; reading stopped there' }],
    });
    // A small pipe is read whole, as a file is.
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { execFileSync, spawn } = await import('node:child_process');
    const fifo = join(await mkdtemp(join(tmpdir(), 'dockprobe-fifo-')), 'scenario.yml');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', [
      '-c',
      `printf 'project: p\nexpect:\n  - { from: host, to: [a:1], reachable: true }\n' > ${fifo}`,
    ]);
    const written = new Promise((resolve) => writer.on('exit', resolve));
    const scenario = await loadScenario(fifo);
    t.equal(scenario.expectations.length, 1);
    await written;
  },
);

t.test('a huge scalar is never echoed whole into a message: its start and its length', async (t) => {
  const huge = 'x'.repeat(3 * 1024 * 1024);
  for (const [yaml, message] of [
    [
      `project: p\nexpect:\n  - { from: host, to: ["${huge} y"], reachable: true }\n`,
      /^'x{60}…' \(3145730 characters\) is not a target$/,
    ],
    [
      `project: p\nexpect:\n  - { from: host, to: ["a:${huge}"], reachable: true }\n`,
      /^'x{60}…' \(3145728 characters\) is not a port$/,
    ],
    [
      `project: p\ntimeout: "${huge}"\nexpect:\n  - { from: host, to: [a:1], reachable: true }\n`,
      /^'timeout' is not a duration: string "x{60}"… \(3145728 characters\)$/,
    ],
    // YAML keeps a plain key under 1024 characters.
    [
      `project: p\n${'k'.repeat(1000)}: 1\nexpect:\n  - { from: host, to: [a:1], reachable: true }\n`,
      /^unknown key 'k{60}…' \(1000 characters\)$/,
    ],
  ] as const) {
    const problems = problemsOf(yaml);
    t.ok(problems.length > 0);
    for (const p of problems) t.ok(p.message.length < 300, `${p.message.length} characters`);
    t.match(problems[0]!.message, message);
  }
});

t.test('bytes: a URL target whose answer must arrive whole; with anything but a URL it is an error', async (t) => {
  const scenario = parseScenario(
    'project: p\nexpect:\n  - from: { network: n }\n    to: [{ url: "http://api:3005/bytes/102400", bytes: 102400 }]\n    reachable: true\n',
    'f.yml',
  );
  t.match(scenario.expectations[0]!.to[0], {
    kind: 'http',
    label: 'http://api:3005/bytes/102400 (102400 bytes)',
    bytes: 102400,
  });
  const [p] = problemsOf(
    'project: p\nexpect:\n  - from: { network: n }\n    to: [{ service: api, port: 1, bytes: 10 }]\n    reachable: true\n',
  );
  t.match(p, { line: 4, message: "'bytes' goes with 'url'" });
  const [q] = problemsOf(
    'project: p\nexpect:\n  - from: { network: n }\n    to: [{ url: "http://api/", bytes: 0 }]\n    reachable: true\n',
  );
  t.match(q, { line: 4, message: /bytes/ });
});

t.test(
  'a file that cannot be read for its links or its permissions: the cause and what to do, never a trace',
  async (t) => {
    const { mkdtemp, writeFile, symlink, chmod, rm } = await import('node:fs/promises');
    const { spawnSync } = await import('node:child_process');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'dockprobe-unreadable-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));

    // Two links naming each other: the kernel gives up with ELOOP.
    await symlink(join(dir, 'b.yml'), join(dir, 'a.yml'));
    await symlink(join(dir, 'a.yml'), join(dir, 'b.yml'));
    const loop = {
      code: 'DP_SCENARIO_INVALID',
      problems: [
        {
          line: 1,
          col: 1,
          message: 'cannot read the scenario file (ELOOP)',
          hint: /loop of symbolic links: name the file itself/,
        },
      ],
    };
    await t.rejects(loadScenario(join(dir, 'a.yml')), loop);
    t.throws(() => loadScenarioSync(join(dir, 'a.yml')), loop);

    const secret = join(dir, 'secret.yml');
    await writeFile(secret, 'project: p\nexpect: []\n');
    await chmod(secret, 0o000);
    const denied =
      /cannot read the scenario file \(EACCES\)[\s\S]*this user may not read it: check its permissions \(ls -l\)/;
    if (process.getuid?.() !== 0) {
      await t.rejects(loadScenario(secret), { code: 'DP_SCENARIO_INVALID', message: denied });
      t.throws(() => loadScenarioSync(secret), { code: 'DP_SCENARIO_INVALID', message: denied });
      return;
    }
    // Root reads any file: the command line users run (package.json's bin) reads it as nobody, as a user would.
    await chmod(dir, 0o755);
    const root = new URL('../..', import.meta.url).pathname;
    const bin = join(
      root,
      (
        JSON.parse(await (await import('node:fs/promises')).readFile(join(root, 'package.json'), 'utf8')) as {
          bin: { dockprobe: string };
        }
      ).bin.dockprobe,
    );
    // Without tap's hooks, which its spawn adds to NODE_OPTIONS: as nobody they cannot write tap's process info.
    const run = spawnSync('env', ['-u', 'NODE_OPTIONS', process.execPath, bin, 'validate', secret], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 30_000,
    });
    t.equal(run.status, 2, run.stderr);
    t.match(run.stderr, denied);
    t.notMatch(run.stderr, /\n\s+at /, 'no stack trace');
  },
);
