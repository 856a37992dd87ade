import t from 'tap';
import { ProbeBuilder } from '../../src/plan/probe-builder.js';
import { referenceTopology } from '../fixtures/reference-topology.js';

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
