import t from 'tap';
import { DockerUnavailableError } from '../../src/errors/docker-unavailable-error.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { FirewallReading } from '../../src/watch/firewall-digest.js';
import { type Watch, watch } from '../../src/watch/watch.js';
import type { WatchEvent } from '../../src/watch/watch-event.js';
import { envelope } from '../../src/report/json-envelope.js';
import { type DrillDeployment, drillDeployment } from '../fixtures/drill-deployment.js';
import { documentErrors } from '../fixtures/json-documents.js';

// The watch front end on the fake engine (its warm probes run the real warm agent in this process, their rounds
// answered as the deployment's networks would): rounds on events, coalesced; a breach opened and closed; its own
// probes' events ignored; fail closed while the engine is gone, then back; a breach seen during a network's creation
// checked again at once; a reload; everything removed at stop.

const SCENARIO = [
  'project: shop',
  'timeout: 1s',
  'expect:',
  '  - name: the public zone reaches the API',
  '    from: { network: public }',
  '    to: [api:3001]',
  '    reachable: true',
  '  - name: the public zone cannot reach the database',
  '    from: { network: public }',
  '    to: [postgres:5432]',
  '    reachable: false',
  '',
].join('\n');

interface Started {
  w: Watch;
  d: DrillDeployment;
  events: WatchEvent[];
  /** Waits until `found` holds for the events said so far (checked as each comes). */
  until: (found: (events: WatchEvent[]) => boolean, what: string) => Promise<void>;
  rounds: () => Extract<WatchEvent, { event: 'round' }>[];
  changes: () => Extract<WatchEvent, { event: 'change' }>[];
}

