import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import type { EngineInfo } from '../docker/system-client.js';
import { formatDuration } from '../scenario/duration.js';
import type { RestoreOutcome } from './chaos-result.js';
import type { CommandRun, Fault, FaultSpec } from './fault.js';
import { describeRun } from './describe-run.js';
import { faultRefusal, refuseOnRootless, refuseUnlessEngineHostRoot } from './host-fault-guard.js';
import { waitForEngine } from './wait-for-engine.js';

/** How much of the command's output the report keeps (its end). */
const OUTPUT_KEPT = 4000;

/** What the engine-restart fault needs besides the engine as it was read. */
export interface EngineRestartOptions {
  endpoint: string;
  /** The way to restart dockerd on this host (`--engine-restart-command`), run by `sh -c`. */
  command: string | undefined;
  /** The command's deadline, and again the bound on waiting for the engine to answer after it. */
  timeoutMs: number;
  /** Asks the engine what it is; throws while it does not answer. */
  info: () => Promise<EngineInfo>;
  /** The process's uid unless told (tests). */
  uid?: number | undefined;
}

/**
 * `restart-engine`: dockerd restarted with live-restore while the probes keep checking, as an upgrade of the engine
 * package or a `systemctl restart docker` does. The restart is the user's own command (`--engine-restart-command`,
 * e.g. `systemctl restart docker`), run by `sh -c` with a deadline; its exit status and output are the report's
 * evidence. Then it waits (bounded by the same deadline) until the engine answers again. Refused (a usage error: what
 * is wrong and what to do) for a remote engine, a rootless one (a restart takes RootlessKit's namespace with it), a
 * user who is not root, without the command, and unless the engine
 * reports live-restore enabled (which swarm mode excludes): without it, a restart stops every container. Nothing to
 * restore: the restore checks that the engine answers with live-restore still on.
 */
export function engineRestartFault(spec: FaultSpec, engine: EngineInfo, options: EngineRestartOptions): Fault {
  refuseOnRootless(
    spec.kind,
    engine,
    "restarting it restarts RootlessKit, whose network namespace holds the engine's bridges, container addresses and rules, and its containers stop with it, live-restore or not",
    'drill restart-engine on a rootful engine with live-restore on',
  );
  refuseUnlessEngineHostRoot(
    spec.kind,
    { endpoint: options.endpoint, remote: engine.remote },
    'restarting the engine',
    options.uid,
  );
  if (engine.swarm)
    throw faultRefusal(
      spec.kind,
      `the engine at ${options.endpoint} is a swarm ${engine.swarmManager ? 'manager' : 'worker'}: live-restore is not possible in swarm mode, so a restart would stop its containers`,
      'run the drill on an engine outside a swarm, with live-restore on',
    );
  if (engine.liveRestore !== true)
    throw faultRefusal(
      spec.kind,
      `the engine at ${options.endpoint} does not report live-restore enabled (LiveRestoreEnabled: ${engine.liveRestore ?? 'not reported'}): a restart would stop every container`,
      'set "live-restore": true in /etc/docker/daemon.json and reload dockerd (systemctl reload docker), then check `docker info --format {{.LiveRestoreEnabled}}`',
    );
  const command = options.command?.trim();
  if (!command)
    throw faultRefusal(
      spec.kind,
      'dockprobe needs the way to restart the engine on this host: --engine-restart-command CMD',
      "--engine-restart-command 'systemctl restart docker'",
    );
  let ran: CommandRun | undefined;
  const limit = formatDuration(options.timeoutMs);
  return {
    spec,
    plan: `restart the engine at ${options.endpoint} (Engine ${engine.version}, live-restore on) with \`${command}\` (sh -c, at most ${limit}), then wait at most ${limit} for it to answer again; its containers keep running meanwhile`,
    async apply() {
      const started = performance.now();
      const out = await execa('sh', ['-c', command], {
        reject: false,
        all: true,
        stdin: 'ignore',
        timeout: options.timeoutMs,
        forceKillAfterDelay: 2_000,
      });
      ran = {
        command,
        ...(typeof out.exitCode === 'number' ? { exitCode: out.exitCode } : {}),
        timedOut: out.timedOut,
        ...(out.signal ? { signal: out.signal } : {}),
        durationMs: Math.round(performance.now() - started),
        output: String(out.all ?? '').slice(-OUTPUT_KEPT),
      };
      const how = describeRun(ran);
      if (ran.timedOut || ran.exitCode !== 0) throw new Error(`${how}${ran.output ? `: ${lastLine(ran.output)}` : ''}`);
      const answered = await waitForEngine(options.info, options.timeoutMs);
      if ('unanswered' in answered)
        throw new Error(`${how}, but the engine did not answer within ${limit} after it: ${answered.unanswered}`);
      return `${how}; the engine answered again ${answered.afterMs} ms after it (Engine ${answered.info.version})`;
    },
    async restore(): Promise<RestoreOutcome> {
      const answered = await waitForEngine(options.info, options.timeoutMs);
      if ('unanswered' in answered)
        return { status: 'failed', detail: `the engine does not answer after ${limit}: ${answered.unanswered}` };
      if (answered.info.liveRestore !== true)
        return {
          status: 'failed',
          detail: `the engine answers (Engine ${answered.info.version}) but live-restore is no longer on`,
        };
      return {
        status: 'nothing-to-restore',
        detail: `the engine answers (Engine ${answered.info.version}, live-restore on): a restart leaves nothing to undo`,
      };
    },
    commandRun: () => ran,
  };
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}
