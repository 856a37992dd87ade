import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { AGENT_EXIT, PLAN_VERSION, type ProbePlan } from '../../probes/agent/protocol.js';
import { warmSession, type WarmIo } from '../../probes/agent/warm.js';
import { LEASE_ENV, WARM_EXIT, type WarmLine } from '../../probes/agent/warm-protocol.js';
import { AGENT_BUNDLE } from '../../src/package-paths.js';

// The agent's warm mode: in this process (warmSession, with its input and output in memory), and the bundled agent
// as a process driven over its stdin and stdout, on loopback only.

const plan = (checks: ProbePlan['checks'], deadlineMs = 5000): ProbePlan => ({
  version: PLAN_VERSION,
  dnsServer: '127.0.0.1',
  timeoutMs: 500,
  deadlineMs,
  concurrency: 4,
  controls: [],
  checks,
});

/** A session in memory: what it printed, how it ended, and a way to send it lines. */
function session(leaseMs: number, runPlan: WarmIo['runPlan']) {
  const input = new PassThrough();
  const printed: WarmLine[] = [];
  let ended: { code: number; why: string } | undefined;
  const endedNow = new Promise<{ code: number; why: string }>((resolve) => {
    warmSession(leaseMs, {
      input,
      print: (line) => printed.push(line),
      exit: (code, why) => {
        ended = { code, why };
        resolve(ended);
      },
      interfaces: () => ['eth0 10.0.0.2/24'],
      defaultRoute: () => null,
      runPlan,
      agent: '1',
    });
  });
  return {
    printed,
    ended: () => ended,
    endedNow,
    send: (request: object) => input.write(`${JSON.stringify(request)}\n`),
    close: () => input.end(),
  };
}

const oneObservation: WarmIo['runPlan'] = async (p, emit) => {
  for (const c of p.checks)
    emit({ id: c.id, kind: c.kind, target: 'x', outcome: 'refused', latencyMs: 1, errorCode: 'ECONNREFUSED' });
};

t.test('rounds run one after another, each line tagged with its round', async (t) => {
  const s = session(60_000, oneObservation);
  const check = { id: 'c1', kind: 'tcp' as const, host: '127.0.0.1', port: 9, subnets: [] };
  s.send({ type: 'round', round: 1, plan: plan([check]) });
  s.send({ type: 'renew' });
  await new Promise((r) => setTimeout(r, 20));
  s.send({ type: 'round', round: 2, plan: plan([check, { ...check, id: 'c2' }]) });
  await new Promise((r) => setTimeout(r, 20));
  t.same(
    s.printed.map((l) => `${'round' in l ? l.round : ''} ${l.type}`),
    ['1 hello', '1 observation', '1 done', '2 hello', '2 observation', '2 observation', '2 done'],
  );
  t.equal(s.ended(), undefined, 'still up');
  s.send({ type: 'stop' });
  t.same(await s.endedNow, { code: WARM_EXIT.STOPPED, why: 'told to stop' });
});

t.test('a round asked while one runs is refused; the running one finishes', async (t) => {
  let release: () => void = () => undefined;
  const s = session(60_000, (p, emit) =>
    new Promise<void>((resolve) => (release = resolve)).then(() => oneObservation(p, emit)),
  );
  const check = { id: 'c1', kind: 'tcp' as const, host: '127.0.0.1', port: 9, subnets: [] };
  s.send({ type: 'round', round: 1, plan: plan([check]) });
  await new Promise((r) => setTimeout(r, 10));
  s.send({ type: 'round', round: 2, plan: plan([check]) });
  await new Promise((r) => setTimeout(r, 10));
  release();
  await new Promise((r) => setTimeout(r, 10));
  t.same(
    s.printed.map((l) => `${'round' in l ? l.round : ''} ${l.type}`),
    ['1 hello', '2 fatal', '1 observation', '1 done'],
  );
  s.close();
  t.equal((await s.endedNow).code, WARM_EXIT.STDIN_CLOSED, 'its input ended: the orchestrator is gone');
});

