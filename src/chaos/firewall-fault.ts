import { spawn } from 'node:child_process';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Topology } from '../topology/topology.js';
import {
  FIREWALL_READ_TIMEOUT_MS,
  type FirewallReading,
  firewallReadingOf,
  firewallVisibility,
  readFirewall,
} from '../watch/firewall-digest.js';
import type { RestoreOutcome } from './chaos-result.js';
import type { Fault, FaultSpec } from './fault.js';
import { faultRefusal, refuseOnRootless, refuseUnlessEngineHostRoot } from './host-fault-guard.js';
import { changedTables, tableSections } from './changed-tables.js';
import { onlyTables } from './only-tables.js';
import { withoutDockerChains } from './without-docker-chains.js';

/** How long one iptables-restore may take. */
export const FIREWALL_RESTORE_TIMEOUT_MS = 15_000;

/** Where a rule set goes and comes from: IPv4 in FILE, IPv6 in FILE.ip6. */
const FAMILIES = [
  { save: 'iptables-save', restore: 'iptables-restore', suffix: '' },
  { save: 'ip6tables-save', restore: 'ip6tables-restore', suffix: '.ip6' },
] as const;

/** What the firewall fault needs besides the deployment: where it saves, when its timer restores. */
export interface FirewallFaultOptions {
  endpoint: string;
  runId: string;
  /** The directory of the saved rule sets (the system's temporary directory unless told). */
  dir?: string;
  /** The independent restore timer: seconds after the fault is applied. */
  restoreAfterS: number;
}

/**
 * `reload-firewall`: the rule sets of the network namespace dockprobe runs in (which must be the engine host's: it
 * must name a bridge of the deployment), read (`iptables-save`, `ip6tables-save`: whichever backend they use) and
 * saved to FILE and FILE.ip6, of each only the tables that hold Docker's chains or jumps into them (the tables the
 * fault changes: filter and nat, not raw); then those tables replaced by the saved ones without Docker's chains and
 * the jumps into them (policies and DOCKER-USER kept), as an `iptables-restore` of a host rules file does. Before the
 * replace, a detached timer (`sh`, in a process group of its own) restores FILE after `restoreAfterS` unless
 * cancelled, as iptables-apply does: it restores even if dockprobe is killed. The restore loads FILE again, cancels
 * the timer and compares the digest (firewall-digest.ts) of the saved tables as they now are with the one of the
 * tables it saved. The other tables are never loaded: Engine 28 writes a raw rule per container address, and a late
 * restore of raw would bring back the rules of containers gone since, dropping traffic to the next containers given
 * those addresses. Refused for a remote engine, a non-root user, and a namespace whose rules name none of the
 * deployment's bridges. Refused on a rootless engine too: its rules live in RootlessKit's namespace, not the host's.
 */