async function start(
  t: { teardown(fn: () => unknown): void },
  options: {
    firewall?: (d: DrillDeployment) => () => Promise<FirewallReading>;
    scenario?: () => string;
    maxCellSeries?: number;
  } = {},
): Promise<Started> {
  const d = drillDeployment();
  const events: WatchEvent[] = [];
  const waiters = new Set<() => void>();
  const w = await watch({
    runtime: d.engine,
    runId: 'wt',
    image: 'dockprobe-probe:test',
    load: async () => ({
      scenarios: [parseScenario((options.scenario ?? (() => SCENARIO))(), 'shop.yml')],
      detail: 'shop.yml',
    }),
    schedule: { intervalMs: 600_000, settleMs: 20, maxDelayMs: 200 },
    firewall: options.firewall ? options.firewall(d) : null,
    ...(options.maxCellSeries ? { maxCellSeries: options.maxCellSeries } : {}),
    onEvent: (e) => {
      events.push(e);
      for (const w of waiters) w();
    },
  });
  t.teardown(() => w.stop());
  const until = (found: (events: WatchEvent[]) => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never happened: ${what}`)), 10_000);
      const check = () => {
        if (!found(events)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  const rounds = () => events.filter((e): e is Extract<WatchEvent, { event: 'round' }> => e.event === 'round');
  const changes = () => events.filter((e): e is Extract<WatchEvent, { event: 'change' }> => e.event === 'change');
  await until((e) => e.some((x) => x.event === 'round'), 'the first round');
  return { w, d, events, until, rounds, changes };
}

/** Puts postgres on the public network, as `docker network connect` does, and says so in the engine's events. */
function connectPostgres(d: DrillDeployment): void {
  d.postgres.networks.push({ networkId: d.public.id, networkName: d.public.name, ipv4: '172.18.0.77', aliases: [] });
  d.public.attached.add(d.postgres.id);
  d.engine.events.emit({
    type: 'network',
    action: 'connect',
    id: d.public.id,
    attributes: { container: d.postgres.id, name: d.public.name },
  });
}

function disconnectPostgres(d: DrillDeployment): void {
  d.postgres.networks = d.postgres.networks.filter((n) => n.networkId !== d.public.id);
  d.public.attached.delete(d.postgres.id);
  d.engine.events.emit({
    type: 'network',
    action: 'disconnect',
    id: d.public.id,
    attributes: { container: d.postgres.id, name: d.public.name },
  });
}

t.test(
  'starts with a round, says every cell, then a breach opens on a connect and closes on a disconnect',
  async (t) => {
    const s = await start(t);
    const started = s.events[0];
    t.match(started, { event: 'started', runId: 'wt', firewall: { visible: false } });
    t.match(s.rounds()[0], { round: 1, outcome: 'complete', summary: { total: 2, pass: 2 }, trigger: 'watch started' });
    t.same(
      s.changes().map((c) => `${c.target} ${c.from} → ${c.to} ${c.path}`),
      ['api:3001 undefined → pass opened', 'postgres:5432 undefined → pass closed'],
    );
    connectPostgres(s.d);
    await s.until(() => s.rounds().length === 2, 'a round after the connect');
    const breach = s.changes().at(-1)!;
    t.match(breach, {
      round: 2,
      target: 'postgres:5432',
      from: 'pass',
      to: 'fail',
      path: 'opened',
      breach: true,
      trigger: /^network connect: shop-postgres-1 to shop_public$/,
      verdict: { code: 'reached' },
    });
    t.match(await s.w.metrics.text(), /dockprobe_breaches_total\{[^}]*target="postgres:5432"[^}]*\} 1/);
    t.match(await s.w.metrics.text(), /dockprobe_cell_verdict\{[^}]*target="postgres:5432"[^}]*verdict="fail"\} 1/);
    t.match(s.w.latest(), { summary: { fail: 1 }, watch: { round: 2, outcome: 'complete' } });
    disconnectPostgres(s.d);
    await s.until(() => s.rounds().length === 3, 'a round after the disconnect');
    t.match(s.changes().at(-1), { target: 'postgres:5432', from: 'fail', to: 'pass', path: 'closed', breach: false });
    t.match(await s.w.metrics.text(), /dockprobe_breaches_total\{[^}]*target="postgres:5432"[^}]*\} 1\n/);
    // What it says and what /report serves are the documents their schemas describe (strictly: no field unlisted).
    for (const e of s.events)
      t.same(
        documentErrors('dockprobe-watch-event', envelope('dockprobe-watch-event', e)),
        [],
        `a valid ${e.event} line`,
      );
    t.same(documentErrors('dockprobe-report', envelope('dockprobe-report', s.w.latest()!)), [], 'a valid report');
  },
);

t.test('a burst of events gives one round; the probes own events give none', async (t) => {
  const s = await start(t);
  for (let i = 0; i < 20; i++)
    s.d.engine.events.emit({
      type: 'container',
      action: 'start',
      id: `c-${i}`,
      attributes: { name: `shop-worker-${i}`, 'com.docker.compose.project': 'shop' },
    });
  await s.until(() => s.rounds().length === 2, 'the burst round');
  t.match(s.rounds()[1]!.trigger, /^container start: shop-worker-0; .*\(\+15 more\)$/);
  // This watch's probes, and any probe of a dockprobe run: never a round.
  const own = [...s.d.engine.containers.byId.values()].filter((c) => c.labels['dockprobe.run'] === 'wt');
  t.ok(own.length > 0, 'warm probes are there');
  for (const c of own) {
    s.d.engine.events.emit({ type: 'container', action: 'die', id: c.id, attributes: { ...c.labels, name: c.name } });
    s.d.engine.events.emit({
      type: 'network',
      action: 'connect',
      id: s.d.public.id,
      attributes: { container: c.id, name: s.d.public.name },
    });
  }
  s.d.engine.events.emit({
    type: 'container',
    action: 'start',
    id: 'other-probe',
    attributes: { 'dockprobe.role': 'probe', 'dockprobe.run': 'other' },
  });
  s.d.engine.events.emit({
    type: 'network',
    action: 'connect',
    id: s.d.public.id,
    attributes: { container: 'other-probe', name: s.d.public.name },
  });
  // A container of another project on a network nobody watches: no round either.
  s.d.engine.events.emit({
    type: 'container',
    action: 'die',
    id: 'x',
    attributes: { name: 'x', 'com.docker.compose.project': 'blog' },
  });
  await new Promise((r) => setTimeout(r, 400));
  t.equal(s.rounds().length, 2, 'no round for them');
});

t.test('a warm probe killed: replaced at once with no round, and the next round passes on it', async (t) => {
  const s = await start(t);
  const [victim] = [...s.d.engine.containers.byId.values()].filter((c) => c.labels['dockprobe.run'] === 'wt');
  t.ok(victim, 'a warm probe');
  s.d.engine.containers.killAttached(victim!.id);
  // Its die event, as the engine says it: never a round.
  s.d.engine.events.emit({
    type: 'container',
    action: 'die',
    id: victim!.id,
    attributes: { ...victim!.labels, name: victim!.name },
  });
  await s.until(
    (e) => e.some((x) => x.event === 'probe' && x.what === 'started' && x.name !== victim!.name),
    'a replacement started',
  );
  t.match(s.events.filter((e) => e.event === 'probe').slice(-2), [
    { what: 'replaced', name: victim!.name, round: 1 },
    { what: 'started', round: 1 },
  ]);
  t.equal(s.rounds().length, 1, 'no round for it');
  t.match(await s.w.metrics.text(), /dockprobe_probe_replacements_total 1\n/);
  const before = s.changes().length;
  s.w.reload();
  await s.until(() => s.rounds().length === 2, 'the next round');
  t.match(s.rounds()[1], { outcome: 'complete', summary: { total: 2, pass: 2 } });
  t.equal(s.changes().length, before, 'no cell changed: no false verdict');
});

t.test(
  'the engine gone: rounds inconclusive, saying so, never the last verdicts; then back, and passing',
  async (t) => {
    const s = await start(t);
    const gone = new DockerUnavailableError(
      'fake:///engine',
      Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }),
    );
    for (const call of ['system.info', 'networks.list', 'containers.list']) s.d.engine.faults.set(call, gone);
    s.d.engine.events.endStreams();
    await s.until(() => s.rounds().some((r) => r.outcome === 'failed'), 'a failed round');
    const failed = s.rounds().find((r) => r.outcome === 'failed')!;
    t.match(failed, { summary: { total: 2, inconclusive: 2 }, error: /cannot reach the Docker daemon/ });
    t.match(
      s.events.find((e) => e.event === 'engine'),
      { state: 'lost' },
    );
    const unknown = s.changes().filter((c) => c.round === failed.round);
    t.same(
      unknown.map((c) => `${c.target} ${c.to} ${c.path} ${c.verdict.code} ${c.verdict.probeErrorCode}`),
      [
        'api:3001 inconclusive unknown probe-failed engine-unreachable',
        'postgres:5432 inconclusive unknown probe-failed engine-unreachable',
      ],
    );
    t.match(s.w.latest(), { summary: { pass: 0, inconclusive: 2 }, watch: { outcome: 'failed' } });
    t.match(await s.w.metrics.text(), /dockprobe_engine_up 0/);
    s.d.engine.faults.clear();
    await s.until(() => s.events.some((e) => e.event === 'engine' && e.state === 'back'), 'the engine back');
    await s.until(() => s.rounds().at(-1)!.outcome === 'complete', 'a complete round');
    t.match(s.rounds().at(-1), { summary: { pass: 2 } });
    t.ok(s.d.engine.calls.filter((c) => c === 'events.follow').length >= 2, 'its events followed again');
  },
);

t.test('a breach seen while a network was created is checked again at once; both observations are kept', async (t) => {
  const s = await start(t);
  // A round sees the database answer on the public network while a network is created (dockerd rewriting its
  // rules); the re-check a moment later sees it blocked again.
  const agent = s.d.engine.containers.agent!;
  let calls = 0;
  s.d.engine.containers.agent = (plan, probe) => {
    const lines = agent(plan, probe);
    if (++calls !== 1) return lines;
    s.d.engine.events.emit({ type: 'network', action: 'create', id: 'n-new', attributes: { name: 'other_net' } });
    const postgres = new Set(plan.checks.filter((c) => c.kind === 'tcp' && c.port === 5432).map((c) => c.id));
    return lines
      .split('\n')
      .map((line) => {
        const parsed = JSON.parse(line) as { type: string; observation?: { id: string } };
        if (parsed.type !== 'observation' || !postgres.has(parsed.observation!.id)) return line;
        return JSON.stringify({
          type: 'observation',
          observation: {
            ...parsed.observation,
            outcome: 'open',
            address: '172.19.0.4',
            port: 5432,
            errorCode: undefined,
          },
        });
      })
      .join('\n');
  };
  s.w.reload();
  await s.until(() => s.events.some((e) => e.event === 'recheck'), 'a re-check');
  const recheck = s.events.find((e): e is Extract<WatchEvent, { event: 'recheck' }> => e.event === 'recheck')!;
  t.match(recheck.first, { status: 'fail', target: 'postgres:5432', reason: /network other_net created/ });
  t.match(recheck.second, { status: 'pass', target: 'postgres:5432' });
  await s.until(() => s.rounds().length === 2, 'the round');
  t.notOk(
    s.changes().some((c) => c.breach),
    'not reported as a breach: the re-check did not see it',
  );
  t.match(s.w.latest()?.watch?.rechecks, [{ first: { status: 'fail' }, second: { status: 'pass' } }]);
  t.match(await s.w.metrics.text(), /dockprobe_transient_breaches_total 1/);
});

t.test('reload reads the scenarios again and says so; one it cannot read keeps the last', async (t) => {
  let text = SCENARIO;
  const s = await start(t, { scenario: () => text });
  text = SCENARIO.replace('reachable: false', 'reachable: true');
  s.w.reload();
  await s.until(() => s.rounds().length === 2, 'the reload round');
  t.match(
    s.events.find((e) => e.event === 'reloaded'),
    { detail: 'shop.yml' },
  );
  t.match(s.changes().at(-1), { target: 'postgres:5432', from: 'pass', to: 'fail', expected: 'reachable' });
  text = 'expect: [';
  s.w.reload();
  await s.until(() => s.rounds().length === 3, 'the refused reload round');
  t.match(s.events.filter((e) => e.event === 'reloaded').at(-1), { error: /./, detail: /kept what was read before/ });
  t.equal(s.rounds().at(-1)!.summary.total, 2, 'still the expectations read before');
});

/**
 * A watch whose firewall reads `firewall.rules` (the digest is the rules themselves): at first a rule that names the
 * deployment's public bridge, as the engine host's do; a test sets others to change it.
 */
async function startWithFirewall(t: { teardown(fn: () => unknown): void }) {
  const firewall: { rules: string; onRead?: (rules: string) => void } = { rules: '' };
  const s = await start(t, {
    firewall: (d) => async () => {
      firewall.rules ||= `-A DOCKER-ISOLATION-STAGE-1 -i br-${d.public.id.slice(0, 12)} -j DOCKER-ISOLATION-STAGE-2`;
      firewall.onRead?.(firewall.rules);
      return { digest: firewall.rules, rules: firewall.rules };
    },
  });
  return { s, firewall };
}

t.test('a firewall change asks for a round, where the rules can be read', async (t) => {
  const { s, firewall } = await startWithFirewall(t);
  t.match(s.events[0], { event: 'started', firewall: { visible: true, detail: /iptables-save/ } });
  // A reload that drops Docker's rules: the digest changes.
  firewall.rules = '-A INPUT -j ACCEPT';
  await s.until(() => s.rounds().length === 2, 'a round after the change');
  t.match(s.rounds()[1], { trigger: 'firewall rules changed' });
  t.match(await s.w.metrics.text(), /dockprobe_firewall_changes_total 1/);
});

t.test("the rules of the watch's own probes changing ask for no round; the world's beside them do", async (t) => {
  const { s, firewall } = await startWithFirewall(t);
  const own = [...s.d.engine.containers.byId.values()]
    .filter((c) => c.labels['dockprobe.run'] === 'wt')
    .flatMap((c) => c.networks.map((n) => n.ipv4));
  t.ok(own.length > 0 && own.every(Boolean), `the warm probes' addresses: ${own.join(', ')}`);
  // As Engine 28 does when a container starts: a raw-table rule for its address.
  const base = firewall.rules;
  firewall.rules = [base, ...own.map((a) => `-A PREROUTING -d ${a}/32 ! -i br-x -j DROP`)].join('\n');
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  t.equal(s.rounds().length, 1, 'no round for them');
  t.notMatch(await s.w.metrics.text(), /dockprobe_firewall_changes_total [1-9]/);
  firewall.rules = `${firewall.rules}\n-A PREROUTING -d 172.18.0.77/32 ! -i br-x -j DROP`;
  await s.until(() => s.rounds().length === 2, 'a round for a rule of the world');
  t.match(s.rounds()[1], { trigger: 'firewall rules changed' });
  firewall.rules = base;
  await s.until(() => s.rounds().length === 3, 'a round for a reload that drops them all');
});

