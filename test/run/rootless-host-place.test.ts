import t from 'tap';
import { isDockprobeError } from '../../src/errors/dockprobe-error.js';
import type { Plan } from '../../src/plan/plan.js';
import type { OwnPlace } from '../../src/run/own-container.js';
import { refuseHostFromRootlessKit } from '../../src/run/rootless-host-place.js';
import { FakeEngine } from '../fixtures/fake-engine.js';
import { planFrom } from '../fixtures/plan-from.js';

// `from: host` on a rootless engine is right from the host's own network namespace, where RootlessKit's port driver
// binds the published ports; from RootlessKit's namespace (a container of that engine with --network host, or a shell
// entered with nsenter, which holds the engine's bridges) a knock goes past the port driver: refused (exit 2).

const rootless = { endpoint: 'unix:///run/user/1000/docker.sock', rootless: true };
const networks = [
  { id: '0123456789abcdef0123', name: 'shop_public', driver: 'bridge' },
  { id: 'fedcba98765432100000', name: 'bridge', driver: 'bridge' },
];
const onHost: OwnPlace = { kind: 'host' };
const inContainer = (networkMode: string): OwnPlace => {
  const engine = new FakeEngine();
  const container = engine.containers.add({ id: 'ab'.repeat(32), name: 'dockprobe-ci', networkMode });
  return { kind: 'container', id: container.id, container };
};
const refusal = (
  plan: Plan,
  place: OwnPlace,
  engine: { endpoint: string; rootless?: boolean },
  interfaces: string[],
) => {
  try {
    refuseHostFromRootlessKit(plan, place, engine, interfaces, networks);
    return undefined;
  } catch (error) {
    if (!isDockprobeError(error)) throw error;
    return { code: error.code, message: error.message, hint: error.hint };
  }
};

t.test("on the host's own namespace (lo and its uplink): from: host runs", async (t) => {
  t.equal(refusal(planFrom('host'), onHost, rootless, ['lo', 'eth0']), undefined);
  // The host may run a rootful engine too: its docker0 is not the rootless engine's.
  t.equal(refusal(planFrom('host'), onHost, rootless, ['lo', 'eth0', 'docker0']), undefined);
});

t.test(
  "in RootlessKit's namespace (nsenter: the deployment's bridge and tap0): refused, naming the bridge",
  async (t) => {
    const r = refusal(planFrom('host'), onHost, rootless, ['lo', 'tap0', 'docker0', 'br-0123456789ab']);
    t.equal(r?.code, 'DP_USAGE', 'exit 2');
    t.equal(
      r?.message,
      "from: host knocks on the ports RootlessKit publishes on the host, and the engine at unix:///run/user/1000/docker.sock is rootless: dockprobe runs in RootlessKit's network namespace (it holds the deployment's bridge br-0123456789ab), where a knock goes past the port driver",
    );
    t.match(r?.hint, /^run dockprobe in the host's own network namespace/);
  },
);

t.test(
  "in a container of the rootless engine with --network host: refused, that is RootlessKit's namespace",
  async (t) => {
    const r = refusal(planFrom('host'), inContainer('host'), rootless, ['lo', 'tap0']);
    t.equal(r?.code, 'DP_USAGE');
    t.match(
      r?.message,
      /dockprobe's container dockprobe-ci \(abababababab\) runs with --network host, which on a rootless engine is RootlessKit's network namespace, not the host's$/,
    );
  },
);

t.test('a rootful engine, or a plan without from: host: nothing refused here', async (t) => {
  const rootful = { endpoint: 'unix:///var/run/docker.sock', rootless: false };
  t.equal(refusal(planFrom('host'), inContainer('host'), rootful, ['lo', 'br-0123456789ab']), undefined);
  t.equal(refusal(planFrom('host'), onHost, { endpoint: rootful.endpoint }, ['br-0123456789ab']), undefined);
  t.equal(refusal(planFrom('network'), inContainer('host'), rootless, ['br-0123456789ab']), undefined);
});
