import { createHash } from 'node:crypto';
import { execa } from 'execa';
import type { EngineInfo } from '../docker/system-client.js';

/** How long one read of the rule set may take. */
export const FIREWALL_READ_TIMEOUT_MS = 5_000;
/** How often the rule set is read while watching. */
export const FIREWALL_POLL_MS = 2_000;

/** The rule set as read once: its digest, or why it cannot be read here. */
export type FirewallReading = { digest: string; rules: string } | { unavailable: string };

/** Reads the rule set of this network namespace (`iptables-save`, `ip6tables-save`: whichever backend they use). */
export type FirewallReader = () => Promise<FirewallReading>;

/**
 * The IPv4 and IPv6 rule sets of the namespace dockprobe runs in, as `iptables-save` and `ip6tables-save` print
 * them, each under its own heading, without what changes when nothing does (comment lines with the date, packet and
 * byte counters), and their SHA-256. Needs root or CAP_NET_ADMIN.
 */
export async function readFirewall(): Promise<FirewallReading> {
  const parts: { command: string; stdout: string }[] = [];
  for (const command of ['iptables-save', 'ip6tables-save']) {
    const out = await execa(command, [], { reject: false, timeout: FIREWALL_READ_TIMEOUT_MS, stdin: 'ignore' }).catch(
      (error: unknown) => ({ failed: true, exitCode: undefined, stdout: '', stderr: (error as Error).message }),
    );
    if (out.failed || out.exitCode !== 0) {
      if (command === 'ip6tables-save' && parts.length > 0) continue;
      const said =
        String(out.stderr || '')
          .trim()
          .split('\n')[0] || `exit code ${String(out.exitCode)}`;
      return { unavailable: `${command} failed: ${said}` };
    }
    parts.push({ command, stdout: String(out.stdout) });
  }
  return firewallReadingOf(parts);
}

/**
 * The reading of rule sets as `iptables-save` and `ip6tables-save` printed them (the IPv6 one left out where it could
 * not be read): each under its own heading, normalised, and their SHA-256, as {@link readFirewall} makes it. A drill
 * that saved the rule sets takes its digest from what it saved, so nothing can change between the two.
 */
export function firewallReadingOf(saves: readonly { command: string; stdout: string }[]): {
  digest: string;
  rules: string;
} {
  const rules = saves.map((s) => `# ${s.command}\n${normaliseRules(s.stdout)}`).join('\n');
  return { digest: createHash('sha256').update(rules).digest('hex'), rules };
}

/** A rule set as `*-save` prints it, without its comment lines and counters: what is the same while rules are. */
export function normaliseRules(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('#') && line.trim() !== '')
    .map((line) => line.replace(/\s\[\d+:\d+\]$/, '').replace(/^\[\d+:\d+\]\s/, ''))
    .join('\n');
}

/** Whether watch can see the engine's firewall from where it runs, and how: said at start. */
export type FirewallVisibility = { visible: true; how: string } | { visible: false; why: string };

/**
 * Whether `reading` is the engine's own rule set: it must mention a bridge of the deployment (`br-` and the first 12
 * characters of a network's id, or docker0 for the default bridge), and the engine must not be remote
 * (docker/engine-locality.ts). A rule set read elsewhere (dockprobe in a
 * container of its own, or on another host than a remote engine) has no such rule, and its changes say nothing.
 * Podman's rules are never in it: netavark writes nftables. A rootless engine's rules are in RootlessKit's network
 * namespace: they are seen only from there (entered with nsenter), never from the host's.
 */
export function firewallVisibility(
  reading: FirewallReading,
  bridges: readonly { id: string; name: string; driver: string }[],
  engine: Pick<EngineInfo, 'endpoint' | 'remote' | 'product' | 'rootless'>,
): FirewallVisibility {
  if (engine.remote)
    return {
      visible: false,
      why: `the engine at ${engine.endpoint} is remote: its host's firewall cannot be read from here`,
    };
  if (engine.product === 'podman')
    return {
      visible: false,
      why: "Podman's netavark writes its rules to nftables (its own table, bridges podman1, podman2…), which iptables-save does not show",
    };
  // A rootless engine's rules are in RootlessKit's network namespace, which only its user namespace's root may read.
  const where = engine.rootless ? "RootlessKit's network namespace" : "the engine host's network namespace";
  if ('unavailable' in reading)
    return {
      visible: false,
      why: `${reading.unavailable} (reading it needs root or CAP_NET_ADMIN in ${where})`,
    };
  const names = bridges
    .filter((b) => b.driver === 'bridge')
    .map((b) => (b.name === 'bridge' ? 'docker0' : `br-${b.id.slice(0, 12)}`));
  const seen = names.find((n) => reading.rules.includes(n));
  if (seen === undefined)
    return {
      visible: false,
      why: engine.rootless
        ? `the engine at ${engine.endpoint} is rootless: its rules live in RootlessKit's network namespace, and the rule set of this one names none of the deployment's bridges (${names.join(', ') || 'none'}) (run dockprobe there: \`nsenter -U --preserve-credentials -n -t "$(cat "$XDG_RUNTIME_DIR/dockerd-rootless/child_pid")"\`, as the engine's user)`
        : `the rule set of this network namespace names none of the deployment's bridges (${names.join(', ') || 'none'}): dockprobe does not run in the engine host's network namespace (run it with --network host, or on the host)`,
    };
  return { visible: true, how: `a digest of iptables-save and ip6tables-save, every ${FIREWALL_POLL_MS / 1000} s` };
}

/**
 * The rules added or removed between two readings (as `normaliseRules` prints them) that are not about `own`
 * addresses: a line naming one of them (`-d 172.19.0.4/32 ! -i br-… -j DROP`, the per-container rule Engine 28 adds as
 * a container starts) is the engine's answer to dockprobe's own probes starting or ending, which never asks for a
 * round. Empty when nothing else changed.
 */
export function foreignRuleChanges(before: string, after: string, own: ReadonlySet<string>): string[] {
  const was = new Set(before.split('\n'));
  const is = new Set(after.split('\n'));
  const changed = [...[...is].filter((l) => !was.has(l)), ...[...was].filter((l) => !is.has(l))];
  return changed.filter((line) => !line.split(/[\s,]+/).some((word) => own.has(word.replace(/\/(32|128)$/, ''))));
}

/** How long an address of the watch's own containers is still its own after it was last listed. */
export const OWN_ADDRESS_MEMORY_MS = 10 * 60 * 1000;
/** How long after a change not all explained the watch lists its own containers again. */
export const OWN_ADDRESS_RELIST_MS = 1000;
/** How many times it does, at most, before the change asks for a round (a probe's start may take seconds under load). */
export const OWN_ADDRESS_RELISTS = 3;
/** How many changed rules a firewall line quotes. */
const QUOTED_RULES = 3;

/** `2 rules added or removed: -A FORWARD -j DOCKER-USER; …`: the evidence of a firewall change, in one line. */
export function describeRuleChanges(changed: readonly string[]): string {
  const quoted = changed.slice(0, QUOTED_RULES).map((l) => l.trim());
  const more = changed.length > QUOTED_RULES ? `; and ${changed.length - QUOTED_RULES} more` : '';
  return `${changed.length} rule${changed.length === 1 ? '' : 's'} added or removed: ${quoted.join('; ')}${more}`;
}
