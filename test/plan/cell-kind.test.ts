import t from 'tap';
import type { SwarmNode } from '../../src/docker/swarm-client.js';
import { ScenarioError } from '../../src/errors/scenario-error.js';
import { cellKind } from '../../src/plan/cell-kind.js';
import { lanPlacement } from '../../src/plan/lan-placement.js';
import type { Placement } from '../../src/plan/plan.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { container, PUBLIC, referenceTopology } from '../fixtures/reference-topology.js';

// Every placement against every kind of target: which kind of cell the pair is, or the scenario error that refuses
// it, at the target.

const targets = parseScenario(
  `project: ref\ntimeout: 1s\nexpect:\n  - from: { network: public-facing }\n    to: [redis:6379, 'example.com:443', 'http://api:3001/', 'http://example.com/', 'dns:redis', 'dns:example.com', internet]\n    reachable: false\n`,
  's.yml',
).expectations[0]!.to;

const node: SwarmNode = {
  id: 'n2',
  hostname: 'worker-1',
  role: 'worker',
  availability: 'active',
  state: 'ready',
  address: '10.0.0.2',
  leader: false,
};
const placements: [string, Placement][] = [
  ['host', { kind: 'host' }],
  ['lan', lanPlacement('r1', referenceTopology())],
  ['network', { kind: 'network', network: PUBLIC }],
  ['container', { kind: 'container', container: container('api', 3001, [[PUBLIC, '172.18.0.3']]), service: 'api' }],
  ['job on a network', { kind: 'job', node, network: PUBLIC }],
  ['job for a task', { kind: 'job', node, task: { id: 't1', name: 'ref_api.2', service: 'api' } }],
];

const HOST_HINT =
  'from: host checks the ports the deployment publishes (service:port or http://service:port/…); check DNS and egress from a network or a service';
const LAN_HINT =
  "from: lan tries the deployment's services (service:port or http://service:port/…) at their container addresses and the host's published ports; names do not resolve on the LAN";

// In the order of `targets`: redis:6379, example.com:443, http://api:3001/, http://example.com/, dns:redis, dns:example.com, internet.
const expected: Record<string, string[]> = {
  host: ['published', 'reach', 'published', 'reach', 'refused', 'refused', 'refused'],
  lan: ['lan', 'refused', 'lan', 'refused', 'refused', 'refused', 'refused'],
  network: ['reach', 'reach', 'reach', 'reach', 'reach', 'reach', 'egress'],
  container: ['reach', 'reach', 'reach', 'reach', 'reach', 'reach', 'egress'],
  'job on a network': ['reach', 'reach', 'reach', 'reach', 'reach', 'reach', 'egress'],
  'job for a task': ['reach', 'reach', 'reach', 'reach', 'reach', 'reach', 'egress'],
};

t.test('each placement × target: the kind, with the target handed on as it is', async (t) => {
  t.same(
    targets.map((x) => x.label),
    [
      'redis:6379',
      'example.com:443',
      'http://api:3001/',
      'http://example.com/',
      'dns:redis',
      'dns:example.com',
      'internet',
    ],
  );
  for (const [name, placement] of placements) {
    const kinds = targets.map((target) => {
      try {
        const pair = cellKind(placement.kind, target);
        t.equal(pair.target, target, `${name} → ${target.label}: the same target`);
        return pair.kind;
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        return 'refused';
      }
    });
    t.same(kinds, expected[name], name);
  }
});

t.test('a refused pair is a scenario error at the target, with the message and hint of its source', async (t) => {
  for (const [name, placement] of placements.slice(0, 2)) {
    const hint = name === 'host' ? HOST_HINT : LAN_HINT;
    for (const target of targets.filter((_, i) => expected[name]![i] === 'refused')) {
      try {
        cellKind(placement.kind, target);
        t.fail(`${name} → ${target.label} is refused`);
      } catch (error) {
        t.type(error, ScenarioError);
        t.equal((error as ScenarioError).code, 'DP_SCENARIO_INVALID');
        t.same(
          (error as ScenarioError).problems,
          [{ ...target.position, message: `'${target.label}' cannot be checked from ${name}`, hint }],
          `${name} → ${target.label}`,
        );
      }
    }
  }
});
