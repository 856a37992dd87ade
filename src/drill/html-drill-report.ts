import { colors } from '../report/colors.js';
import { escapeHtml, htmlPage, type PageItem, type PageStatus } from '../report/html-page.js';
import { cleanupSection } from '../report/html-report.js';
import { madeBy } from '../report/pretty-report.js';
import type { DrillResult, DrillRow } from './drill-result.js';
import { riskOf, seen } from './markdown-drill-report.js';
import { drillHeader, drillSummaryLine, escapeDrill } from './pretty-drill-report.js';

const STATUSES: readonly PageStatus[] = [
  { status: 'reached', word: 'reached', tone: 'bad' },
  { status: 'inconclusive', word: 'inconclusive', tone: 'warn' },
  { status: 'path-open', word: 'path open', tone: 'quiet' },
  { status: 'blocked', word: 'blocked', tone: 'good' },
];

/**
 * `drill --html`: the page `test --html` writes (report/html-page.ts), filled with the drill's rows: each source a
 * row, each endpoint (a service or container, `host`, `internet`) a column, each row tried there an item with what
 * the probe saw on click, filters by status. A drill judges nothing against a file: no item is a mismatch, and
 * `reached` is what to read first.
 */
export function htmlDrillReport(raw: DrillResult): string {
  const result = escapeDrill(raw);
  const plain = colors(false);
  const sources = [...new Set([...result.probes.map((p) => p.label), ...result.rows.map((r) => r.source)])];
  const endpoints = [...new Set(result.rows.map((r) => r.endpoint))];
  const notProbed = result.unprobed.map(
    (u) => `<li>${escapeHtml(u.source)}: ${escapeHtml(u.reason)} <code>${escapeHtml(u.code)}</code></li>`,
  );
  return htmlPage({
    heading: `dockprobe drill from ${result.from}`,
    runId: result.runId,
    summary: drillSummaryLine(result, plain),
    madeBy: `${madeBy(result)}; probe image ${result.image}; engine at ${result.engine.endpoint}; started ${result.startedAt}`,
    moreHtml: drillHeader(result, plain).map(escapeHtml),
    statuses: STATUSES,
    sources,
    targets: endpoints,
    items: result.rows.map(rowItem),
    sectionsHtml: [
      ...(notProbed.length > 0
        ? [`<h2>Not probed (${notProbed.length})</h2>\n<ul id="not-probed">${notProbed.join('')}</ul>\n`]
        : []),
      ...(result.cleanupFailures.length > 0 ? [cleanupSection(result.runId, result.cleanupFailures)] : []),
    ],
  });
}

// A row: its target (and what it is, when reached), and on click the reason, code and what the probe saw.
function rowItem(r: DrillRow): PageItem {
  const what = r.status === 'reached' && r.risk.kind !== 'egress' ? ` (${riskOf(r)})` : '';
  const binding = r.published
    ? `<p>published: ${escapeHtml(`${r.published.container}:${r.published.port}, bound on ${r.published.binding}`)}</p>`
    : '';
  return {
    source: r.source,
    target: r.endpoint,
    status: r.status,
    data: { code: r.code, kind: r.kind },
    summary: `${r.target}${what}`,
    detailHtml: `<p>${escapeHtml(r.reason)}</p><p><code>[${escapeHtml(r.code)}]${r.probeErrorCode ? ` [${escapeHtml(r.probeErrorCode)}]` : ''}</code> ${escapeHtml(r.kind)}${r.via ? ` via ${escapeHtml(r.via)}` : ''}${r.network ? ` on ${escapeHtml(r.network)}` : ''}</p>${binding}${r.evidence ? `<p>seen: <code>${escapeHtml(`${r.evidence.attempt}: ${seen(r)}`)}</code></p>` : '<p>nothing seen</p>'}`,
  };
}
