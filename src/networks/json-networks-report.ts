import { remainingStale } from './check-networks.js';
import type { NetworksReport } from './networks.js';

/** `dockprobe networks --format json`: the whole report as data, with its codes (`owner.kind`, `kind`, `status`). */
export function jsonNetworksReport(report: NetworksReport): string {
  const left = remainingStale(report);
  return `${JSON.stringify(
    {
      engine: {
        version: report.engine.version,
        apiVersion: report.engine.apiVersion,
        endpoint: report.engine.endpoint,
        swarm: report.engine.swarm,
        manager: report.manager,
      },
      stale: report.stale.map((s) => ({ ...s, removed: !left.includes(s) })),
      undetermined: report.undetermined,
      removals: report.removals,
      summary: {
        stale: report.stale.length,
        left: left.length,
        held: left.filter((s) => s.holders.length > 0).length,
        removed: report.stale.length - left.length,
        refused: report.removals.filter((r) => r.status.startsWith('refused')).length,
        failed: report.removals.filter((r) => r.status === 'failed').length,
      },
    },
    null,
    2,
  )}\n`;
}
