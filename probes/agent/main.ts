import { networkInterfaces } from 'node:os';
import { readDefaultRoute } from './default-route.js';
import { DnsStub } from './dns-stub.js';
import { decodePlan } from './plan-transport.js';
import { AGENT_EXIT, type AgentLine, DNS_STUB_ENV, type ProbePlan } from './protocol.js';
import { runPlan } from './run-plan.js';
import { ownAddresses, proveReady } from './ready.js';
import { serve } from './serve.js';
import { warmSession } from './warm.js';
import { DEFAULT_LEASE_MS, LEASE_ENV, MAX_LEASE_MS, MIN_LEASE_MS, WARM_EXIT } from './warm-protocol.js';

// The probe agent: `run` executes a plan (from its environment, see plan-transport.ts) and prints JSON lines;
// `warm` stays up and runs a plan per round from its stdin (warm.ts); `serve` listens on ports for test topologies. It runs as PID 1, so it handles SIGTERM itself.
const AGENT_VERSION = '1';

function print(line: AgentLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/**
 * The stub resolver on the probe's loopback, where its embedded DNS forwards unknown names (dns-stub.ts): only where
 * the orchestrator says that is the probe's upstream. Undefined where it could not listen: lookups go on without it.
 */
async function dnsStub(): Promise<DnsStub | undefined> {
  return process.env[DNS_STUB_ENV] === '1' ? DnsStub.listen() : undefined;
}

function interfaces(): string[] {
  return Object.entries(networkInterfaces()).flatMap(([name, addresses]) =>
    (addresses ?? [])
      .filter((a) => a.family === 'IPv4' || !a.address.startsWith('fe80'))
      .map((a) => `${name} ${a.cidr ?? a.address}`),
  );
}

async function runCommand(): Promise<void> {
  const started = Date.now();
  let plan: ProbePlan;
  try {
    plan = decodePlan(process.env);
  } catch (error) {
    print({ type: 'fatal', message: (error as Error).message });
    process.exit(AGENT_EXIT.PLAN_REFUSED);
  }
  // The deadline is absolute: whatever is pending then is abandoned and the process exits by itself.
  const deadline = setTimeout(() => {
    print({ type: 'fatal', message: `deadline of ${plan.deadlineMs} ms reached; pending checks abandoned` });
    process.exit(AGENT_EXIT.DEADLINE);
  }, plan.deadlineMs);
  print({
    type: 'hello',
    agent: AGENT_VERSION,
    node: process.version,
    interfaces: interfaces(),
    defaultRoute: readDefaultRoute(),
  });
  const stub = await dnsStub();
  await runPlan(plan, (observation) => print({ type: 'observation', observation }), stub);
  clearTimeout(deadline);
  // Interfaces again at the end: a joined namespace whose container restarted mid-run is left with only lo.
  print({ type: 'done', elapsedMs: Date.now() - started, interfaces: interfaces() });
  process.exit(0);
}

function parsePorts(args: string[], flag: string): number[] {
  const ports: number[] = [];
  args.forEach((arg, i) => {
    if (arg === flag && args[i + 1]) ports.push(...args[i + 1]!.split(',').map(Number));
  });
  return ports.filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
}

async function serveCommand(args: string[]): Promise<void> {
  const nameIndex = args.indexOf('--name');
  const name = (nameIndex >= 0 ? args[nameIndex + 1] : undefined) ?? process.env['HOSTNAME'] ?? 'dockprobe';
  const log = (line: string) => process.stderr.write(`[serve ${name}] ${line}\n`);
  if (args.includes('--exit-with-parent')) {
    // A test's helper listener must not outlive the test, even one killed by its timeout: once the parent is gone
    // the process is re-parented, and it ends itself.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) process.exit(0);
    }, 250).unref();
  }
  const tcpPorts = parsePorts(args, '--tcp');
  await serve(
    {
      name,
      tcpPorts,
      httpPorts: parsePorts(args, '--http'),
      udpPorts: parsePorts(args, '--udp'),
      udpSilentPorts: parsePorts(args, '--udp-silent'),
    },
    log,
  );
  // --ready: its TCP listeners tried at each of its own addresses, and the answer printed (see ready.ts).
  if (args.includes('--ready')) await proveReady(tcpPorts, ownAddresses(), (line) => process.stdout.write(`${line}\n`));
}

async function warmCommand(): Promise<void> {
  const leaseMs = Number(process.env[LEASE_ENV] ?? DEFAULT_LEASE_MS);
  if (!Number.isInteger(leaseMs) || leaseMs < MIN_LEASE_MS || leaseMs > MAX_LEASE_MS) {
    print({
      type: 'fatal',
      message: `${LEASE_ENV} must be ${MIN_LEASE_MS} to ${MAX_LEASE_MS} ms, got '${process.env[LEASE_ENV]}'`,
    });
    process.exit(WARM_EXIT.BAD_LEASE);
  }
  const stub = await dnsStub();
  process.stdout.write(`${JSON.stringify({ type: 'ready', agent: AGENT_VERSION, node: process.version, leaseMs })}\n`);
  warmSession(leaseMs, {
    input: process.stdin,
    print: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
    // Said on stderr, then gone: stdout is the orchestrator's and is flushed first.
    exit: (code, why) => {
      process.stderr.write(`dockprobe agent (warm): ${why}\n`);
      process.stdout.write('', () => process.exit(code));
    },
    interfaces,
    defaultRoute: readDefaultRoute,
    runPlan: (plan, emit) => runPlan(plan, emit, stub),
    agent: AGENT_VERSION,
  });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));

const [command = 'run', ...rest] = process.argv.slice(2);
if (command === 'run') {
  await runCommand();
} else if (command === 'warm') {
  await warmCommand();
} else if (command === 'serve') {
  await serveCommand(rest);
} else {
  process.stderr.write(`dockprobe agent: unknown command '${command}'; use 'run', 'warm' or 'serve'\n`);
  process.exit(2);
}
