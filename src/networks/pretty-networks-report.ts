import type { Colors } from '../report/colors.js';
import { escapeControl } from '../report/escape-control.js';
import { short } from '../docker/short-id.js';
import { remainingStale } from './check-networks.js';
import { describeHolder } from './network-holders.js';
import { describeOwner } from './network-owner.js';
import type { NetworksReport } from './networks.js';

/** What `dockprobe networks` prints on a terminal: each stale network, what holds it, the commands that free it. */
export function prettyNetworksReport(report: NetworksReport, c: Colors, options: { listStale: boolean }): string {
  const e = escapeControl;
  const lines: string[] = [];
  if (options.listStale) {
    for (const s of report.stale) {
      lines.push(
        `${c.yellow('stale network')} ${c.bold(e(s.name))} (${short(s.id)}, ${e(s.driver)}, ${e(s.scope)} scope): ${e(s.why)}`,
      );
      if (s.holders.length === 0) lines.push('  nothing holds it');
      else {
        lines.push('  held by:');
        for (const h of s.holders) lines.push(`    · ${e(describeHolder(h))} [${h.kind}]`);
      }
      if (s.steps.length === 1) lines.push(`  frees it: ${c.cyan(e(s.steps[0]!))}`);
      else lines.push('  frees it:', ...s.steps.map((step) => `    ${c.cyan(e(step))}`));
    }
    for (const u of report.undetermined)
      lines.push(
        `${c.dim('not judged')} network ${e(u.name)} (${short(u.id)}) of ${e(describeOwner(u.owner))}: ${e(u.why)}`,
      );
  }
  for (const r of report.removals) {
    const what = `network ${e(r.network)} (${short(r.id)})`;
    if (r.status === 'removed') lines.push(`${c.green('removed')} ${what}`);
    else if (r.status === 'gone') lines.push(`${c.green('gone')} ${what}: ${e(r.reason ?? '')}`);
    else if (r.status === 'declined') lines.push(`kept ${what}: ${e(r.reason ?? '')}`);
    else
      lines.push(
        `${c.red(r.status === 'failed' ? 'could not remove' : 'refused to remove')} ${what} [${r.status}]: ${e(r.reason ?? '')}`,
      );
  }
  if (report.engine.swarm && !report.manager)
    lines.push(
      c.dim(
        'this engine is a swarm worker: what holds a network on other nodes, and whether a stack still has services, only a manager knows',
      ),
    );
  if (options.listStale) lines.push(networksSummary(report));
  return `${lines.join('\n')}\n`;
}

/** `2 stale networks: 1 left, 1 held, 1 removed (…)`, or that there is none. */
export function networksSummary(report: NetworksReport): string {
  const left = remainingStale(report);
  if (report.stale.length === 0)
    return 'no stale network: every network with an owner label still has its Compose project, stack or dockprobe run';
  const held = left.filter((s) => s.holders.length > 0).length;
  const removed = report.stale.length - left.length;
  const parts = [`${left.length} left`, `${held} held`, ...(removed ? [`${removed} removed`] : [])];
  const how = left.some((s) => s.holders.length === 0)
    ? ' (dockprobe removes its own with --remove-own, any other with --remove NAME)'
    : '';
  return `${report.stale.length} stale network${report.stale.length > 1 ? 's' : ''}: ${parts.join(', ')}${how}`;
}
