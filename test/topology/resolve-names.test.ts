import t from 'tap';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { resolveNames } from '../../src/topology/resolve-names.js';
import { container, PUBLIC, referenceTopology } from '../fixtures/reference-topology.js';

// A source service that is no zone: the host's own namespace (`from: host` is that perspective), or no network at all.

const scenario = parseScenario(
  'project: ref\nexpect:\n  - from: { service: proxy }\n    to: [redis:6379]\n    reachable: false\n',
  's.yml',
);

for (const [mode, message, hint] of [
  ['host', "service 'proxy' runs in the host's network namespace (network_mode: host), not in a zone", /from: host/],
  [
    'none',
    "service 'proxy' has no network (network_mode: none): nothing is reachable from there to check",
    /drop this entry/,
  ],
] as const) {
  t.test(`a source service with network_mode ${mode}: a scenario error at the entry, before any probe`, async (t) => {
    const proxy = { ...container('proxy', 8080, [[PUBLIC, '172.18.0.2']]), networkMode: mode, networks: [] };
    t.throws(() => resolveNames(scenario, referenceTopology({ proxy: [proxy] })), {
      code: 'DP_SCENARIO_INVALID',
      problems: [{ file: 's.yml', line: 3, message, hint }],
    });
  });
}

t.test('a source service on its networks resolves', async (t) => {
  const resolved = resolveNames(scenario, referenceTopology());
  t.match(resolved.expectations[0]!.from, { kind: 'service', service: 'proxy', project: 'ref' });
});
