import type { EngineInfo } from '../docker/system-client.js';
import { envelope, jsonText } from '../report/json-envelope.js';
import { remainingStale } from './check-networks.js';
import type { NetworkRemoval, NetworksReport, StaleNetwork, UndeterminedNetwork } from './networks.js';

/** What `dockprobe networks --format json` holds beside its envelope. */
export interface NetworksJson {
  engine: Pick<EngineInfo, 'version' | 'apiVersion' | 'endpoint' | 'swarm'> & { manager: boolean };
  /** Each stale network, and whether a removal asked for removed it. */
  stale: (StaleNetwork & { removed: boolean })[];
  undetermined: UndeterminedNetwork[];
  removals: NetworkRemoval[];
  summary: { stale: number; left: number; held: number; removed: number; refused: number; failed: number };
}

/** What `dockprobe networks --format json` prints, with its codes (`owner.kind`, `kind`, `status`). */
export function networksJson(report: NetworksReport): NetworksJson {
  const left = remainingStale(report);
  return {
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
  };
}

/** `dockprobe networks --format json`: the whole report as a `dockprobe-networks` document. */
export function jsonNetworksReport(report: NetworksReport): string {
  return jsonText(envelope('dockprobe-networks', networksJson(report)));
}