t.test("a probe's rule seen before the engine lists its address asks for no round", async (t) => {
  const { s, firewall } = await startWithFirewall(t);
  const base = firewall.rules;
  // As a probe being started: its rule first, its address in the engine's list a moment after the watch read it.
  const rule = '-A PREROUTING -d 172.18.0.99/32 ! -i br-x -j DROP';
  firewall.onRead = (rules) => {
    if (!rules.includes(rule)) return;
    firewall.onRead = undefined;
    setTimeout(() => {
      s.d.engine.containers.add({
        name: 'dockprobe-wt-w9',
        labels: { 'dockprobe.run': 'wt' },
        networks: [{ networkId: s.d.public.id, networkName: s.d.public.name, ipv4: '172.18.0.99', aliases: [] }],
      });
    }, 300);
  };
  firewall.rules = `${base}\n${rule}`;
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  t.equal(s.rounds().length, 1, 'no round for it');
  t.notMatch(await s.w.metrics.text(), /dockprobe_firewall_changes_total [1-9]/);
});

t.test('a rule of a probe gone since another change was seen asks for no round', async (t) => {
  const { s, firewall } = await startWithFirewall(t);
  const base = firewall.rules;
  const probe = s.d.engine.containers.add({
    name: 'dockprobe-wt-w9',
    labels: { 'dockprobe.run': 'wt' },
    networks: [{ networkId: s.d.public.id, networkName: s.d.public.name, ipv4: '172.18.0.99', aliases: [] }],
  });
  const own = '-A PREROUTING -d 172.18.0.99/32 ! -i br-x -j DROP';
  firewall.rules = `${base}\n${own}`;
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  // Gone, and another probe's rule seen meanwhile: the list at that change no longer names the first one.
  s.d.engine.containers.byId.delete(probe.id);
  const other = s.d.engine.containers.add({
    name: 'dockprobe-wt-w10',
    labels: { 'dockprobe.run': 'wt' },
    networks: [{ networkId: s.d.public.id, networkName: s.d.public.name, ipv4: '172.18.0.98', aliases: [] }],
  });
  firewall.rules = `${base}\n${own}\n-A PREROUTING -d 172.18.0.98/32 ! -i br-x -j DROP`;
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  t.ok(other.id, 'a second probe');
  // The engine removes the first one's rule only now.
  firewall.rules = `${base}\n-A PREROUTING -d 172.18.0.98/32 ! -i br-x -j DROP`;
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  t.equal(s.rounds().length, 1, 'no round for any of them');
});

