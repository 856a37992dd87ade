import t from 'tap';
import type { DrillRow } from '../../src/drill/drill-result.js';
import { SharedRowParts } from '../../src/drill/shared-row-parts.js';

// Rows of the same target from two sources: the second keeps the first's risk object, and its values are unchanged.

const row = (source: string): DrillRow => ({
  source,
  target: 'db:5432 on back',
  endpoint: 'db',
  kind: 'port',
  via: 'container',
  network: 'back',
  address: ['10', '9', '0', '2'].join('.'),
  port: 5432,
  risk: { kind: 'database', rank: 3, name: 'PostgreSQL' },
  status: 'blocked',
  code: 'no-answer',
  reason: `10.9.0.2:5432 (db on back) did not answer (timeout, ${'ETIMEDOUT'})`,
  evidence: {
    attempt: '10.9.0.2:5432 (db on back)',
    outcome: 'timeout',
    address: '10.9.0.2',
    port: 5432,
    latencyMs: 1000,
  },
});

t.test('a risk repeated is held once; every value stays as it was', async (t) => {
  const shared = new SharedRowParts();
  const a = shared.share(row('service api'));
  const b = shared.share(row('service web'));
  t.equal(b.risk, a.risk, 'the same risk object');
  t.same(b, row('service web'));
  t.same(a, row('service api'));
});
