import t from 'tap';
import {
  CONTROL_REPEATS,
  checkDeadlineMs,
  DEADLINE_SLACK_MS,
  icmpBudgetDelayMs,
  MAX_CONTROLS,
  probeDeadlineMs,
  type Check,
} from '../../probes/agent/protocol.js';

const tcp: Check = { id: 'c1', kind: 'tcp', host: '192.0.2.1', port: 443, subnets: [] };
const http: Check = { id: 'c2', kind: 'http', url: 'http://192.0.2.1/', subnets: [] };
const dns: Check = { id: 'c3', kind: 'dns', name: 'api', subnets: [] };
const udp: Check = { id: 'c4', kind: 'udp', host: '192.0.2.1', port: 514, subnets: [] };

t.test("a check's deadline: each step up to its timeout, on every try", async (t) => {
  t.equal(checkDeadlineMs(tcp, 1000), 2000, 'a connection: its name, then the connect');
  t.equal(checkDeadlineMs(dns, 1000), 2000);
  t.equal(checkDeadlineMs(http, 1000), 3000, 'a request: name, connect, exchange');
  t.equal(
    checkDeadlineMs({ ...http, timeoutMs: 500, retries: 2 }, 1000),
    4500,
    "its own timeout over the plan's, times every try",
  );
});

t.test("a probe's deadline is its slowest check's, by waves of checks at once, plus slack", async (t) => {
  const checks = [tcp, { ...http, retries: 1 }];
  t.equal(probeDeadlineMs(checks, 1000, 64), 6000 + DEADLINE_SLACK_MS, 'all at once: the slowest check');
  const waves = Math.ceil((checks.length + CONTROL_REPEATS * MAX_CONTROLS) / 2);
  t.equal(probeDeadlineMs(checks, 1000, 2), checkDeadlineMs(checks[1]!, 1000) * (waves + 1) + DEADLINE_SLACK_MS);
});

t.test(
  "a udp check's deadline: its name, then every try's wait, spaced by spacingMs where that is longer",
  async (t) => {
    t.equal(checkDeadlineMs(udp, 1000), 1000 + 1000 + 1000, 'the name, two tries a second apart, the last wait');
    t.equal(checkDeadlineMs({ ...udp, tries: 3, spacingMs: 2500 }, 1000), 1000 + 2500 * 2 + 1000);
    t.equal(checkDeadlineMs({ ...udp, spacingMs: 100 }, 1000), 1000 + 1000 * 2, 'a spacing under the wait: the waits');
    t.equal(checkDeadlineMs({ ...udp, tries: 1, retries: 1 }, 1000), 2000 * 2, 'times every run');
    t.equal(
      checkDeadlineMs({ ...udp, tries: 2, spacingMs: 3000, retries: 1 }, 1000),
      2 * 1000 + 3 * 3000 + 1000,
      'a retried run keeps the spacing from the run before',
    );
    t.equal(
      checkDeadlineMs({ ...udp, tries: 0, spacingMs: -5 }, 1000),
      3000,
      'out-of-range tries and spacing: defaults',
    );
    t.equal(
      probeDeadlineMs([tcp, { ...udp, tries: 4 }], 1000, 64),
      1000 + 1000 * 3 + 1000 + DEADLINE_SLACK_MS,
      'the slowest check, a udp one, sets the probe deadline',
    );
  },
);

t.test("a probe's deadline counts what the ICMP error budget can hold back at the busiest address", async (t) => {
  const many = Array.from({ length: 8 }, (_, i) => ({ ...udp, id: `u${i}` }));
  const base = probeDeadlineMs([tcp], 1000, 64) - DEADLINE_SLACK_MS;
  t.equal(
    probeDeadlineMs(many, 1000, 64),
    Math.max(base, checkDeadlineMs(udp, 1000)) + icmpBudgetDelayMs(16, 1000) + DEADLINE_SLACK_MS,
    'eight checks of two datagrams each to one address',
  );
  const spread = many.map((c, i) => ({ ...c, host: `192.0.2.${i + 1}` }));
  t.equal(
    probeDeadlineMs(spread, 1000, 64),
    checkDeadlineMs(udp, 1000) + icmpBudgetDelayMs(2, 1000) + DEADLINE_SLACK_MS,
    'two datagrams to each of eight addresses: within every burst',
  );
  t.equal(
    probeDeadlineMs([{ ...udp, tries: 3 }], 1000, 64, undefined, [udp.id]),
    checkDeadlineMs({ ...udp, tries: 3 }, 1000) +
      icmpBudgetDelayMs(3 * (CONTROL_REPEATS + 1), 1000) +
      DEADLINE_SLACK_MS,
    "a udp control's datagrams count on each of its runs",
  );
});
