import t from 'tap';
import { RESOLV_CONF_DNS } from '../../probes/agent/protocol.js';
import { EMBEDDED_DNS } from '../../src/plan/build-plan.js';
import { planFor } from '../fixtures/pipeline.js';
import { referenceTopology } from '../fixtures/reference-topology.js';

// Where a probe's names go depends on the engine: Docker's embedded DNS answers at 127.0.0.11 in every container on a
// user-defined network; Podman's aardvark-dns answers at each network's gateway, which Podman writes into the
// container's resolv.conf. Asking 127.0.0.11 on Podman made every lookup fail and every cell inconclusive.

const scenario = `  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n  - from: { service: api }\n    to: [postgres:5432]\n    reachable: true\n  - from: host\n    to: [redis:6379]\n    reachable: false`;

t.test('Docker: every probe asks the embedded DNS', async (t) => {
  const plan = planFor(scenario);
  t.same(
    plan.probes.map((p) => [p.placement.kind, p.plan.dnsServer]),
    plan.probes.map((p) => [p.placement.kind, EMBEDDED_DNS]),
  );
});

t.test(
  "Podman: a probe in a container asks the nameserver of its resolv.conf; the host's asks nothing new",
  async (t) => {
    const world = referenceTopology();
    world.engine = { ...world.engine, product: 'podman' };
    const plan = planFor(scenario, world);
    const byKind = Object.fromEntries(plan.probes.map((p) => [p.placement.kind, p.plan.dnsServer]));
    t.same(byKind, { network: RESOLV_CONF_DNS, container: RESOLV_CONF_DNS, host: EMBEDDED_DNS });
  },
);