export async function firewallFault(
  spec: FaultSpec,
  topology: Topology,
  options: FirewallFaultOptions,
): Promise<Fault> {
  refuseOnRootless(
    spec.kind,
    topology.engine,
    "its rules live in RootlessKit's network namespace, which a reload of the host's firewall does not touch: replacing this host's rules would test nothing of the engine",
    "drill a firewall reload on a rootful engine; on this one, `watch` run in RootlessKit's namespace sees the engine's own rules change (docs/engines.md)",
  );
  refuseUnlessEngineHostRoot(spec.kind, topology.engine, 'replacing the firewall');
  const before = await readFirewall();
  const visible = firewallVisibility(before, topology.networks, topology.engine);
  if (!visible.visible || !('digest' in before))
    throw faultRefusal(
      spec.kind,
      `the engine's rule set cannot be seen from here: ${visible.visible ? '' : visible.why}`,
      'run dockprobe as root on the engine host',
    );
  const file = savedRulesFile(options.runId, options.dir);
  let timer: number | undefined;
  // What the restore must give back: the saved tables as they were when the fault was applied. Not the reading above,
  // made before the drill's probes started, which also has tables the fault leaves alone.
  let savedDigest: string | undefined;
  // The rule lines saved, and those the fault loaded (the saved ones without Docker's chains), normalised: a line
  // in the saved tables just before the restore that is in neither was written during the fault (by the engine, for a
  // container started or connected then), and loading the saved tables removes it.
  let savedLines: Set<string> | undefined;
  let faultedLines: Set<string> | undefined;
  return {
    spec,
    plan: `save the IPv4 and IPv6 tables of this host that hold Docker's chains to ${file} (and ${file}.ip6), replace them with the saved ones without Docker's chains and the jumps into them (policies and DOCKER-USER kept) by iptables-restore, as a reload of a host rules file does; a timer restores ${file} after ${options.restoreAfterS} s even if dockprobe is killed (by hand: dockprobe chaos --restore ${file})`,
    async apply() {
      const saved: string[] = [];
      const saves: { command: string; stdout: string; restore: string; file: string }[] = [];
      const tables: string[] = [];
      for (const f of FAMILIES) {
        const out = await execa(f.save, [], { reject: false, timeout: FIREWALL_READ_TIMEOUT_MS, stdin: 'ignore' });
        if (out.exitCode !== 0) {
          if (f.suffix) continue;
          throw new Error(`${f.save} failed: ${String(out.stderr).trim() || `exit ${out.exitCode}`}`);
        }
        const tablesOnly = onlyTables(String(out.stdout), dockerTables(String(out.stdout)));
        const kept = tablesOnly.endsWith('\n') ? tablesOnly : `${tablesOnly}\n`;
        saves.push({ command: f.save, stdout: tablesOnly, restore: f.restore, file: kept });
        await writeFile(`${file}${f.suffix}`, kept, { mode: 0o600 });
        saved.push(`${file}${f.suffix}`);
        tables.push(`${f.save.replace('-save', '')} ${[...tableSections(kept).keys()].join(', ') || 'none'}`);
      }
      const savedReading = firewallReadingOf(saves);
      savedDigest = savedReading.digest;
      savedLines = new Set(savedReading.rules.split('\n'));
      faultedLines = new Set(
        firewallReadingOf(saves.map((x) => ({ ...x, stdout: withoutDockerChains(x.stdout) }))).rules.split('\n'),
      );
      timer = startRestoreTimer(file, options.restoreAfterS);
      // What was just written to FILE, loaded without Docker's chains.
      for (const x of saves) await restoreRules(x.restore, withoutDockerChains(x.file));
      return `saved ${saved.join(' and ')} (tables ${tables.join('; ')}; the others left as they are); loaded them without Docker's chains; restore timer pid ${timer} fires in ${options.restoreAfterS} s`;
    },
    async restore(): Promise<RestoreOutcome> {
      if (timer !== undefined) cancelRestoreTimer(timer);
      const during = await readSavedTables(file);
      const written =
        'rules' in during && savedLines && faultedLines
          ? during.rules.split('\n').filter((l) => l.startsWith('-A ') && !faultedLines!.has(l) && !savedLines!.has(l))
          : [];
      try {
        await restoreFile(file);
      } catch (error) {
        return { status: 'failed', detail: (error as Error).message, savedFile: file };
      }
      const verified = await verifyDigest(savedDigest ?? before.digest, file);
      if (verified.status === 'restored' && written.length > 0)
        return {
          status: 'failed',
          detail: `${verified.detail}; but that removed ${written.length} rule${written.length === 1 ? '' : 's'} written during the fault (by the engine, for a container started or connected then, or by anything else), which the saved set does not have: ${written.slice(0, 5).join('; ')}${written.length > 5 ? `; and ${written.length - 5} more` : ''}. Restart those containers (or dockerd) to have the engine write its rules again`,
          savedFile: file,
        };
      // A verified restore leaves nothing behind; a failed one keeps the saved files for `--restore FILE`.
      if (verified.status === 'restored') {
        await Promise.all(FAMILIES.map((f) => unlink(`${file}${f.suffix}`).catch(() => undefined)));
        return { status: 'restored', detail: `${verified.detail}; the saved files removed` };
      }
      return verified;
    },
  };
}

/** Where a drill saves the IPv4 rule sets (the IPv6 ones beside it, `.ip6`): in `dir`, the temporary one unless told. */
export function savedRulesFile(runId: string, dir = tmpdir()): string {
  return join(dir, `dockprobe-chaos-${runId}.rules`);
}

/** The run id of a file {@link savedRulesFile} names; undefined for any other name (the `.ip6` one too). */
export function runOfSavedRules(name: string): string | undefined {
  return /^dockprobe-chaos-(.+)\.rules$/.exec(name)?.[1];
}

/**
 * The tables of an `iptables-save` text that hold Docker's chains or jumps into them: those `reload-firewall` changes,
 * and the only ones it saves and loads.
 */
