import t from 'tap';
import { problemsOf } from '../fixtures/scenario-problems.js';
import { applyOverrides } from '../../src/scenario/apply-overrides.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { scenarioJsonSchema } from '../../src/scenario/scenario-schema.js';

// The `rules:` key: never / no-egress / only, each read into the ordinary expectations it stands for, named after the
// rule and placed at it; a bad rule is refused at its position, naming the key.

const RULES = `project: shop
timeout: 1s
internet: [tcp://192.0.2.1:443]
expect:
  - from: { network: public-facing }
    to: [proxy:8080]
    reachable: true
rules:
  - never: { from: { network: public-facing }, to: [postgres, redis:6379] }
  - no-egress: { network: internal-backend }
  - only: { to: redis, from: [api, worker, { network: jobs }] }
  - never: { from: host, to: postgres:5432 }
`;

t.test('each kind of rule makes ordinary expectations, named after the rule and placed at it', async (t) => {
  const s = parseScenario(RULES, 'f.yml');
  t.same(
    s.rules.map((r) => [r.number, r.kind, r.says, r.position.line, r.position.col]),
    [
      [1, 'never', 'network public-facing never reaches postgres, redis:6379', 9, 5],
      [2, 'no-egress', 'network internal-backend has no egress', 10, 5],
      [3, 'only', 'only api, worker, network jobs reach redis', 11, 5],
      [4, 'never', 'host never reaches postgres:5432', 12, 5],
    ],
  );
  t.same(
    s.expectations.map((e) => [
      e.index,
      e.name,
      e.from.kind === 'host' || e.from.kind === 'lan'
        ? e.from.kind
        : `${e.from.kind} ${e.from.kind === 'network' ? e.from.network : e.from.service}`,
      e.to.map((x) => x.label),
      e.reachable,
      e.rule?.number,
    ]),
    [
      [0, '#1 from network public-facing: reachable', 'network public-facing', ['proxy:8080'], true, undefined],
      [
        1,
        'rule 1 (network public-facing never reaches postgres, redis:6379)',
        'network public-facing',
        ['postgres', 'redis:6379'],
        false,
        1,
      ],
      [2, 'rule 2 (network internal-backend has no egress)', 'network internal-backend', ['internet'], false, 2],
      [3, 'rule 3 (only api, worker, network jobs reach redis): api reaches redis', 'service api', ['redis'], true, 3],
      [
        4,
        'rule 3 (only api, worker, network jobs reach redis): worker reaches redis',
        'service worker',
        ['redis'],
        true,
        3,
      ],
      [
        5,
        'rule 3 (only api, worker, network jobs reach redis): network jobs reaches redis',
        'network jobs',
        ['redis'],
        true,
        3,
      ],
      [6, 'rule 4 (host never reaches postgres:5432)', 'host', ['postgres:5432'], false, 4],
    ],
    "the entries of the rules are numbered after the file's own",
  );
  const [, never, egress, api] = s.expectations;
  t.same(never!.position, { file: 'f.yml', line: 9, col: 5 }, 'an entry a rule made is reported at the rule');
  t.match(never!.to[1], {
    kind: 'tcp',
    port: 6379,
    host: { kind: 'service', service: 'redis', project: 'shop' },
    position: { line: 9, col: 63 },
  });
  t.equal(never!.timeoutMs, 1000, "the scenario's timeout");
  const internet = egress!.to[0]!;
  t.same(
    internet.kind === 'internet' && internet.targets.map((x) => x.label),
    ['tcp://192.0.2.1:443'],
    "internet is the file's list",
  );
  t.same(
    api!.from,
    { kind: 'service', service: 'api', project: 'shop' },
    'a bare name in only.from is a service of the project',
  );
});

t.test(
  'a rule with only rules and no expect: is a scenario; no-egress takes a service; from: takes its own project',
  async (t) => {
    const s = parseScenario(
      'rules:\n  - no-egress: { service: worker, project: jobs }\n  - never: { from: { service: api, project: shop }, to: internet }\n',
      'f.yml',
    );
    t.same(
      s.expectations.map((e) => [e.name, e.from]),
      [
        ['rule 1 (service worker has no egress)', { kind: 'service', service: 'worker', project: 'jobs' }],
        ['rule 2 (service api never reaches internet)', { kind: 'service', service: 'api', project: 'shop' }],
      ],
    );
    t.equal(s.expectations.length, 2);
  },
);

t.test('--project and --timeout reach the entries of rules as they reach every expectation', async (t) => {
  const s = applyOverrides(parseScenario(RULES, 'f.yml'), { project: 'staging', timeoutMs: 300 });
  for (const e of s.expectations.filter((x) => x.rule)) {
    t.equal(e.timeoutMs, 300);
    if (e.from.kind === 'network' || e.from.kind === 'service') t.equal(e.from.project, 'staging', e.name);
  }
});

