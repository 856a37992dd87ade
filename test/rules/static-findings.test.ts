import t from 'tap';
import { composeFilesOf, composeLoader } from '../../src/rules/compose-lines.js';
import { expandOnlyRules } from '../../src/rules/expand-only-rules.js';
import { describeFinding, staticFindings } from '../../src/rules/static-findings.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { Topology } from '../../src/topology/topology.js';
import { resolveNames } from '../../src/topology/resolve-names.js';
import { container, PUBLIC } from '../fixtures/reference-topology.js';
import { ZONES_FILE, zonesTopology } from '../fixtures/zones-topology.js';

// The static answer: each rule compared with the model of what is deployed before anything runs, each contradiction
// with the Compose lines that cause it (test/fixtures/compose/zones.yml), or a note saying why there is none.

async function findingsOf(text: string, topology: Topology = zonesTopology()) {
  const s = parseScenario(`project: ref\nrules:\n${text}`, 'f.yml');
  return staticFindings([expandOnlyRules(resolveNames(s, topology), topology)], topology);
}

/** `line:col: text` of each Compose line of a finding. */
const lines = (f: { compose: { file: string; line: number; col: number; text: string }[] } | undefined) =>
  f?.compose.map((l) => `${l.file === ZONES_FILE ? '' : l.file}${l.line}:${l.col}: ${l.text}`);

t.test('never from a network to a service on it: the service is on the network, at its - network entry', async (t) => {
  const [f, ...rest] = await findingsOf('  - never: { from: { network: public-facing }, to: [postgres, redis] }\n');
  t.same(rest, [], 'redis is not on public-facing: nothing to say of it');
  t.match(f, {
    code: 'rule-contradicted-by-topology',
    rule: 1,
    kind: 'never',
    says: 'network public-facing never reaches postgres, redis',
    location: 'f.yml:3:5',
    reason: 'postgres is on public-facing',
    notes: [],
  });
  t.same(lines(f), ['25:9: - public-facing']);
  t.equal(
    describeFinding(f!),
    `rule 1 (network public-facing never reaches postgres, redis) at f.yml:3:5 is contradicted by the deployment: postgres is on public-facing\n  ${ZONES_FILE}:25:9: - public-facing`,
  );
});

t.test(
  "never between two services: each shared network, with both services' entries (a flow list, a map key, an anchor)",
  async (t) => {
    const findings = await findingsOf('  - never: { from: { service: frontend }, to: [redis, proxy:8080] }\n');
    t.same(
      findings.map((f) => f.reason),
      ['frontend shares internal-backend with redis', 'frontend shares public-facing with proxy'],
    );
    t.same(
      lines(findings[0]),
      ['16:7: internal-backend:', '5:14: networks: [internal-backend]'],
      "redis's network comes from the merged anchor",
    );
    t.same(lines(findings[1]), ['15:7: public-facing:', '11:16: networks: [public-facing]']);
  },
);

t.test(
  'no-egress: a network that is not internal, at its internal: key; a service on one, at both lines',
  async (t) => {
    const [network] = await findingsOf('  - no-egress: { network: public-facing }\n');
    t.match(network, { reason: 'public-facing is not internal: containers on it have a way out', notes: [] });
    t.same(lines(network), ['32:5: internal: false']);
    const service = await findingsOf('  - no-egress: { service: frontend }\n');
    t.same(
      service.map((f) => f.reason),
      ['frontend is on public-facing, which is not internal'],
    );
    t.same(lines(service[0]), ['15:7: public-facing:', '32:5: internal: false']);
    t.same(
      await findingsOf('  - no-egress: { network: internal-backend }\n'),
      [],
      'an internal network has no egress: nothing to say',
    );
  },
);