export function dockerTables(rules: string): string[] {
  return changedTables(rules, withoutDockerChains(rules));
}

/** The saved text of FILE (IPv4) or FILE.ip6 (IPv6); undefined when that family was not saved. */
async function savedText(file: string, suffix: string): Promise<string | undefined> {
  return readFile(`${file}${suffix}`, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (suffix && error.code === 'ENOENT') return undefined;
    throw error;
  });
}

/**
 * Loads FILE (IPv4) and FILE.ip6 (IPv6, when saved) with iptables-restore and ip6tables-restore: of each, only the
 * tables that hold Docker's chains (a file saved whole by an older dockprobe loads those tables, not raw).
 */
export async function restoreFile(file: string): Promise<void> {
  for (const f of FAMILIES) {
    const text = await savedText(file, f.suffix);
    if (text === undefined) continue;
    await restoreRules(f.restore, onlyTables(text, dockerTables(text)));
  }
}

/**
 * The tables FILE and FILE.ip6 hold, as this namespace now has them (each family's `*-save` output cut to those
 * tables), as {@link firewallReadingOf} reads them: the reading a restore of FILE is verified on.
 */
export async function readSavedTables(file: string): Promise<FirewallReading> {
  const parts: { command: string; stdout: string }[] = [];
  for (const f of FAMILIES) {
    let text: string | undefined;
    try {
      text = await savedText(file, f.suffix);
    } catch (error) {
      return { unavailable: `${file}${f.suffix} cannot be read: ${(error as Error).message}` };
    }
    if (text === undefined) continue;
    const out = await execa(f.save, [], { reject: false, timeout: FIREWALL_READ_TIMEOUT_MS, stdin: 'ignore' }).catch(
      (error: unknown) => ({ exitCode: undefined, stdout: '', stderr: (error as Error).message }),
    );
    if (out.exitCode !== 0)
      return {
        unavailable: `${f.save} failed: ${
          String(out.stderr || '')
            .trim()
            .split('\n')[0] || `exit code ${String(out.exitCode)}`
        }`,
      };
    parts.push({ command: f.save, stdout: onlyTables(String(out.stdout), [...tableSections(text).keys()]) });
  }
  return firewallReadingOf(parts);
}

/** Whether the tables FILE holds now have the digest they had when saved, before the fault. */
export async function verifyDigest(digest: string, file: string): Promise<RestoreOutcome> {
  const after = await readSavedTables(file);
  if (!('digest' in after))
    return {
      status: 'failed',
      detail: `the rule set cannot be read after the restore: ${after.unavailable}`,
      savedFile: file,
    };
  return after.digest === digest
    ? {
        status: 'restored',
        detail: `${file} loaded; the rule-set digest of the tables it holds is the one before the fault (sha256 ${digest.slice(0, 12)})`,
        savedFile: file,
      }
    : {
        status: 'failed',
        detail: `${file} loaded, but the rule-set digest of the tables it holds differs from the one before the fault (sha256 ${after.digest.slice(0, 12)}, was ${digest.slice(0, 12)})`,
        savedFile: file,
      };
}

async function restoreRules(command: string, rules: string): Promise<void> {
  const out = await execa(command, [], { input: rules, reject: false, timeout: FIREWALL_RESTORE_TIMEOUT_MS });
  if (out.exitCode !== 0) throw new Error(`${command} failed: ${String(out.stderr).trim() || `exit ${out.exitCode}`}`);
}

/**
 * A detached `sh` (its own session and process group, its output nowhere) that sleeps, then loads FILE and FILE.ip6
 * as they are (the fault saves in them only the tables it changes, so no other table is loaded): independent of
 * dockprobe, as iptables-apply's timer is. Returns its pid (the group's id).
 */
export function startRestoreTimer(file: string, afterS: number): number {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = `sleep ${Math.max(1, Math.round(afterS))} && iptables-restore < ${q(file)}; [ -f ${q(`${file}.ip6`)} ] && ip6tables-restore < ${q(`${file}.ip6`)}; exit 0`;
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  if (child.pid === undefined) throw new Error('the restore timer did not start');
  return child.pid;
}

/** Ends the timer's process group (sh and its sleep); one already gone is fine. */
export function cancelRestoreTimer(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // Gone already: it fired, or it was cancelled.
  }
}