t.test('the lease: nothing heard for leaseMs ends it; every line renews it', async (t) => {
  const s = session(150, oneObservation);
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 60));
    s.send({ type: 'renew' });
  }
  t.equal(s.ended(), undefined, 'renewed in time, four times');
  const end = await s.endedNow;
  t.equal(end.code, WARM_EXIT.LEASE_EXPIRED);
  t.match(end.why, /nothing heard from the orchestrator for 150 ms/);
});

t.test("a round past its plan's deadline ends the probe, as a cold probe's deadline does", async (t) => {
  const s = session(60_000, () => new Promise(() => undefined));
  s.send({ type: 'round', round: 7, plan: plan([], 50) });
  const end = await s.endedNow;
  t.equal(end.code, AGENT_EXIT.DEADLINE);
  t.match(s.printed.at(-1), { type: 'fatal', round: 7, message: /deadline of 50 ms/ });
});

t.test('a plan of another version, or a line that is not JSON, is refused and ends the probe', async (t) => {
  const a = session(60_000, oneObservation);
  a.send({ type: 'round', round: 1, plan: { ...plan([]), version: 1 } });
  t.equal((await a.endedNow).code, AGENT_EXIT.PLAN_REFUSED);
  t.match(a.printed.at(-1), { type: 'fatal', round: 1, message: /plan version 1 is not/ });
  const b = session(60_000, oneObservation);
  b.close();
  const c = session(60_000, oneObservation);
  c.send({ type: 'dance' });
  t.equal((await c.endedNow).code, AGENT_EXIT.PLAN_REFUSED);
  t.equal((await b.endedNow).code, WARM_EXIT.STDIN_CLOSED);
});

/** The bundled agent in warm mode: its lines, and how it ended. */
function warmAgent(env: Record<string, string>) {
  const child = spawn(process.execPath, [AGENT_BUNDLE, 'warm'], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: WarmLine[] = [];
  let buffer = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      lines.push(JSON.parse(buffer.slice(0, i)) as WarmLine);
      buffer = buffer.slice(i + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const until = async (found: () => boolean) => {
    while (!found()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { child, lines, exited, until, stderr: () => stderr };
}

t.test('the bundled agent: ready, then rounds over stdin and stdout with real sockets', async (t) => {
  const server = createServer((s) => s.end()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => void server.close());
  const port = (server.address() as { port: number }).port;
  const agent = warmAgent({ [LEASE_ENV]: '60000' });
  t.teardown(() => void agent.child.kill('SIGKILL'));
  await agent.until(() => agent.lines.some((l) => l.type === 'ready'));
  t.match(agent.lines[0], { type: 'ready', leaseMs: 60000 });
  for (const round of [1, 2, 3]) {
    agent.child.stdin.write(
      `${JSON.stringify({ type: 'round', round, plan: plan([{ id: 'c1', kind: 'tcp', host: '127.0.0.1', port, subnets: [] }]) })}\n`,
    );
    await agent.until(() => agent.lines.some((l) => l.type === 'done' && l.round === round));
  }
  const observations = agent.lines.filter((l) => l.type === 'observation');
  t.same(
    observations.map((l) => `${l.round} ${l.type === 'observation' ? l.observation.outcome : ''}`),
    ['1 open', '2 open', '3 open'],
  );
  agent.child.stdin.end();
  t.equal(await agent.exited, WARM_EXIT.STDIN_CLOSED, 'its stdin closed: it ends at once');
});

t.test('the bundled agent ends by itself when its lease runs out', async (t) => {
  const agent = warmAgent({ [LEASE_ENV]: '1000' });
  t.teardown(() => void agent.child.kill('SIGKILL'));
  t.equal(await agent.exited, WARM_EXIT.LEASE_EXPIRED);
  t.match(agent.stderr(), /lease expired/);
});

t.test('the bundled agent refuses a lease out of bounds', async (t) => {
  const agent = warmAgent({ [LEASE_ENV]: '5' });
  t.equal(await agent.exited, WARM_EXIT.BAD_LEASE);
  t.match(agent.lines[0], { type: 'fatal', message: /DOCKPROBE_LEASE_MS must be 1000 to 600000 ms, got '5'/ });
});
