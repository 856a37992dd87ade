import t from 'tap';
import { planFor } from '../../fixtures/pipeline.js';
import { judge } from '../../../src/judge/judge.js';
import type { ReachCell } from '../../../src/checks/reach/reach-cell.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';
import { chooseNodes } from '../../../src/topology/choose-nodes.js';
import { resolveTopology } from '../../../src/topology/resolve-topology.js';
import { fakeResults, type Oracle } from '../../fixtures/observe.js';
import { swarmDeployment } from '../../fixtures/swarm-deployment.js';

// A large answer across an overlay: its status and first bytes arrive (small packets pass), then nothing. With the
// path known (overlays, their MTU option, the nodes at each end) that is an MTU black hole, said as such; without an
// overlay on the way it is an incomplete answer.

async function planWithMtu(mtu: number | undefined) {
  const deployment = swarmDeployment();
  deployment.networks.publicFacing.mtu = mtu;
  const scenario = parseScenario(
    'project: [glasck, glasck-app]\ntimeout: 2s\nexpect:\n  - from: { network: public-facing }\n    to: [{ url: "http://api:3001/bytes/102400", bytes: 102400 }, "http://api:3001/"]\n    reachable: true\n',
    's.yml',
  );
  const topology = await resolveTopology([scenario], deployment.engine);
  return planFor(scenario, topology, { nodes: chooseNodes(['vps-2'], topology) });
}

/** The big answer stalls after `got` bytes (or arrives whole); everything else answers. */
function oracle(got: number | 'whole'): Oracle {
  return (check) => {
    if (check.kind === 'http' && check.minBytes !== undefined) {
      return got === 'whole'
        ? { outcome: 'http', status: 200, bytes: check.minBytes }
        : { outcome: 'http', status: 200, bytes: got, errorCode: 'DP_BODY_STALLED', detail: 'stopped' };
    }
    if (check.kind === 'dns') return { outcome: 'resolved', addresses: ['10.0.1.9'] };
    return { outcome: check.kind === 'http' ? 'http' : 'open', status: 200, address: '10.0.1.3', port: 3001 };
  };
}

t.test('the check asks for the body, and the cell knows the path: overlay, MTU option, node to nodes', async (t) => {
  const plan = await planWithMtu(1500);
  const cell = plan.cells[0] as ReachCell;
  t.match(
    plan.probes[0]!.plan.checks.find((c) => c.kind === 'http' && c.url === 'http://api:3001/bytes/102400'),
    { minBytes: 102400 },
  );
  t.same(cell.path, { overlays: [{ name: 'public-facing', mtu: 1500 }], from: 'vps-2', to: ['vps-1', 'vps-2'] });
  t.equal((plan.cells[1] as ReachCell).path, undefined, 'a plain URL asks for no body');
});

t.test('small passes, large stalls across an overlay: FAIL mtu-black-hole, naming the MTU and the path', async (t) => {
  const plan = await planWithMtu(1500);
  const [big, small] = judge(plan, fakeResults(plan, oracle(13480))).verdicts;
  t.same([small!.status, small!.code], ['pass', 'reached']);
  t.same([big!.status, big!.code], ['fail', 'mtu-black-hole']);
  t.match(
    big!.reason,
    /HTTP 200 and 13480 of 102400 bytes, then nothing: .* from vps-2 to vps-1, vps-2 over public-facing \(MTU option 1500: containers get 1450\)/,
  );
  const unset = await planWithMtu(undefined);
  t.match(
    judge(unset, fakeResults(unset, oracle(0))).verdicts[0]!.reason,
    /public-facing \(no MTU option: containers get 1450/,
  );
});

t.test('the whole answer is a pass; a short one (the server ended it) is answer-incomplete, not the MTU', async (t) => {
  const plan = await planWithMtu(1400);
  t.equal(judge(plan, fakeResults(plan, oracle('whole'))).verdicts[0]!.code, 'reached');
  const short: Oracle = (check) =>
    check.kind === 'http' && check.minBytes
      ? {
          outcome: 'http',
          status: 200,
          bytes: 10,
          errorCode: 'DP_BODY_SHORT',
          detail: 'the answer ended after 10 of 102400 bytes',
        }
      : oracle('whole')(check);
  const v = judge(plan, fakeResults(plan, short)).verdicts[0]!;
  t.same([v.status, v.code, v.reason], ['fail', 'answer-incomplete', 'the answer ended after 10 of 102400 bytes']);
});
