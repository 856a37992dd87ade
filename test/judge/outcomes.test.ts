import t from 'tap';
import type { Observation } from '../../probes/agent/protocol.js';
import { nameReason } from '../../src/judge/outcomes.js';

// Why a name did not resolve, in the words a verdict gives: a name the network's DNS forwarded to the probe's own stub
// resolver says so, whatever the answer relayed; the engine's own answers keep their words.
const o = (outcome: Observation['outcome'], errorCode?: Observation['errorCode']): Observation => ({
  id: 'c1',
  kind: 'dns',
  target: 'redis',
  outcome,
  latencyMs: 2,
  ...(errorCode ? { errorCode } : {}),
});

t.test("a name forwarded to the probe's own stub: said so", async (t) => {
  t.equal(
    nameReason(o('dns-error', 'DP_DNS_FORWARDED')),
    "the network's DNS holds no record of it and forwarded it upstream, to the probe's own stub resolver, which sent it nowhere: it does not resolve on this network",
  );
});

t.test("the engine's own answers: as before", async (t) => {
  t.match(nameReason(o('dns-error', 'ESERVFAIL')), /answered with an error \(ESERVFAIL\)/);
  t.match(nameReason(o('dns-timeout', 'ETIMEOUT')), /forwarded the name upstream and no answer came/);
  t.match(nameReason(o('nxdomain', 'ENOTFOUND')), /does not resolve on this network \(ENOTFOUND\)/);
});
