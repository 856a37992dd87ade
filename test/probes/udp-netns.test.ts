import { spawn } from 'node:child_process';
import { execa } from 'execa';
import t from 'tap';
import {
  PLAN_VERSION,
  probeDeadlineMs,
  type AgentLine,
  type Observation,
  type ProbePlan,
  type UdpCheck,
} from '../../probes/agent/protocol.js';
import { AGENT_BUNDLE } from '../../src/package-paths.js';
import { startDnsResponder } from '../fixtures/dns-responder.js';

// The bundled agent's udp check across a real link: two network namespaces this test creates, joined by a veth, the
// probe in one and the target in the other, whose own firewall drops some ports and rejects others. Nothing else is
// touched: no interface in the host's namespace, no route out of either. Both namespaces go when the file ends.

const id = String(process.pid % 100000);
const probeNs = `dp-udp-${id}-a`;
const targetNs = `dp-udp-${id}-b`;
const PROBE = { v4: '10.231.0.1', v6: 'fd00:231::1' };
const TARGET = { v4: '10.231.0.2', v6: 'fd00:231::2' };
const PORT = {
  answers: 7,
  silent: 9,
  dropped: 1001,
  rejected: 1002,
  closed: 1003,
  prohibited: 1004,
  hostUnreach: 1005,
};

/** Why the namespaces cannot be made here, or undefined when they can. */
async function unavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  for (const tool of ['ip', 'iptables', 'ip6tables']) {
    const found = await execa(tool, ['-V'], { reject: false });
    if (found.failed) return `needs ${tool}`;
  }
  return undefined;
}

const run = (args: string[]) => execa(args[0]!, args.slice(1), { timeout: 10_000 });
const inNs = (ns: string, args: string[]) => run(['ip', 'netns', 'exec', ns, ...args]);

async function down(): Promise<void> {
  for (const ns of [probeNs, targetNs]) await execa('ip', ['netns', 'del', ns], { reject: false, timeout: 10_000 });
}

async function up(): Promise<void> {
  await down();
  await run(['ip', 'netns', 'add', probeNs]);
  await run(['ip', 'netns', 'add', targetNs]);
  await run([
    'ip',
    'link',
    'add',
    `dpua${id}`,
    'netns',
    probeNs,
    'type',
    'veth',
    'peer',
    'name',
    `dpub${id}`,
    'netns',
    targetNs,
  ]);
  for (const [ns, dev, own] of [
    [probeNs, `dpua${id}`, PROBE],
    [targetNs, `dpub${id}`, TARGET],
  ] as const) {
    await inNs(ns, ['ip', 'link', 'set', 'lo', 'up']);
    // No duplicate address detection on the link-local address either: the link is usable as soon as it is up.
    await inNs(ns, ['sysctl', '-qw', `net.ipv6.conf.${dev}.accept_dad=0`]);
    await inNs(ns, ['ip', 'addr', 'add', `${own.v4}/24`, 'dev', dev]);
    await inNs(ns, ['ip', 'addr', 'add', `${own.v6}/64`, 'dev', dev, 'nodad']);
    await inNs(ns, ['ip', 'link', 'set', dev, 'up']);
  }
  // Each end knows the other's link address from the start: with 300 ms per try, a first datagram that waits for
  // neighbour discovery on a loaded machine would need a second try, which is not what this test is about.
  const macOf = async (ns: string, dev: string) =>
    (JSON.parse((await inNs(ns, ['ip', '-j', 'link', 'show', 'dev', dev])).stdout) as { address: string }[])[0]!
      .address;
  const probeMac = await macOf(probeNs, `dpua${id}`);
  const targetMac = await macOf(targetNs, `dpub${id}`);
  for (const family of ['v4', 'v6'] as const) {
    await inNs(probeNs, [
      'ip',
      'neigh',
      'replace',
      TARGET[family],
      'lladdr',
      targetMac,
      'dev',
      `dpua${id}`,
      'nud',
      'permanent',
    ]);
    await inNs(targetNs, [
      'ip',
      'neigh',
      'replace',
      PROBE[family],
      'lladdr',
      probeMac,
      'dev',
      `dpub${id}`,
      'nud',
      'permanent',
    ]);
  }
  // The target's own firewall: as Docker's isolation, a DROP; as a firewall that answers, REJECTs of each kind.
  const rule = (tool: string, port: number, ...target: string[]) =>
    inNs(targetNs, [tool, '-A', 'INPUT', '-p', 'udp', '--dport', String(port), '-j', ...target]);
  await rule('iptables', PORT.dropped, 'DROP');
  await rule('ip6tables', PORT.dropped, 'DROP');
  await rule('iptables', PORT.rejected, 'REJECT', '--reject-with', 'icmp-port-unreachable');
  await rule('ip6tables', PORT.rejected, 'REJECT', '--reject-with', 'icmp6-port-unreachable');
  await rule('iptables', PORT.prohibited, 'REJECT', '--reject-with', 'icmp-host-prohibited');
  await rule('ip6tables', PORT.prohibited, 'REJECT', '--reject-with', 'icmp6-adm-prohibited');
  await rule('iptables', PORT.hostUnreach, 'REJECT', '--reject-with', 'icmp-host-unreachable');
  await rule('ip6tables', PORT.hostUnreach, 'REJECT', '--reject-with', 'icmp6-addr-unreachable');
  // The probe's own firewall refuses two ports on the way out.
  await inNs(probeNs, ['iptables', '-A', 'OUTPUT', '-p', 'udp', '--dport', '1999', '-j', 'DROP']);
  await inNs(probeNs, ['iptables', '-A', 'OUTPUT', '-p', 'udp', '--dport', '1998', '-j', 'REJECT']);
}