t.test(
  'the default network: no line declares it, and a note says so; a service without networks: is on it',
  async (t) => {
    const [network] = await findingsOf('  - no-egress: { network: default }\n');
    t.match(network, { reason: 'default is not internal: containers on it have a way out', compose: [] });
    t.match(network!.notes, [
      /^no line of .*zones\.yml says how default is declared \(Compose's default, or a value Compose builds\)$/,
    ]);
    const [worker] = await findingsOf('  - no-egress: { service: worker }\n');
    t.same(lines(worker), ['27:3: worker:'], 'the service itself: it names no network, so it is on default');
  },
);

t.test('never from the host to a published port: the ports: entry', async (t) => {
  const [f, ...rest] = await findingsOf('  - never: { from: host, to: [postgres:5432, redis:6379] }\n');
  t.same(rest, []);
  t.match(f, { reason: 'postgres publishes 5432 on the host (all interfaces)' });
  t.same(lines(f), ['23:9: - "5432:5432"']);
});

t.test(
  "only: every other service sharing the target's network, every other network it is on; a listed source that shares none",
  async (t) => {
    const findings = await findingsOf('  - only: { to: redis, from: [frontend, proxy] }\n');
    t.same(
      findings.map((f) => f.reason),
      [
        'proxy shares no network with redis (proxy is on public-facing; redis on internal-backend)',
        'postgres shares internal-backend with redis',
        'redis is on internal-backend',
      ],
    );
    t.same(
      lines(findings[0]),
      ['11:5: networks: [public-facing]', '5:3: networks: [internal-backend]'],
      "each one's networks:",
    );
    t.same(lines(findings[1]), ['26:9: - internal-backend', '5:14: networks: [internal-backend]']);
    t.ok(
      findings.every((f) => f.kind === 'only' && f.location === 'f.yml:3:5'),
      'every finding points at the rule',
    );
  },
);

t.test('a rule the deployment allows says nothing', async (t) => {
  t.same(
    await findingsOf(
      '  - never: { from: { network: public-facing }, to: redis }\n  - only: { to: worker, from: [{ network: default }] }\n',
    ),
    [],
  );
});

t.test('a Compose file that cannot be read, or none named: the finding stands, with a note', async (t) => {
  const missing = zonesTopology({
    'com.docker.compose.project.config_files': 'gone.yml',
    'com.docker.compose.project.working_dir': '/nonexistent/dir',
  });
  const [gone] = await findingsOf('  - never: { from: { network: public-facing }, to: postgres }\n', missing);
  t.match(gone, {
    reason: 'postgres is on public-facing',
    compose: [],
    notes: ['cannot read /nonexistent/dir/gone.yml (ENOENT): its lines are not shown'],
  });
  t.match(
    describeFinding(gone!),
    /\n {2}\(cannot read \/nonexistent\/dir\/gone\.yml \(ENOENT\): its lines are not shown\)$/,
  );
  const [unnamed] = await findingsOf(
    '  - never: { from: { network: public-facing }, to: postgres }\n',
    zonesTopology({}),
  );
  t.match(unnamed!.notes, [/^no Compose file is named on the containers/]);
});

t.test(
  "the files come from the labels of the project's containers: several, relative ones under the working directory",
  async (t) => {
    const c = { ...container('api', 3001, [[PUBLIC, '172.18.0.3']]) };
    t.same(
      composeFilesOf([
        {
          ...c,
          labels: {
            'com.docker.compose.project.config_files': '/a/compose.yml,override.yml',
            'com.docker.compose.project.working_dir': '/a',
          },
        },
      ]),
      ['/a/compose.yml', '/a/override.yml'],
    );
    t.same(composeFilesOf([c]), []);
  },
);

t.test(
  'each file is read once, however many findings point into it; a control character in a line is shown, not sent',
  async (t) => {
    const reads: string[] = [];
    const load = composeLoader(async (file) => {
      reads.push(file);
      return 'services:\n  postgres:\n    networks: [public-facing]\n  proxy:\n    networks: [public-facing] # \u001b[2J\n';
    });
    const topology = zonesTopology();
    const s = parseScenario(
      'project: ref\nrules:\n  - never: { from: { service: proxy }, to: [postgres] }\n  - never: { from: { network: public-facing }, to: proxy }\n',
      'f.yml',
    );
    const findings = await staticFindings([expandOnlyRules(resolveNames(s, topology), topology)], topology, load);
    t.same(reads, [ZONES_FILE]);
    t.equal(findings.length, 2);
    t.same(
      findings.map((f) => f.reason),
      ['proxy shares public-facing with postgres', 'proxy is on public-facing'],
    );
    t.match(describeFinding(findings[1]!), /:5:16: networks: \[public-facing\] # \\x1b\[2J$/);
    t.notOk(describeFinding(findings[1]!).includes(String.fromCharCode(27)), 'no raw ESC');
  },
);