t.test('a bad rule is an error at its position, naming the key and what it got', async (t) => {
  const body = 'project: p\nrules:\n';
  const [unknown] = problemsOf(`${body}  - nevr: { from: host, to: [a:1] }\n`);
  t.match(unknown, {
    line: 3,
    col: 5,
    message: "unknown key 'nevr' in 'rules[0]'",
    hint: "did you mean 'never'? allowed keys: never, no-egress, only",
  });
  const [two] = problemsOf(`${body}  - never: { from: host, to: [a:1] }\n    only: { to: a, from: [b] }\n`);
  t.match(two, { line: 4, col: 5, message: "'rules[0]' holds never and only: one rule per item" });
  const [none] = problemsOf(`${body}  - {}\n`);
  t.match(none, {
    line: 3,
    col: 5,
    message: "'rules[0]' needs one of never, no-egress, only",
    hint: /- only: \{ to: redis, from: \[api, worker\] \}/,
  });
  const [empty] = problemsOf('project: p\nrules: []\n');
  t.match(empty, { line: 2, col: 8, message: "'rules' needs at least 1 entry" });
  const [emptyTo] = problemsOf(`${body}  - never: { from: { network: n }, to: [] }\n`);
  t.match(emptyTo, { line: 3, col: 40, message: "'rules[0].never.to' needs at least 1 entry" });
  const [emptyFrom] = problemsOf(`${body}  - only: { to: redis, from: [] }\n`);
  t.match(emptyFrom, {
    line: 3,
    col: 30,
    message: "'rules[0].only.from' needs at least 1 entry",
    hint: /only: \{ to: redis/,
  });
  const [missing] = problemsOf(`${body}  - never: { from: { network: n } }\n`);
  t.match(missing, {
    line: 3,
    col: 12,
    message: "missing 'to' in 'rules[0].never'",
    hint: /to: \[postgres, redis:6379, dns:postgres, internet\]/,
  });
  const typo = problemsOf(`${body}  - never: { from: { network: n }, too: [a:1] }\n`);
  t.same(
    typo.map((p) => p.message),
    ["missing 'to' in 'rules[0].never'", "unknown key 'too' in 'rules[0].never'"],
  );
  t.match(typo[1], {
    line: 3,
    col: 36,
    message: "unknown key 'too' in 'rules[0].never'",
    hint: "did you mean 'to'? allowed keys: from, to",
  });
  const [sourceTypo] = problemsOf(`${body}  - never: { from: { netwrk: n }, to: [a:1] }\n`);
  t.match(sourceTypo, {
    message: "unknown key 'netwrk' in 'rules[0].never.from'",
    hint: "did you mean 'network'? allowed keys: network, service, project",
  });
  const [scalar] = problemsOf(`${body}  - no-egress: internal-backend\n`);
  t.match(scalar, {
    line: 3,
    col: 16,
    message: '\'rules[0].no-egress\' must be an object, got string "internal-backend"',
    hint: /no-egress: \{ network: internal-backend \}/,
  });
  const [both] = problemsOf(`${body}  - no-egress: { network: a, service: b }\n`);
  t.match(both, { line: 3, col: 16, message: "'no-egress' takes network or service, not both" });
  const [neither] = problemsOf(`${body}  - no-egress: { project: a }\n`);
  t.match(neither, { line: 3, col: 16, message: "'no-egress' needs one of network, service" });
});

t.test('only: a service (or service:port) as to; services and networks as from, each once', async (t) => {
  const body = 'project: p\nrules:\n';
  const [url] = problemsOf(`${body}  - only: { to: "http://redis:80/", from: [api] }\n`);
  t.match(url, { line: 3, col: 17, message: "'only.to' must be a service or service:port, got 'http://redis:80/'" });
  const [outside] = problemsOf(`${body}  - only: { to: "db.example.com:5432", from: [api] }\n`);
  t.match(outside, { message: "'only.to' must be a service or service:port, got 'db.example.com:5432'" });
  const [host] = problemsOf(`${body}  - only: { to: redis, from: [api, host] }\n`);
  t.match(host, {
    line: 3,
    col: 36,
    message: "'only.from' lists host: only services and networks are ruled in or out",
  });
  const [twice] = problemsOf(`${body}  - only: { to: redis, from: [api, { service: api }] }\n`);
  t.match(twice, { line: 3, col: 36, message: "'only.from' lists service api twice" });
  const [badSource] = problemsOf(`${body}  - only: { to: redis, from: [{ network: a, service: b }] }\n`);
  t.match(badSource, { line: 3, col: 31, message: "'only.from' takes network or service, not both" });
  const [port] = problemsOf(`${body}  - only: { to: "redis:99999", from: [api] }\n`);
  t.match(port, { line: 3, col: 17, message: 'port 99999 is out of range' });
  const single = parseScenario(`${body}  - only: { to: { service: redis, port: 6379 }, from: api }\n`, 'f.yml');
  t.same(
    single.expectations.map((e) => e.name),
    ['rule 1 (only api reaches redis:6379): api reaches redis:6379'],
    'one source may be written without a list',
  );
});

t.test('a file says what to check: expect:, rules:, or both', async (t) => {
  const [nothing] = problemsOf('project: p\n');
  t.match(nothing, {
    line: 1,
    col: 1,
    message: "missing 'expect' (or 'rules')",
    hint: /`rules:`, a list of never \/ no-egress \/ only rules/,
  });
});

t.test('the JSON Schema for editors has rules, each item exactly one kind', async (t) => {
  type Node = {
    properties?: Record<string, Node>;
    items?: Node;
    anyOf?: Node[];
    minProperties?: number;
    maxProperties?: number;
    additionalProperties?: boolean;
    required?: string[];
  };
  const schema = scenarioJsonSchema() as Node;
  const rules = schema.properties?.['rules'];
  t.ok(rules, 'rules is a property of the file');
  t.same(Object.keys(rules!.items!.properties ?? {}), ['never', 'no-egress', 'only']);
  t.match(rules!.items, { minProperties: 1, maxProperties: 1, additionalProperties: false });
  t.same(Object.keys(rules!.items!.properties!['only']!.properties ?? {}), ['to', 'from']);
  t.same(schema.anyOf, [{ required: ['expect'] }, { required: ['rules'] }], 'expect: or rules:, or both');
  t.notOk(schema.required?.includes('expect'), 'expect: alone is no longer required');
});
