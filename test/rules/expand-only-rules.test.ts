import t from 'tap';
import { expandOnlyRules } from '../../src/rules/expand-only-rules.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { resolveNames } from '../../src/topology/resolve-names.js';
import { container, INTERNAL, PUBLIC, referenceTopology } from '../fixtures/reference-topology.js';
import { zonesTopology } from '../fixtures/zones-topology.js';

// `only` rules, once the deployment is read: every other running service of the target's project, and every other
// network of it, does not reach the target; each entry named after the rule and placed at it.

const rules = (text: string) => parseScenario(`project: ref\nrules:\n${text}`, 'f.yml');
const expand = (s: Scenario, topology = referenceTopology()) => expandOnlyRules(resolveNames(s, topology), topology);
const made = (s: Scenario) =>
  s.expectations.map((e) => [
    e.name,
    e.from.kind === 'network' ? `network ${e.from.network}` : e.from.kind === 'service' ? e.from.service : 'host',
    e.reachable,
  ]);

t.test('only api reaches redis: every other running service and every network of the project does not', async (t) => {
  const s = expand(rules('  - only: { to: redis, from: [api] }\n'));
  t.same(made(s), [
    ['rule 1 (only api reaches redis): api reaches redis', 'api', true],
    ['rule 1 (only api reaches redis): frontend does not reach redis', 'frontend', false],
    ['rule 1 (only api reaches redis): postgres does not reach redis', 'postgres', false],
    ['rule 1 (only api reaches redis): proxy does not reach redis', 'proxy', false],
    [
      'rule 1 (only api reaches redis): network internal-backend does not reach redis',
      'network internal-backend',
      false,
    ],
    ['rule 1 (only api reaches redis): network public-facing does not reach redis', 'network public-facing', false],
  ]);
  const [, frontend, , , network] = s.expectations;
  t.same(frontend!.position, { file: 'f.yml', line: 3, col: 5 }, "each entry is at the rule's position");
  t.same(frontend!.from, { kind: 'service', service: 'frontend', project: 'ref' }, "in the target's project");
  t.same(
    network!.from,
    { kind: 'network', network: 'internal-backend', project: 'ref' },
    'a network by its Compose name',
  );
  t.match(
    frontend!.to,
    [{ kind: 'tcp', label: 'redis', host: { service: 'redis', project: 'ref' } }],
    "the rule's own target",
  );
  t.same(
    s.expectations.map((e) => e.index),
    [0, 1, 2, 3, 4, 5],
    'numbered after the entries before them',
  );
  t.equal(frontend!.rule?.number, 1);
});

t.test(
  'a service on a listed network is part of that zone; the target and stopped services are left out',
  async (t) => {
    const topology = referenceTopology({
      api: [
        container(
          'api',
          3001,
          [
            [PUBLIC, '172.18.0.3'],
            [INTERNAL, '172.19.0.5'],
          ],
          'exited',
        ),
      ],
    });
    const s = expand(rules('  - only: { to: postgres:5432, from: [{ network: internal-backend }] }\n'), topology);
    t.same(made(s), [
      [
        'rule 1 (only network internal-backend reaches postgres:5432): network internal-backend reaches postgres:5432',
        'network internal-backend',
        true,
      ],
      [
        'rule 1 (only network internal-backend reaches postgres:5432): proxy does not reach postgres:5432',
        'proxy',
        false,
      ],
      [
        'rule 1 (only network internal-backend reaches postgres:5432): network public-facing does not reach postgres:5432',
        'network public-facing',
        false,
      ],
    ]);
  },
);

t.test('services in the host namespace or in another container are no zone to rule out', async (t) => {
  const sidecar = {
    ...container('sidecar', 9100, [[PUBLIC, '172.18.0.9']]),
    networks: [],
    networkMode: 'container:redis-id',
  };
  const host = { ...container('agent', 9200, [[PUBLIC, '172.18.0.10']]), networks: [], networkMode: 'host' };
  const s = expand(
    rules('  - only: { to: redis, from: [api, frontend, postgres, proxy] }\n'),
    referenceTopology({ sidecar: [sidecar], agent: [host] }),
  );
  t.same(
    made(s)
      .filter(([, , reachable]) => !reachable)
      .map(([, who]) => who),
    ['network internal-backend', 'network public-facing'],
  );
});

t.test(
  'other rules and expect: entries stay as they are; a scenario without only rules comes out unchanged',
  async (t) => {
    const plain = parseScenario(
      'project: ref\nexpect:\n  - from: { network: public-facing }\n    to: [proxy:8080]\n    reachable: true\nrules:\n  - never: { from: { network: public-facing }, to: redis }\n',
      'f.yml',
    );
    const resolved = resolveNames(plain, referenceTopology());
    t.equal(expandOnlyRules(resolved, referenceTopology()), resolved);
    const s = expand(
      parseScenario(
        'project: ref\nexpect:\n  - from: { network: public-facing }\n    to: [proxy:8080]\n    reachable: true\nrules:\n  - no-egress: { network: internal-backend }\n  - only: { to: redis, from: [{ network: internal-backend }] }\n',
        'f.yml',
      ),
    );
    t.same(
      s.expectations.map((e) => [e.index, e.rule?.number]),
      [
        [0, undefined],
        [1, 1],
        [2, 2],
        [3, 2],
        [4, 2],
      ],
    );
    t.same(
      s.expectations.slice(3).map((e) => e.name.split(': ')[1]),
      ['proxy does not reach redis', 'network public-facing does not reach redis'],
    );
  },
);

t.test('a project with a default network: every network of it is ruled out, by its Compose name', async (t) => {
  const s = expand(rules('  - only: { to: redis, from: [frontend, postgres] }\n'), zonesTopology());
  t.same(
    made(s)
      .filter(([, , reachable]) => !reachable)
      .map(([, who]) => who),
    ['proxy', 'worker', 'network default', 'network internal-backend', 'network public-facing'],
  );
});