t.test("a container event's own rule asks for no second round: the event's round started after it", async (t) => {
  const { s, firewall } = await startWithFirewall(t);
  const base = firewall.rules;
  const rule = '-A PREROUTING -d 172.18.0.77/32 ! -i br-x -j DROP';
  // As Engine 28 does on a connect: the container's rule, then the event.
  firewall.rules = `${base}\n${rule}`;
  connectPostgres(s.d);
  await s.until(() => s.rounds().length === 2, 'a round after the connect');
  // A poll reads the rule, and the relists it may take pass.
  await new Promise((resolve) => setTimeout(resolve, 2_000 + 3 * 1_000 + 500));
  firewall.rules = base;
  disconnectPostgres(s.d);
  await s.until(() => s.rounds().length === 3, 'a round after the disconnect');
  // Two polls and the relists they may take: any round owed would have been asked for by then.
  await new Promise((resolve) => setTimeout(resolve, 2 * 2_000 + 3 * 1_000 + 500));
  t.same(
    s.rounds().map((r) => r.trigger),
    [
      'watch started',
      `network connect: ${s.d.postgres.name} to ${s.d.public.name}`,
      `network disconnect: ${s.d.postgres.name} from ${s.d.public.name}`,
    ],
    'a round for each event, none for the rules they brought',
  );
  for (const e of s.events.filter((e) => e.event === 'firewall'))
    t.match(e, { detail: /judged by the round under way$/ }, 'a change seen is said, as judged by its round');
});

