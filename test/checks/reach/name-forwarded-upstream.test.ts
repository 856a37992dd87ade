import t from 'tap';
import { judge } from '../../../src/judge/judge.js';
import type { Topology } from '../../../src/topology/topology.js';
import { fakeResults, healthy } from '../../fixtures/observe.js';
import { planFor, scenarioOf } from '../../fixtures/pipeline.js';
import { referenceTopology } from '../../fixtures/reference-topology.js';

// Zone names never leave the host on Docker: a network probe's embedded DNS forwards what it does not know to
// loopback in the probe's own namespace. Podman's aardvark-dns runs in the engine host's namespace and forwards such a
// name, from a network that is not internal, to the probe's DNS servers there (the host's own 127.0.0.1 by default),
// where a resolver of the host's may listen and send it on (zone-lookups.test.ts counts them at one). The name still
// does not resolve on the network, so the expectation holds; the verdict says where the name went, with a code of its
// own where only names were tried.

// What answers: the public zone's services, and the proxy's own name (a service probe's DNS control).
const PEERS = ['proxy', 'frontend', 'api', '172.18.0.2', '172.18.0.4', '172.18.0.3', 'ref_proxy_1'];

function podman(): Topology {
  const world = referenceTopology();
  world.engine = { ...world.engine, product: 'podman', version: '5.4.2' };
  return world;
}

// From the internal zone: its own services answer, the proxy does not.
const INTERNAL_PEERS = ['frontend', 'api', 'redis', 'postgres', '172.19.0.4', '172.19.0.5', '172.19.0.2', '172.19.0.3'];

function verdicts(body: string, world: Topology, peers = PEERS) {
  const plan = planFor(scenarioOf(body), world);
  return judge(plan, fakeResults(plan, healthy(peers))).verdicts;
}

const fromPublic = `  - from: { network: public-facing }\n    to: [dns:redis, redis:6379]\n    reachable: false\n`;
const fromInternal = `  - from: { network: internal-backend }\n    to: [dns:proxy]\n    reachable: false\n`;
const fromService = `  - from: { service: proxy }\n    to: [dns:postgres]\n    reachable: false\n`;
const mustResolve = `  - from: { network: public-facing }\n    to: [dns:redis]\n    reachable: true\n`;

t.test(
  'Podman: a zone name that does not resolve on a network that is not internal is forwarded upstream',
  async (t) => {
    const [dns, tcp, service] = verdicts(fromPublic + fromService, podman());
    t.same([dns!.status, dns!.code], ['pass', 'name-forwarded-upstream']);
    t.match(
      dns!.reason,
      /^blocked: dns:redis by name: blocked by name \(dns-timeout\); the name was forwarded upstream: Podman's aardvark-dns forwards a name it holds no record of from ref_public-facing \(not internal\) to the probe's DNS servers, on the engine's host/,
    );
    // Tried by address too, the cell is blocked by its path: its code says so, and its reason where the name went.
    t.same([tcp!.status, tcp!.code], ['pass', 'blocked']);
    t.match(tcp!.reason, /; the name was forwarded upstream: Podman's aardvark-dns/);
    // A service probe asks the same aardvark-dns as the service does, which forwards to the service's DNS servers.
    t.same([service!.status, service!.code], ['pass', 'name-forwarded-upstream']);
    t.match(service!.reason, /from ref_public-facing \(not internal\) to the container's DNS servers/);
  },
);

t.test('Podman: from an internal network, aardvark-dns forwards nothing: blocked by name as on Docker', async (t) => {
  const [v] = verdicts(fromInternal, podman(), INTERNAL_PEERS);
  t.same([v!.status, v!.code], ['pass', 'blocked-by-name']);
  t.notMatch(v!.reason, /forwarded upstream/);
});

t.test('Podman: a name that must resolve and does not is a FAIL that says where it was forwarded', async (t) => {
  const [v] = verdicts(mustResolve, podman());
  t.same([v!.status, v!.code], ['fail', 'not-resolved']);
  t.match(v!.reason, /; the name was forwarded upstream: Podman's aardvark-dns/);
});

t.test('Docker: zone names stay on the host, and the verdicts say nothing of forwarding them', async (t) => {
  const all = [
    ...verdicts(fromPublic + fromService + mustResolve, referenceTopology()),
    ...verdicts(fromInternal, referenceTopology(), INTERNAL_PEERS),
  ];
  t.same(
    all.map((v) => v.code),
    ['blocked-by-name', 'blocked', 'blocked-by-name', 'not-resolved', 'blocked-by-name'],
  );
  t.ok(all.every((v) => !/forwarded upstream/.test(v.reason)));
});
