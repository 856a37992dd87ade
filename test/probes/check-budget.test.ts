import t from 'tap';
import {
  CONTROL_REPEATS,
  checkDeadlineMs,
  DEADLINE_SLACK_MS,
  isConnectLane,
  lookupShare,
  MAX_CONTROLS,
  probeDeadlineMs,
  type Check,
} from '../../probes/agent/protocol.js';

// The budget per kind of check: which lane a check runs in, each probe's share of the run's lookups, and the probe's
// deadline counted lane by lane, each under its own bound.

const byAddress = (i: number): Check => ({
  id: `a${i}`,
  kind: 'tcp',
  host: `10.0.${i >> 8}.${i & 255}`,
  port: 80,
  subnets: [],
});
const byName = (i: number): Check => ({ id: `n${i}`, kind: 'tcp', host: `svc-${i}`, port: 80, subnets: [] });
const controls = CONTROL_REPEATS * MAX_CONTROLS;

t.test('only a tcp check by address is in the connect lane', async (t) => {
  t.ok(isConnectLane(byAddress(1)));
  t.ok(isConnectLane({ id: 'six', kind: 'tcp', host: 'fd00::5', port: 80, subnets: [] }));
  t.notOk(isConnectLane(byName(1)), 'by name: a lookup first');
  t.notOk(isConnectLane({ id: 'u', kind: 'udp', host: '10.0.0.1', port: 53, subnets: [] }), 'udp keeps its place');
  t.notOk(isConnectLane({ id: 'h', kind: 'http', url: 'http://10.0.0.1/', subnets: [] }));
  t.notOk(isConnectLane({ id: 'd', kind: 'dns', name: 'svc', subnets: [] }));
});

t.test("each probe's share of the run's lookups: even, at least one, at most --concurrency", async (t) => {
  t.equal(lookupShare(320, 20, 32), 16, '20 probes share 320');
  t.equal(lookupShare(320, 3, 32), 32, 'a few probes: --concurrency bounds it');
  t.equal(lookupShare(320, 1000, 32), 1, 'never none');
  t.equal(lookupShare(320, 0, 32), 32, 'no probe counted: as one');
});

t.test('with a connect lane, each lane counts its own waves under its own bound', async (t) => {
  const addresses = Array.from({ length: 500 }, (_, i) => byAddress(i));
  const names = Array.from({ length: 100 }, (_, i) => byName(i));
  const slowest = checkDeadlineMs(byAddress(0), 1000);
  const budget = { concurrency: 32, connectConcurrency: 512, lookupConcurrency: 16 };
  const generalWaves = Math.ceil((names.length + controls) / 16);
  t.equal(
    probeDeadlineMs([...addresses, ...names], 1000, budget),
    slowest * (generalWaves + 1) + DEADLINE_SLACK_MS,
    'the general lane under its lookups, the slower lane; 500 connects in one wave',
  );
  t.equal(
    probeDeadlineMs(addresses.slice(0, 400), 1000, budget),
    slowest * 1 + DEADLINE_SLACK_MS,
    '400 connects by address alone: one wave of 512 holds them and the controls',
  );
  const connectWaves = Math.ceil((addresses.length + controls) / 100);
  t.equal(
    probeDeadlineMs(addresses, 1000, { ...budget, connectConcurrency: 100 }),
    slowest * (connectWaves + 1) + DEADLINE_SLACK_MS,
    'a smaller connect bound: its own waves',
  );
});

t.test('without a connect lane, one bound for all as before; lookups may narrow it', async (t) => {
  const checks = [
    ...Array.from({ length: 50 }, (_, i) => byAddress(i)),
    ...Array.from({ length: 50 }, (_, i) => byName(i)),
  ];
  t.equal(probeDeadlineMs(checks, 1000, { concurrency: 32 }), probeDeadlineMs(checks, 1000, 32), 'a number is that');
  const slowest = checkDeadlineMs(checks[0]!, 1000);
  t.equal(
    probeDeadlineMs(checks, 1000, { concurrency: 32, lookupConcurrency: 8 }),
    slowest * (Math.ceil((100 + controls) / 8) + 1) + DEADLINE_SLACK_MS,
  );
});

t.test(
  'the deadline bounds the lanes as the agent runs them: a list schedule of each lane under its bound',
  async (t) => {
    // Every check takes its checkDeadlineMs; each lane starts its next check when one of its slots frees. The time the
    // slower lane ends must be within the deadline, for many mixes.
    const schedule = (durations: number[], bound: number) => {
      const slots = Array.from({ length: Math.min(bound, durations.length) }, () => 0);
      for (const d of durations) {
        slots.sort((a, b) => a - b);
        slots[0]! += d;
      }
      return Math.max(0, ...slots);
    };
    for (const [nAddr, nName, c, cc, lc] of [
      [2000, 0, 32, 512, 32],
      [95, 105, 32, 512, 16],
      [0, 300, 32, 512, 8],
      [700, 700, 4, 64, 2],
    ] as const) {
      const checks = [
        ...Array.from({ length: nAddr }, (_, i) => byAddress(i)),
        ...Array.from({ length: nName }, (_, i) => ({ ...byName(i), retries: i % 3 })),
      ];
      const budget = { concurrency: c, connectConcurrency: cc, lookupConcurrency: lc };
      const deadline = probeDeadlineMs(checks, 1000, budget);
      const ms = (lane: Check[]) =>
        [...lane, ...Array.from({ length: controls }, () => byName(0))].map((x) => checkDeadlineMs(x, 1000));
      const general = schedule(ms(checks.filter((x) => !isConnectLane(x))), Math.min(c, lc));
      const connect = schedule(ms(checks.filter(isConnectLane)), cc);
      t.ok(
        Math.max(general, connect) <= deadline,
        `${nAddr} by address, ${nName} by name: ${Math.max(general, connect)} ≤ ${deadline}`,
      );
    }
  },
);