t.test('an incomplete round is tried again without waiting for an event or the interval', async (t) => {
  const s = await start(t);
  const pg = s.d.postgres;
  Object.assign(pg, { state: 'exited', running: false });
  s.d.engine.events.emit({ type: 'container', action: 'die', id: pg.id, attributes: { ...pg.labels, name: pg.name } });
  await s.until(() => s.rounds().length === 2, 'a round after the die');
  t.match(s.rounds()[1], { outcome: 'incomplete' }, 'a cell of a stopped target is unknown');
  // Started again with no event the watch sees (as a container of a restarting engine is).
  Object.assign(pg, { state: 'running', running: true });
  await s.until(() => s.rounds().some((r) => r.outcome === 'complete' && r.round > 2), 'a complete round after it');
  t.match(s.rounds()[2], { trigger: 'round 2 was incomplete' });
});

t.test('a firewall change names the rules that changed', async (t) => {
  const { s, firewall } = await startWithFirewall(t);
  firewall.rules = '-A INPUT -j ACCEPT';
  await s.until(() => s.rounds().length === 2, 'a round after the change');
  t.match(
    s.events.find((e) => e.event === 'firewall'),
    { detail: /^the rule set changed: 2 rules added or removed: -A INPUT -j ACCEPT; -A DOCKER-ISOLATION-STAGE-1/ },
  );
});

