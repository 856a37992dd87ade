import { readdir, unlink } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, holderOf, type LockHolder } from './chaos-lock.js';
import { runOfSavedRules } from './firewall-fault.js';

/** What a killed drill left on this host, and what `cleanup` did about it (the lists of its report). */
export interface ChaosLeftovers {
  removed: string[];
  wouldRemove: string[];
  kept: string[];
  failures: string[];
}

/** Where to look and what to do. */
export interface ChaosLeftoverOptions {
  /** Where drills keep their lock and saved rules: the temporary directory unless told. */
  dir?: string;
  /** Only this run's. */
  runId?: string;
  /** Say what would be removed; remove nothing. */
  dryRun?: boolean;
  /** This host's name, and whether a pid runs here (tests give their own). */
  here?: string;
  isAlive?: (pid: number) => boolean;
}

/**
 * What drills killed mid-fault left in `dir`: a lock (`dockprobe-chaos-<endpoint digest>.lock`) whose holder was a
 * process of this host that no longer runs (the lock file names its pid and host: no process with that pid here) is
 * removed, as the next drill would take it over; a lock of a live process or of another host is kept. Saved rule
 * sets (`dockprobe-chaos-<run>.rules` and `.ip6`) of a drill whose process is gone (no lock names the run with a live
 * holder) are never restored nor removed here: the report names each file and the command that loads it, since only
 * the user can tell whether the restore timer did it already and whether the host's rules changed since.
 */
export async function chaosLeftovers(options: ChaosLeftoverOptions = {}): Promise<ChaosLeftovers> {
  const dir = options.dir ?? tmpdir();
  const here = options.here ?? hostname();
  const isAlive = options.isAlive ?? alive;
  const out: ChaosLeftovers = { removed: [], wouldRemove: [], kept: [], failures: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  const holders = new Map<string, LockHolder | undefined>();
  for (const name of names.filter((n) => /^dockprobe-chaos-[0-9a-f]{12}\.lock$/.test(n)).sort())
    holders.set(join(dir, name), await holderOf(join(dir, name)));
  const running = new Set<string>();
  for (const [file, h] of holders) {
    if (!h) {
      out.kept.push(`chaos lock ${file}: its holder cannot be read (remove it once no drill runs)`);
      continue;
    }
    if (options.runId !== undefined && h.runId !== options.runId) continue;
    const who = `run ${h.runId}, pid ${h.pid} on ${h.host}, since ${h.since}`;
    if (h.host !== here) {
      out.kept.push(`chaos lock ${file} (${who}): taken on another host, whose pids mean nothing here`);
      running.add(h.runId);
    } else if (isAlive(h.pid)) {
      out.kept.push(`chaos lock ${file} (${who}): the drill still runs`);
      running.add(h.runId);
    } else if (options.dryRun) out.wouldRemove.push(`chaos lock ${file} (${who}): no process ${h.pid} runs here`);
    else
      await unlink(file).then(
        () => out.removed.push(`chaos lock ${file} (${who}): no process ${h.pid} runs here`),
        (error: NodeJS.ErrnoException) =>
          error.code === 'ENOENT' ? undefined : out.failures.push(`chaos lock ${file}: ${error.message}`),
      );
  }
  for (const name of names.sort()) {
    const run = runOfSavedRules(name);
    if (run === undefined || (options.runId !== undefined && run !== options.runId) || running.has(run)) continue;
    const file = join(dir, name);
    const ip6 = names.includes(`${name}.ip6`) ? ` and ${file}.ip6` : '';
    out.kept.push(
      `saved rule sets ${file}${ip6} of chaos drill ${run}, whose process is gone (no lock of a live drill names it): cleanup restores nothing (its restore timer loads them by itself when it fires); if the engine host's rules still lack Docker's chains, load them with: dockprobe chaos --restore ${file}; then remove ${file}${ip6}`,
    );
  }
  return out;
}
