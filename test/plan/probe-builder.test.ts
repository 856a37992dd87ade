import t from 'tap';
import { ProbeBuilder } from '../../src/plan/probe-builder.js';
import { container, referenceTopology } from '../fixtures/reference-topology.js';
import { planFor } from '../fixtures/pipeline.js';

t.test(
  'a probe planned past six hours is refused naming its slowest check as long as the deadline counts it',
  async (t) => {
    // Each step of a check (DNS, connect, and for HTTP the exchange) may take the whole timeout, on every try: the
    // connection's 10 minutes twice and 11 tries are 3.7h, the request's three times and 9 tries are 4.5h. Without the
    // steps the message would name the connection's 1.8h, under what the deadline counts.
    const probe = new ProbeBuilder('host', 'the host', 'dockprobe-r-1', { kind: 'host' }, [], referenceTopology());
    probe.add({ id: '', kind: 'tcp', host: '192.0.2.1', port: 443, subnets: [], timeoutMs: 600_000, retries: 10 });
    probe.add({ id: '', kind: 'http', url: 'http://192.0.2.1/', subnets: [], timeoutMs: 600_000, retries: 8 });
    t.throws(() => probe.build(1000, 1), {
      code: 'DP_USAGE',
      message:
        /^the probe the host would be planned to run up to [\d.]+h \(2 checks, 1 at once, the slowest 4\.5h with its steps and retries\): over the 6h a probe may run$/,
    });
  },
);

/**
 * The public zone with the proxy alone on it, and a sidecar in the proxy's namespace (network_mode: service:proxy) as
 * Podman lists it: with the proxy's networks and address. Docker lists no network for such a container.
 */
function proxyWithSidecar() {
  const world = referenceTopology({ frontend: [], api: [] });
  const proxy = world.services.find((s) => s.name === 'proxy')!.containers[0]!;
  const sidecar = {
    ...container('sidecar', 1, [[world.networks[0]!, '172.18.0.99']]),
    networks: proxy.networks.map((n) => ({ ...n, aliases: ['sidecar'] })),
    networkMode: `container:${proxy.id}`,
  };
  world.services.push({ project: 'ref', name: 'sidecar', containers: [sidecar] });
  const probeFrom = (service: string) =>
    planFor(`  - from: { service: ${service} }\n    to: [redis:6379]\n    reachable: false`, world).probes[0]!;
  return { proxy, probeFrom };
}

const peerNames = (probe: { controls: { peers?: Record<string, { container: string }> } }) =>
  Object.values(probe.controls.peers ?? {}).map((p) => p.container);

t.test("a container in another's namespace is no peer: Podman lists its owner's address for it", async (t) => {
  // From the proxy's own namespace the sidecar looked like a peer at the proxy's own address, which answers without
  // any path tried.
  const probe = proxyWithSidecar().probeFrom('proxy');
  t.same(peerNames(probe), [], 'no peer: the sidecar is the proxy itself');
  t.equal(probe.controls.ownPeer?.kind, 'wanted', "dockprobe's own control peer is asked for instead");
});

t.test(
  "from a container in another's namespace, the owner is no peer either: it is the probe's own address",
  async (t) => {
    const { proxy, probeFrom } = proxyWithSidecar();
    const probe = probeFrom('sidecar');
    t.same(peerNames(probe), [], 'the proxy is not a peer of its sidecar');
    t.match(probe.controls.ownPeer, { kind: 'impossible', reason: /shares the network namespace of/ });
    const control = probe.plan.checks.find((c) => c.id === probe.controls.dnsCheckId);
    t.match(control, { kind: 'dns', name: proxy.name }, "the DNS control asks for the owner's name, which DNS knows");
  },
);
