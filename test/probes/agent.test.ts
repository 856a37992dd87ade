import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { once } from 'node:events';
import t from 'tap';
import { PLAN_VERSION, probeDeadlineMs, type AgentLine, type ProbePlan } from '../../probes/agent/protocol.js';
import { AGENT_BUNDLE } from '../../src/package-paths.js';

// The bundled agent, run by node on loopback only: real sockets, real classification, its own deadline.

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

function runAgent(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ lines: AgentLine[]; code: number | null; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [AGENT_BUNDLE, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => {
    child.on('exit', (code) =>
      resolve({
        lines: out
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as AgentLine),
        code,
        ms: Date.now() - started,
      }),
    );
  });
}

/** Runs the bundled agent's `serve` as `svc` with `ports` until the test ends; resolves once it said `ready`. */
async function serveOnLoopback(t: { teardown(fn: () => void): void }, ports: string[], ready: string): Promise<void> {
  const server = spawn(process.execPath, [AGENT_BUNDLE, 'serve', '--name', 'svc', ...ports], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.teardown(() => void server.kill('SIGTERM'));
  let said = '';
  await new Promise<void>((resolve) =>
    server.stderr.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes(ready)) resolve();
    }),
  );
}

t.test('serve listens; run reports open, http status and refused, then exits by itself', async (t) => {
  const [tcpPort, httpPort, closedPort] = await Promise.all([freePort(), freePort(), freePort()]);
  await serveOnLoopback(t, ['--tcp', String(tcpPort), '--http', String(httpPort)], `http ${httpPort} listening`);

  // An HTTP server that answers only after a known delay: the check's latency must cover it, and no more than the
  // check's own limit on top.
  const DELAY_MS = 300;
  const slow = createHttpServer((_req, res) => void setTimeout(() => res.end('late'), DELAY_MS)).listen(0, '127.0.0.1');
  await once(slow, 'listening');
  t.teardown(() => void slow.close());
  const slowPort = (slow.address() as { port: number }).port;

  const plan: ProbePlan = {
    version: PLAN_VERSION,
    dnsServer: '127.0.0.1',
    timeoutMs: 1000,
    deadlineMs: 5000,
    concurrency: 32,
    controls: [],
    checks: [
      { id: 'tcp', kind: 'tcp', host: '127.0.0.1', port: tcpPort, subnets: [] },
      { id: 'slow', kind: 'http', url: `http://127.0.0.1:${slowPort}/`, subnets: [] },
      { id: 'http', kind: 'http', url: `http://127.0.0.1:${httpPort}/status/503`, subnets: [] },
      { id: 'closed', kind: 'tcp', host: '127.0.0.1', port: closedPort, subnets: [] },
      // HTTP to a port that answers with other bytes (a redis on a leaked network): reached, not an unknown error.
      { id: 'not-http', kind: 'http', url: `http://127.0.0.1:${tcpPort}/`, subnets: [] },
    ],
  };
  const { lines, code } = await runAgent(['run'], {
    DOCKPROBE_PLAN: Buffer.from(JSON.stringify(plan)).toString('base64'),
  });
  t.equal(code, 0);
  t.match(lines[0], { type: 'hello' });
  const obs = new Map(lines.flatMap((l) => (l.type === 'observation' ? [[l.observation.id, l.observation]] : [])));
  t.match(obs.get('tcp'), { outcome: 'open', address: '127.0.0.1', port: tcpPort });
  t.match(obs.get('http'), { outcome: 'http', status: 503 });
  t.match(obs.get('closed'), { outcome: 'refused', errorCode: 'ECONNREFUSED' });
  t.match(obs.get('not-http'), { outcome: 'open', address: '127.0.0.1', port: tcpPort, detail: /not HTTP/ });
  const latency = obs.get('slow')!.latencyMs;
  t.match(obs.get('slow'), { outcome: 'http', status: 200 });
  t.ok(
    latency >= DELAY_MS && latency < DELAY_MS + 1000,
    `latency ${latency} ms covers the server's ${DELAY_MS} ms delay, within the 1 s limit`,
  );
  t.match(lines[lines.length - 1], { type: 'done' });
});

