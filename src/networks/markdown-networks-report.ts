import { short } from '../docker/short-id.js';
import { cell, code, inline, row } from '../report/markdown-report.js';
import { escapeControl } from '../report/escape-control.js';
import { describeHolder } from './network-holders.js';
import { describeOwner } from './network-owner.js';
import type { NetworksReport } from './networks.js';
import { networksSummary } from './pretty-networks-report.js';

/** `dockprobe networks --format markdown`: the stale networks as a table (what holds each, what frees it), removals. */
export function markdownNetworksReport(report: NetworksReport, options: { listStale: boolean }): string {
  const e = (text: string) => cell(inline(escapeControl(text)));
  const out = ['## dockprobe networks', ''];
  if (options.listStale) {
    out.push(inline(networksSummary(report)), '');
    if (report.stale.length > 0) {
      out.push(row(['network', 'why stale', 'held by', 'frees it']), row(['---', '---', '---', '---']));
      for (const s of report.stale) {
        out.push(
          row([
            `${cell(code(escapeControl(s.name)))} (${short(s.id)})`,
            e(s.why),
            s.holders.length === 0 ? 'nothing' : s.holders.map((h) => e(describeHolder(h))).join('<br>'),
            s.steps.map((step) => cell(code(escapeControl(step)))).join('<br>'),
          ]),
        );
      }
      out.push('');
    }
    for (const u of report.undetermined)
      out.push(
        `- not judged: ${code(escapeControl(u.name))} of ${inline(escapeControl(describeOwner(u.owner)))}: ${inline(escapeControl(u.why))}`,
      );
  }
  for (const r of report.removals)
    out.push(
      `- ${r.status}: ${code(escapeControl(r.network))} (${short(r.id)})${r.reason ? `: ${inline(escapeControl(r.reason))}` : ''}`,
    );
  return `${out.join('\n').trimEnd()}\n`;
}
