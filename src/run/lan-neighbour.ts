import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { encodePlan } from '../../probes/agent/plan-transport.js';
import { AGENT_BUNDLE } from '../package-paths.js';
import type { LanPlacement, ProbeSpec } from '../plan/plan.js';
import type { CleanupStack } from './cleanup-stack.js';
import { parseAgentOutput } from './parse-agent-output.js';
import { ProbeFailedError } from './probe-failed-error.js';
import { lastLine, unfinishedCode } from './probe.js';
import { probeResult, type ProbeResult } from './probe-result.js';

/** Each `ip` call's bound: they are local netlink calls, answered in milliseconds. */
const IP_TIMEOUT_MS = 10_000;

/** What the neighbour needs of its run. */
export interface LanContext {
  runId: string;
  cleanup: CleanupStack;
  /** Where the engine is: the neighbour stands beside the host only when the engine runs here (a unix socket). */
  engineEndpoint: string;
}

/** The names a run's neighbour uses: its network namespace and the two ends of its veth pair (15 characters at most). */
export function lanNames(runId: string, pid = process.pid): { netns: string; hostIf: string; peerIf: string } {
  const tag = createHash('sha256').update(runId).digest('hex').slice(0, 8);
  return { netns: `dockprobe-lan-${runId}-${pid}`, hostIf: `dpl${tag}h`, peerIf: `dpl${tag}n` };
}

/**
 * A neighbour on the host's LAN, made on this host: a network namespace joined to the host by a veth pair, with
 * routes for the local bridge networks' subnets through the host and nothing else (no default route: nothing it sends
 * is forwarded past the host). The probe agent runs there as an ordinary process with the probe's hardening: nobody's
 * uid and gid, no capabilities (none inheritable, an empty bounding set, no_new_privs), and limits on open files,
 * processes and memory. Everything is registered for removal before it is made, so success, failure and signals all
 * remove it; `cleanup` removes a neighbour whose run is gone (by the pid in its name).
 *
 * Only as root, on the engine's own host: otherwise the probe fails with the reason, and its cells are inconclusive.
 */
export class LanNeighbour {
  constructor(
    readonly spec: ProbeSpec & { placement: LanPlacement },
    private readonly context: LanContext,
  ) {}

  async start(): Promise<StartedLanNeighbour> {
    const { placement } = this.spec;
    if (process.platform !== 'linux' || process.getuid?.() !== 0) {
      throw new ProbeFailedError(
        'lan-unsupported',
        "the LAN view needs root on the engine's host: it makes a network namespace and a veth pair there (run dockprobe as root on that host)",
      );
    }
    if (!this.context.engineEndpoint.startsWith('unix://')) {
      throw new ProbeFailedError(
        'lan-unsupported',
        `the LAN view stands beside the engine's host, and the engine at ${this.context.engineEndpoint} is not on this one: run dockprobe on that host`,
      );
    }
    if (this.context.cleanup.closed)
      throw new ProbeFailedError('aborted', `run ${this.context.runId} is stopping; LAN neighbour not made`);
    const { netns, hostIf, peerIf } = lanNames(this.context.runId);
    const started = performance.now();
    const dir = mkdtempSync(join(tmpdir(), 'dockprobe-lan-'));
    let server: Server | undefined;
    const remove = this.context.cleanup.defer(`remove LAN neighbour ${netns}`, async () => {
      server?.close();
      rmSync(dir, { recursive: true, force: true });
      await removeLanNeighbour(netns, hostIf);
    });
    try {
      const ip = (args: string[]) => run('ip', args);
      await ip(['netns', 'add', netns]);
      await ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', peerIf, 'netns', netns]);
      await ip(['addr', 'add', `${placement.host}/30`, 'dev', hostIf]);
      await ip(['link', 'set', hostIf, 'up']);
      await ip(['-n', netns, 'link', 'set', 'lo', 'up']);
      await ip(['-n', netns, 'addr', 'add', `${placement.neighbour}/30`, 'dev', peerIf]);
      await ip(['-n', netns, 'link', 'set', peerIf, 'up']);
      for (const subnet of placement.routes) await ip(['-n', netns, 'route', 'add', subnet, 'via', placement.host]);
      server = await listen(placement.host, placement.controlPort);
      // The agent is copied where user nobody can read it: the package may sit under a directory only root can enter.
      const agent = join(dir, 'agent.mjs');
      copyFileSync(AGENT_BUNDLE, agent);
      chmodSync(agent, 0o444);
      chmodSync(dir, 0o755);
    } catch (error) {
      await remove().catch(() => undefined);
      throw error;
    }
    return new StartedLanNeighbour(this.spec, netns, join(dir, 'agent.mjs'), remove, started);
  }
}

