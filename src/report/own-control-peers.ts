import type { ControlPeerUsed } from '../judge/verdict.js';
import type { Colors } from './colors.js';
import { escapeControl } from './escape-control.js';

/**
 * The control peers dockprobe added to the deployment's networks for the run (a source with no running peer of its
 * own), each once with the probes that reached it: said in every human report, since each was a container on a network
 * of the user's while the run lasted. None: no lines.
 */
export function ownControlPeerLines(
  probes: readonly { label: string; peer: ControlPeerUsed | undefined }[],
  c: Colors,
): string[] {
  const used = new Map<string, { peer: ControlPeerUsed & { kind: 'dockprobe' }; sources: Set<string> }>();
  for (const { label, peer } of probes) {
    if (peer?.kind !== 'dockprobe') continue;
    const entry = used.get(peer.containerId) ?? { peer, sources: new Set<string>() };
    entry.sources.add(label);
    used.set(peer.containerId, entry);
  }
  if (used.size === 0) return [];
  const e = escapeControl;
  return [
    '',
    c.bold(
      `Control peers of dockprobe's own (no running peer to reach on the source's network; removed with the run):`,
    ),
    ...[...used.values()].map(
      ({ peer, sources }) =>
        `  ${e(peer.container)} (${e(peer.containerId)}) on network ${e(peer.network)} at ${peer.address}:${peer.port}, for ${[...sources].map(e).join(', ')}`,
    ),
  ];
}