/** Runs the bundled agent inside the probe's namespace with `checks`, and returns its observations by id. */
async function runAgent(checks: UdpCheck[], timeoutMs: number, concurrency: number) {
  const plan: ProbePlan = {
    version: PLAN_VERSION,
    dnsServer: '127.0.0.1',
    timeoutMs,
    deadlineMs: probeDeadlineMs(checks, timeoutMs, concurrency),
    concurrency,
    controls: [],
    checks,
  };
  const child = spawn('ip', ['netns', 'exec', probeNs, process.execPath, AGENT_BUNDLE, 'run'], {
    env: { ...process.env, DOCKPROBE_PLAN: Buffer.from(JSON.stringify(plan)).toString('base64') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const lines = out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AgentLine);
  const observations = new Map<string, Observation>(
    lines.flatMap((l) => (l.type === 'observation' ? [[l.observation.id, l.observation] as const] : [])),
  );
  return { code, last: lines[lines.length - 1], observations };
}

/** A script for node: `count` datagrams at once to address:port from connected sockets; prints each one's fate. */
function blast(address: string, port: number, count: number): string {
  return `const d = require('node:dgram');
const fates = Array.from({ length: ${count} }, () => new Promise((resolve) => {
  const s = d.createSocket('udp4');
  const end = (fate) => { clearTimeout(timer); s.close(); resolve(fate); };
  const timer = setTimeout(() => end('silent'), 500);
  s.on('error', () => end('refused'));
  s.connect(${port}, '${address}', () => s.send('x'));
}));
Promise.all(fates).then((all) => console.log(all.join(' ')));`;
}

const udp = (id: string, host: string, port: number, more: Partial<UdpCheck> = {}): UdpCheck => ({
  id,
  kind: 'udp',
  host,
  port,
  subnets: [],
  ...more,
});

t.test('udp across a veth: answers, DNS, ICMP errors of each kind, DROP as silence, the ICMP rate limit', async (t) => {
  const why = await unavailable();
  if (why) {
    if (process.env['CI']) t.fail(`the namespaces cannot be made here: ${why}`);
    else t.test('udp across a veth', { skip: why }, () => undefined);
    return;
  }
  t.teardown(down);
  try {
    await up();
  } catch (error) {
    const message = (error as Error).message;
    if (process.env['CI']) return t.fail(`the namespaces cannot be made here: ${message}`);
    return t.test('udp across a veth', { skip: `the namespaces cannot be made here: ${message}` }, () => undefined);
  }
  const server = spawn(
    'ip',
    [
      ...['netns', 'exec', targetNs, process.execPath, AGENT_BUNDLE, 'serve', '--name', 'svc'],
      ...['--udp', String(PORT.answers), '--udp-silent', String(PORT.silent), '--exit-with-parent'],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  t.teardown(() => void server.kill());
  await new Promise<void>((resolve) => {
    let said = '';
    server.stderr.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes(`udp ${PORT.silent} silent`)) resolve();
    });
  });
  const dns = await startDnsResponder('::', 53, ['ip', 'netns', 'exec', targetNs]);
  t.teardown(() => dns.stop());

  const checks: UdpCheck[] = [];
  for (const [family, host] of Object.entries(TARGET)) {
    const at = (name: string, port: number, more: Partial<UdpCheck> = {}) =>
      checks.push(udp(`${family}-${name}`, host, port, { ...(family === 'v6' ? { family: 6 } : {}), ...more }));
    at('answers', PORT.answers);
    at('dns', 53);
    at('silent', PORT.silent);
    at('dropped', PORT.dropped);
    at('rejected', PORT.rejected);
    at('closed', PORT.closed);
    at('prohibited', PORT.prohibited);
    at('host-unreachable', PORT.hostUnreach);
  }
  checks.push(udp('v4-no-route', '10.232.0.1', 9), udp('v6-no-route', 'fd00:232::1', 9));
  checks.push(udp('v4-no-neighbour', '10.231.0.9', 9));
  checks.push(udp('own-drop', TARGET.v4, 1999), udp('own-reject', TARGET.v4, 1998));
  const { code, last, observations: seen } = await runAgent(checks, 300, 32);
  t.equal(code, 0, 'the agent finished within the deadline probeDeadlineMs gave it');
  t.match(last, { type: 'done' });
  for (const [family, host] of Object.entries(TARGET)) {
    const o = (name: string) => seen.get(`${family}-${name}`);
    t.match(o('answers'), { outcome: 'udp-answer', address: host, port: PORT.answers, bytes: 4, tries: 1 }, family);
    t.match(o('dns'), { outcome: 'udp-answer', port: 53, detail: /a DNS answer \(NOERROR/ }, `${family}: DNS on 53`);
    t.equal(o('dns')?.errorCode, undefined);
    // A listener that never answers and a port the firewall drops look the same from here: both silent, each tried
    // twice, a second apart.
    for (const name of ['silent', 'dropped'])
      t.match(o(name), { outcome: 'udp-silent', errorCode: 'DP_UDP_SILENT', tries: 2 }, `${family} ${name}`);
    // A REJECT with port unreachable and a port nothing listens on look the same too: reached.
    for (const name of ['rejected', 'closed'])
      t.match(o(name), { outcome: 'udp-port-unreachable', errorCode: 'ECONNREFUSED', tries: 1 }, `${family} ${name}`);
    t.match(
      o('prohibited'),
      { outcome: 'unreachable', errorCode: family === 'v4' ? 'EHOSTUNREACH' : 'EACCES' },
      `${family}: administratively prohibited`,
    );
    // Linux does not hand a host or address unreachable to the socket (not a hard error): node never hears of it.
    t.match(o('host-unreachable'), { outcome: 'udp-silent', tries: 2 }, `${family}: host unreachable is silence`);
    t.match(
      seen.get(`${family}-no-route`),
      { outcome: 'unreachable', errorCode: 'ENETUNREACH' },
      `${family}: no route`,
    );
  }
  t.same(dns.questions, ['. 1', '. 1'], 'port 53 asked DNS for the root, once over each family');
  t.match(seen.get('v4-no-neighbour'), { outcome: 'udp-silent' }, 'no such neighbour: silence, not unreachable');
  // The probe's own firewall: nothing left, whatever ICMP error its own REJECT made up.
  t.match(seen.get('own-drop'), { outcome: 'error', errorCode: 'EPERM' });
  t.match(seen.get('own-reject'), { outcome: 'error', errorCode: 'EPERM' }, "its own REJECT's ICMP is no answer");

  // The rate limit, as the kernel has it: ten datagrams sent at once from plain sockets to a closed port draw the burst
  // of port unreachables the target's kernel allows a destination (about six), and nothing for the rest.
  const plain = await inNs(probeNs, [process.execPath, '-e', blast(TARGET.v4, PORT.closed, 10)]);
  const kernel = plain.stdout.trim().split(' ');
  t.comment(`ten plain datagrams: ${kernel.join(' ')}`);
  t.ok(kernel.includes('refused') && kernel.includes('silent'), 'the kernel sent some errors, then nothing');
  t.ok(kernel.filter((o) => o === 'refused').length <= 6, 'no more than its burst of six');
  // The agent spends that budget as the kernel refills it: the same ten at once, then one more, each draw its port
  // unreachable, the last ones a second apart. The kernel's bucket is full again by then (its one token a second).
  await new Promise((r) => setTimeout(r, 6000));
  const burst = Array.from({ length: 10 }, (_, i) => udp(`burst${i}`, TARGET.v4, PORT.closed, { tries: 1 }));
  const paced = await runAgent(burst, 300, 16);
  const outcomes = burst.map((c) => paced.observations.get(c.id)?.outcome);
  t.comment(`the agent's ten: ${outcomes.join(' ')}`);
  t.equal(paced.code, 0, "within the deadline probeDeadlineMs gave it, the budget's waits counted");
  t.same(
    outcomes,
    burst.map(() => 'udp-port-unreachable'),
    'every datagram drew its error: none was lost to the rate limit',
  );
  const slowest = Math.max(...burst.map((c) => paced.observations.get(c.id)?.latencyMs ?? 0));
  t.ok(slowest >= 4000, `the last ones waited for the kernel's refill (the slowest: ${slowest} ms)`);
});