/** A neighbour made and ready: its agent runs once, then it is removed. */
export class StartedLanNeighbour {
  constructor(
    readonly spec: ProbeSpec,
    readonly netns: string,
    private readonly agent: string,
    private readonly remove: () => Promise<void>,
    private readonly startedAt: number,
  ) {}

  /** Runs the agent in the neighbour (its own deadline plus `graceMs`) and reads what it saw. Never throws. */
  async result(graceMs: number): Promise<ProbeResult> {
    const timeoutMs = this.spec.plan.deadlineMs + graceMs;
    const hardened = [
      `--net=/run/netns/${this.netns}`,
      '--',
      'setpriv',
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      '--inh-caps=-all',
      '--bounding-set=-all',
      '--no-new-privs',
      '--',
      // Node reserves far more address space than it uses, so the memory bound is on data (RLIMIT_DATA) and on the
      // heap (as the probe container's NODE_OPTIONS), not on address space.
      'prlimit',
      '--nofile=1024',
      '--nproc=4096',
      `--data=${512 * 1024 * 1024}`,
      '--',
      process.execPath,
      '--max-old-space-size=64',
      this.agent,
      'run',
    ];
    const durationMs = () => Math.round(performance.now() - this.startedAt);
    try {
      const exit = await execa('nsenter', hardened, {
        env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...encodePlan(this.spec.plan) },
        extendEnv: false,
        timeout: timeoutMs,
        reject: false,
        stdin: 'ignore',
      });
      const output = parseAgentOutput(String(exit.stdout));
      const why = output.fatal ?? (exit.timedOut ? `killed after ${timeoutMs} ms` : lastLine(String(exit.stderr)));
      // The agent exits 0 on the SIGTERM that ends a run past its time: only execa knows it was killed.
      const code =
        output.fatal === undefined && exit.timedOut ? 'deadline-exceeded' : unfinishedCode(output, exit.exitCode);
      const failure = output.done
        ? undefined
        : {
            code,
            text: `LAN neighbour ${this.netns}: the agent ended with exit code ${exit.exitCode ?? exit.signal} before finishing${why ? `: ${why}` : ''}`,
          };
      return probeResult(
        this.spec,
        {
          observations: output.observations,
          interfaces: output.interfaces,
          defaultRoute: output.defaultRoute,
          durationMs: durationMs(),
        },
        failure,
      );
    } catch (error) {
      // execa rejects nothing here (reject: false): what throws is the plan's encoding or the call itself.
      return probeResult(
        this.spec,
        { durationMs: durationMs() },
        { code: 'not-started', text: `LAN neighbour ${this.netns}: ${(error as Error).message}` },
      );
    }
  }

  stop(): Promise<void> {
    return this.remove();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * Removes a neighbour: its namespace (the veth pair goes with it) and, should the namespace be gone already, the
 * host's end. What is not there is not an error.
 */
export async function removeLanNeighbour(netns: string, hostIf: string): Promise<void> {
  const gone = /No such file|does not exist|Cannot find device|not exist/i;
  const del = await execa('ip', ['netns', 'del', netns], { timeout: IP_TIMEOUT_MS, reject: false });
  if (del.exitCode !== 0 && !gone.test(String(del.stderr)))
    throw new Error(`ip netns del ${netns}: ${String(del.stderr).trim()}`);
  const link = await execa('ip', ['link', 'del', hostIf], { timeout: IP_TIMEOUT_MS, reject: false });
  if (link.exitCode !== 0 && !gone.test(String(link.stderr)))
    throw new Error(`ip link del ${hostIf}: ${String(link.stderr).trim()}`);
}

async function run(file: string, args: string[]): Promise<void> {
  const r = await execa(file, args, { timeout: IP_TIMEOUT_MS, reject: false });
  if (r.exitCode !== 0)
    throw new Error(
      `${file} ${args.join(' ')} failed${r.timedOut ? ` (no answer within ${IP_TIMEOUT_MS} ms)` : ''}: ${String(r.stderr).trim() || r.shortMessage}`,
    );
}

// The neighbour's control: something that answers at the host's end of its link. Another process already listening
// on that port on all addresses answers as well, which proves the same.
function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(server) : reject(error),
    );
    server.listen(port, host, () => resolve(server));
  });
}