t.test(
  "a firewall whose rules name none of the deployment's bridges is not the engine's: said, and not watched",
  async (t) => {
    const s = await start(t, {
      firewall: () => async () => ({ digest: 'x', rules: '-A INPUT -i br-000000000000 -j ACCEPT' }),
    });
    t.match(s.events[0], {
      event: 'started',
      firewall: {
        visible: false,
        detail: /names none of the deployment's bridges.*rounds rest on engine events and the interval/,
      },
    });
  },
);

t.test('stop removes every warm probe and closes the watch', async (t) => {
  const s = await start(t);
  const probes = [...s.d.engine.containers.byId.values()].filter((c) => c.labels['dockprobe.run'] === 'wt');
  t.equal(probes.length, 1, 'one warm probe, on the public network');
  t.same(await s.w.stop(), []);
  await s.w.done;
  t.same(
    [...s.d.engine.containers.byId.values()].filter((c) => c.labels['dockprobe.run'] === 'wt'),
    [],
    'nothing of the watch is left',
  );
});

t.test('the series are capped: cells past the cap are counted, not exported', async (t) => {
  const s = await start(t, { maxCellSeries: 1 });
  const text = await s.w.metrics.text();
  t.equal((text.match(/^dockprobe_cell_verdict\{/gm) ?? []).length, 3, 'one cell, three series');
  t.match(text, /dockprobe_cell_series_dropped_total 1/);
  t.match(text, /dockprobe_cells\{verdict="pass"\} 2/);
  t.match(text, /dockprobe_cell_series_limit 1/);
});