t.test('the agent exits at its deadline whatever is pending, and refuses a plan of another version', async (t) => {
  // A DNS server that reads queries and never answers.
  const silent = createSocket('udp4').bind(0, '127.0.0.1');
  await once(silent, 'listening');
  t.teardown(() => silent.close());
  const silentDns = silent.address().port;
  const plan = {
    version: PLAN_VERSION,
    dnsServer: `127.0.0.1:${silentDns}`,
    timeoutMs: 5000,
    deadlineMs: 400,
    checks: [{ id: 'slow', kind: 'dns', name: 'nothing.invalid', subnets: [] }],
  };
  const { lines, code, ms } = await runAgent(['run'], {
    DOCKPROBE_PLAN: Buffer.from(JSON.stringify(plan)).toString('base64'),
  });
  t.equal(code, 4);
  t.ok(ms < 3000, `exited after ${ms} ms`);
  t.match(lines[lines.length - 1], { type: 'fatal', message: /deadline of 400 ms/ });

  const old = await runAgent(['run'], {
    DOCKPROBE_PLAN: Buffer.from(JSON.stringify({ ...plan, version: 99 })).toString('base64'),
  });
  t.equal(old.code, 2);
  t.match(old.lines[0], { type: 'fatal', message: /plan version 99/ });
});

t.test('a check with retries is tried again while it is not reached, and says how many tries it took', async (t) => {
  const closed = await freePort();
  const plan: ProbePlan = {
    version: PLAN_VERSION,
    dnsServer: '127.0.0.1',
    timeoutMs: 500,
    deadlineMs: 5000,
    concurrency: 32,
    controls: [],
    checks: [
      { id: 'r', kind: 'tcp', host: '127.0.0.1', port: closed, subnets: [], retries: 2 },
      { id: 'n', kind: 'tcp', host: '127.0.0.1', port: closed, subnets: [] },
    ],
  };
  const { lines } = await runAgent(['run'], { DOCKPROBE_PLAN: Buffer.from(JSON.stringify(plan)).toString('base64') });
  const obs = new Map(lines.flatMap((l) => (l.type === 'observation' ? [[l.observation.id, l.observation]] : [])));
  t.match(obs.get('r'), { outcome: 'refused', tries: 3 });
  t.equal(obs.get('n')!.tries, undefined, 'no retries unless planned');
  t.ok(obs.get('r')!.latencyMs >= 400, 'two pauses between the three tries');
});

t.test('plans of any size reach the probe: 1,200 checks through the environment, gzipped and chunked', async (t) => {
  const { encodePlan } = await import('../../probes/agent/plan-transport.js');
  const closed = await freePort();
  const checks = Array.from({ length: 1200 }, (_, i) => ({
    id: `c${i}`,
    kind: 'tcp' as const,
    host: '127.0.0.1',
    port: closed,
    subnets: [`10.${i % 250}.0.0/16`],
  }));
  const plan: ProbePlan = {
    version: PLAN_VERSION,
    dnsServer: '127.0.0.1',
    timeoutMs: 500,
    deadlineMs: 20_000,
    concurrency: 64,
    controls: [],
    checks,
  };
  // Once one variable carried the whole plan: "argument list too long" (E2BIG) past 128 KiB.
  t.ok(
    Buffer.from(JSON.stringify(plan)).toString('base64').length > 128 * 1024,
    'the plan as one base64 variable is over the 128 KiB a variable may hold',
  );
  const { lines, code } = await runAgent(['run'], encodePlan(plan));
  t.equal(code, 0);
  t.equal(lines.filter((l) => l.type === 'observation').length, 1200);
});

t.test(
  'at most `concurrency` checks in flight; the controls run first, among the checks, and again at the end',
  async (t) => {
    let open = 0;
    let peak = 0;
    // Answers every request after 100 ms and counts how many are waiting at once: each is a check in flight.
    const server = createHttpServer((_req, res) => {
      open++;
      peak = Math.max(peak, open);
      setTimeout(() => {
        open--;
        res.end('ok');
      }, 100);
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.teardown(() => void server.close());
    const port = (server.address() as { port: number }).port;
    const checks = Array.from({ length: 40 }, (_, i) => ({
      id: `c${i}`,
      kind: 'http' as const,
      url: `http://127.0.0.1:${port}/${i}`,
      subnets: [],
    }));
    const plan: ProbePlan = {
      version: PLAN_VERSION,
      dnsServer: '127.0.0.1',
      timeoutMs: 2000,
      deadlineMs: 20_000,
      concurrency: 4,
      controls: ['c0'],
      checks,
    };
    const { lines, code } = await runAgent(['run'], {
      DOCKPROBE_PLAN: Buffer.from(JSON.stringify(plan)).toString('base64'),
    });
    t.equal(code, 0);
    t.ok(peak <= 4, `at most 4 connections at once (saw ${peak})`);
    const ids = lines.flatMap((l) => (l.type === 'observation' ? [l.observation.id] : []));
    t.same(
      ids.filter((id) => id.startsWith('c0')),
      ['c0', 'c0@2', 'c0@3', 'c0@4'],
      'the control ran four times',
    );
    t.equal(ids[ids.length - 1], 'c0@4', 'the last run of the control comes after every check');
    t.ok(ids.indexOf('c0@2') > 4 && ids.indexOf('c0@3') < ids.indexOf('c39'), 'repeats sit among the checks');
  },
);

t.test('udp checks through the agent: serve answers or keeps silent, a closed port is unreachable', async (t) => {
  const closedUdp = createSocket('udp4').bind(0, '127.0.0.1');
  await once(closedUdp, 'listening');
  const closed = closedUdp.address().port;
  closedUdp.close();
  const [answers, silent] = [await freePort(), await freePort()];
  await serveOnLoopback(t, ['--udp', String(answers), '--udp-silent', String(silent)], `udp ${silent} silent`);
  const checks = [
    { id: 'answers', kind: 'udp' as const, host: '127.0.0.1', port: answers, subnets: [] },
    { id: 'answers6', kind: 'udp' as const, host: '::1', port: answers, subnets: [], family: 6 as const },
    { id: 'silent', kind: 'udp' as const, host: '127.0.0.1', port: silent, subnets: [], spacingMs: 300 },
    { id: 'closed', kind: 'udp' as const, host: '127.0.0.1', port: closed, subnets: [] },
    // Retried as a check expected reachable is: every datagram counts in its tries.
    {
      id: 'retried',
      kind: 'udp' as const,
      host: '127.0.0.1',
      port: silent,
      subnets: [],
      tries: 2,
      spacingMs: 0,
      retries: 1,
    },
  ];
  const plan: ProbePlan = {
    version: PLAN_VERSION,
    dnsServer: '127.0.0.1',
    timeoutMs: 200,
    deadlineMs: probeDeadlineMs(checks, 200, 32),
    concurrency: 32,
    controls: [],
    checks,
  };
  const { lines, code } = await runAgent(['run'], {
    DOCKPROBE_PLAN: Buffer.from(JSON.stringify(plan)).toString('base64'),
  });
  t.equal(code, 0);
  const obs = new Map(lines.flatMap((l) => (l.type === 'observation' ? [[l.observation.id, l.observation]] : [])));
  t.match(obs.get('answers'), {
    kind: 'udp',
    target: `udp://127.0.0.1:${answers}`,
    outcome: 'udp-answer',
    address: '127.0.0.1',
    port: answers,
    bytes: 4,
    tries: 1,
    detail: /"svc\\x0a"/,
  });
  t.match(obs.get('answers6'), { target: `udp://[::1]:${answers}`, outcome: 'udp-answer', address: '::1' });
  t.match(obs.get('silent'), { outcome: 'udp-silent', errorCode: 'DP_UDP_SILENT', tries: 2 });
  t.ok(obs.get('silent')!.latencyMs >= 300, 'the second try went after the spacing');
  t.match(obs.get('closed'), { outcome: 'udp-port-unreachable', errorCode: 'ECONNREFUSED', port: closed });
  t.match(obs.get('retried'), { outcome: 'udp-silent', tries: 4 });
});

t.test(
  'a plan of the version before udp checks is refused: the agent and the orchestrator are one build',
  async (t) => {
    const plan = {
      version: PLAN_VERSION - 1,
      dnsServer: '127.0.0.1',
      timeoutMs: 200,
      deadlineMs: 2000,
      checks: [{ id: 'u', kind: 'udp', host: '127.0.0.1', port: 9, subnets: [] }],
    };
    const older = await runAgent(['run'], { DOCKPROBE_PLAN: Buffer.from(JSON.stringify(plan)).toString('base64') });
    t.equal(older.code, 2);
    t.match(older.lines[0], { type: 'fatal', message: `plan version ${PLAN_VERSION - 1} is not ${PLAN_VERSION}` });
  },
);
