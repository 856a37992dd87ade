import { hostPort } from '../plan/checks.js';
import type { Colors } from '../report/colors.js';
import { escapeControl } from '../report/escape-control.js';
import { ownControlPeerLines } from '../report/own-control-peers.js';
import { madeBy } from '../report/pretty-report.js';
import { formatDuration } from '../scenario/duration.js';
import type { DrillResult, DrillRow } from './drill-result.js';

/** Above this many endpoints reached, the `--all` matrix is one line per source instead of a table. */
const MATRIX_COLUMNS = 8;
/** Targets named per group of inconclusive rows (all of them with `--verbose`). */
const NAMED_PER_GROUP = 5;

/**
 * The human report of a drill: a header with its bounds and what it tried, then for one source the lateral-movement
 * map (what it reaches, riskiest first, each with its evidence; the addresses that answer with nothing listening;
 * what it does not reach), or for `--all` a matrix of sources and what each reaches; then what was inconclusive, and
 * a summary line.
 */
export function prettyDrillReport(raw: DrillResult, c: Colors, options: { verbose?: boolean } = {}): string {
  const result = escapeDrill(raw);
  const out: string[] = [...drillHeader(result, c)];
  const sources = [...new Set([...result.probes.map((p) => p.label), ...result.rows.map((r) => r.source)])];
  if (result.from === 'all') {
    out.push('', ...matrix(result, sources, c));
    const gravest = result.rows.filter((r) => r.status === 'reached' && r.risk.rank <= 1);
    if (gravest.length > 0) {
      out.push('', c.red(c.bold(`The Docker API and databases, reached (${gravest.length}):`)));
      for (const r of gravest) out.push(`  ${r.source} → ${reachedLine(r, c)}`);
    }
    if (options.verbose) for (const source of sources) out.push('', ...sourceMap(result, source, c, true));
  } else {
    for (const source of sources) out.push('', ...sourceMap(result, source, c, options.verbose === true));
  }
  out.push(...inconclusive(result, c, options.verbose === true));
  const troubled = result.probes.filter((p) => p.status === 'failed' || !p.dns || !p.reach);
  if (options.verbose || troubled.length > 0) {
    out.push('', c.bold('Probes:'));
    for (const p of options.verbose ? result.probes : troubled) {
      out.push(
        `  ${p.label}: ${p.container}${p.containerId ? ` (${p.containerId})` : ''}, ${p.status}, ${p.checks} checks in ${formatDuration(p.durationMs)}`,
      );
      out.push(c.dim(`    controls: ${p.controls}`));
      if (p.error) out.push(c.dim(`    error${p.errorCode ? ` [${p.errorCode}]` : ''}: ${p.error}`));
    }
  }
  out.push(
    ...ownControlPeerLines(
      result.probes.map((p) => ({ label: p.label, peer: p.controlPeer })),
      c,
    ),
  );
  for (const u of result.unprobed) out.push('', c.yellow(`Not probed: ${u.source}: ${u.reason} [${u.code}]`));
  if (result.cleanupFailures.length > 0)
    out.push(
      '',
      c.yellow(`Could not remove (run \`dockprobe cleanup --run ${result.runId}\`):`),
      ...result.cleanupFailures.map((f) => `  ${f}`),
    );
  out.push('', drillSummaryLine(result, c), c.dim(madeBy(result)));
  return `${out.join('\n')}\n`;
}

/** `40 targets tried: 3 reached, 2 path open, 35 blocked, 0 inconclusive in 4.2s (drill d1)`. */
export function drillSummaryLine(result: DrillResult, c: Colors): string {
  const s = result.summary;
  const counts = [
    `${s.reached} reached`,
    `${s.pathOpen} path open`,
    `${s.blocked} blocked`,
    s.inconclusive > 0 ? c.yellow(`${s.inconclusive} inconclusive`) : `${s.inconclusive} inconclusive`,
  ];
  return `${result.rows.length} targets tried: ${counts.join(', ')} in ${formatDuration(result.durationMs)} (drill ${result.runId})`;
}

/** The first lines: where from, the bounds it ran within, and what it tried. */
export function drillHeader(r: DrillResult, c: Colors): string[] {
  const b = r.bounds;
  const t = r.tried;
  const ports =
    b.ports.length === 0
      ? 'their exposed ports only'
      : `their exposed ports and ${b.ports.length} more (${b.ports.join(', ')})`;
  const host =
    t.gateways === 0
      ? 'the host at no gateway (no bridge network with a gateway)'
      : `the host at ${t.gateways} gateway(s) on ${t.published} published port(s)${b.hostPorts ? ` and the ${b.ports.length} listed ports` : ''}`;
  return [
    c.bold(`dockprobe drill from ${r.from}: ${r.probes.length} probe(s), ${t.checks} checks`),
    `bounds: at most ${b.connectConcurrency} connects by address and ${b.concurrency} other checks in flight per probe (${b.lookupConcurrency} lookups across the probes running), ${b.attemptsPerCheck} attempt(s) per check, ${formatDuration(b.timeoutMs)} per attempt, ${b.probesAtOnce} probes at once, ${b.maxChecks} checks per probe (the busiest has ${t.checksPerProbe})`,
    `tried: ${t.containers} running container(s) at ${t.addresses} address(es), on ${ports}; ${t.names} service name(s); ${host}; egress to ${t.internet} internet target(s)`,
    ...(t.noAddress.length > 0
      ? [
          c.dim(
            `not tried (no address of their own; their ports are the host's or another container's): ${t.noAddress.join(', ')}`,
          ),
        ]
      : []),
  ];
}

/** What one source reaches, riskiest first, then the addresses that only refuse, what it does not reach, its names. */
// A row's port as the map lists it: a UDP one says so.
const portOf = (x: DrillResult['rows'][number]) => (x.kind === 'udp' ? `${x.port}/udp` : String(x.port));

function sourceMap(r: DrillResult, source: string, c: Colors, verbose: boolean): string[] {
  const rows = r.rows.filter((x) => x.source === source);
  const reached = rows.filter((x) => x.status === 'reached' && x.kind !== 'name');
  const names = rows
    .filter((x) => x.kind === 'name' && x.status === 'reached')
    .map((x) => x.target.replace(/^dns:/, ''));
  const out = [c.bold(`What ${source} reaches, riskiest first (${reached.length}):`)];
  if (reached.length === 0) out.push(c.dim('  nothing'));
  for (const x of reached) out.push(`  ${reachedLine(x, c)}`);
  out.push(`  names it resolves: ${names.length > 0 ? names.join(', ') : c.dim('none')}`);
  const refused = groupBy(
    rows.filter((x) => x.status === 'path-open'),
    (x) => `${x.endpoint}${x.network ? ` on ${x.network}` : ''}${x.address ? ` (${x.address})` : ''}`,
  );
  if (refused.size > 0) {
    out.push(
      c.dim(
        `  path open, nothing listening (refused): ${[...refused].map(([where, list]) => `${where}: ${verbose ? list.map(portOf).join(', ') : `${list.length} port(s)`}`).join('; ')}`,
      ),
    );
  }
  const blocked = rows.filter((x) => x.status === 'blocked');
  const hidden = blocked.filter((x) => x.kind === 'name').map((x) => x.target.replace(/^dns:/, ''));
  const silent = groupBy(
    blocked.filter((x) => x.kind === 'port' || x.kind === 'udp'),
    (x) => `${x.endpoint}${x.network ? ` on ${x.network}` : ''}`,
  );
  if (silent.size > 0)
    out.push(
      c.dim(
        `  not reached (no answer, the probe's controls held): ${[...silent].map(([where, list]) => (verbose ? `${where} (${list.map(portOf).join(', ')})` : where)).join(', ')}`,
      ),
    );
  if (hidden.length > 0) out.push(c.dim(`  names that do not resolve here: ${hidden.join(', ')}`));
  const egress = blocked.find((x) => x.kind === 'egress');
  if (egress) out.push(c.dim(`  internet: ${egress.reason}`));
  return out;
}

/** `database  postgres:5432 on public-facing  PostgreSQL  open 172.23.0.5:5432 in 2ms`. */
function reachedLine(x: DrillRow, c: Colors): string {
  const kind =
    x.risk.kind === 'docker-api' || x.risk.kind === 'database'
      ? c.red(c.bold(x.risk.kind.padEnd(10)))
      : x.risk.kind.padEnd(10);
  const e = x.evidence;
  const seen = e
    ? `${e.outcome}${e.status !== undefined ? ` ${e.status}` : ''}${e.address ? ` ${hostPort(e.address, e.port)}` : ''} in ${formatDuration(e.latencyMs)}`
    : x.code;
  const binding = x.published ? ` (${x.published.container}:${x.published.port}, bound on ${x.published.binding})` : '';
  const what = x.kind === 'egress' ? x.reason : seen;
  return `${kind} ${x.target}${binding}${x.risk.name ? ` — ${x.risk.name}` : ''}: ${what} [${x.code}]`;
}

/** `--all`: sources down the side, what each reaches across (the ports, `egress`), riskiest columns first. */
function matrix(r: DrillResult, sources: string[], c: Colors): string[] {
  const reached = r.rows.filter((x) => x.status === 'reached' && x.kind !== 'name');
  const rank = new Map<string, number>();
  for (const x of reached) rank.set(x.endpoint, Math.min(rank.get(x.endpoint) ?? 99, x.risk.rank));
  const endpoints = [...rank.keys()].sort((a, b) => rank.get(a)! - rank.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
  const cell = (source: string, endpoint: string) => {
    const hits = reached.filter((x) => x.source === source && x.endpoint === endpoint);
    if (hits.length > 0)
      return hits
        .map((x) =>
          x.kind === 'egress' ? 'egress' : x.via === 'published' ? `${x.port}→${x.published?.port}` : String(x.port),
        )
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(',');
    return r.rows.some((x) => x.source === source && x.endpoint === endpoint && x.status === 'inconclusive')
      ? '?'
      : '·';
  };
  const out = [
    c.bold(
      `What each source reaches (${sources.length} sources × ${endpoints.length} targets reached by any; ports, · none, ? inconclusive):`,
    ),
  ];
  if (endpoints.length <= MATRIX_COLUMNS) {
    const head = ['from \\ to', ...endpoints];
    const table = [head, ...sources.map((s) => [s, ...endpoints.map((e) => cell(s, e))])];
    const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table) out.push(`  ${row.map((v, j) => v.padEnd(widths[j]!)).join('  ')}`.trimEnd());
    return out;
  }
  const width = Math.max(...sources.map((s) => s.length));
  for (const s of sources) {
    const hits = endpoints.map((e) => [e, cell(s, e)] as const).filter(([, v]) => v !== '·');
    out.push(`  ${s.padEnd(width)}  ${hits.length > 0 ? hits.map(([e, v]) => `${e}:${v}`).join(' ') : '·'}`);
  }
  return out;
}

/** Inconclusive rows grouped by their reason (a probe that failed makes every row of it say the same). */
function inconclusive(r: DrillResult, c: Colors, verbose: boolean): string[] {
  const rows = r.rows.filter((x) => x.status === 'inconclusive');
  if (rows.length === 0) return [];
  const out = ['', c.yellow(c.bold(`Inconclusive (${rows.length}):`))];
  // One line per source and code: a probe that failed, or a control that did not hold, makes many rows say the same.
  for (const list of groupBy(rows, (x) => `${x.source}\u0000${x.code}`).values()) {
    const shown = verbose ? list : list.slice(0, NAMED_PER_GROUP);
    out.push(
      `  ${list[0]!.source} → ${shown.map((x) => x.target).join(', ')}${list.length > shown.length ? ` and ${list.length - shown.length} more` : ''} [${list[0]!.code}]`,
    );
    out.push(c.dim(`    ${list.length > 1 ? 'e.g. ' : ''}${list[0]!.reason}`));
  }
  return out;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

// Every text that came from the engine or the probes, made safe for a terminal (see escapeControl).
/** The drill's text from the engine with its control characters shown, never sent raw. */
export function escapeDrill(r: DrillResult): DrillResult {
  const e = escapeControl;
  return {
    ...r,
    rows: r.rows.map((x) => ({
      ...x,
      source: e(x.source),
      target: e(x.target),
      endpoint: e(x.endpoint),
      reason: e(x.reason),
      ...(x.network ? { network: e(x.network) } : {}),
    })),
    probes: r.probes.map((p) => ({
      ...p,
      label: e(p.label),
      container: e(p.container),
      controls: e(p.controls),
      error: p.error === undefined ? undefined : e(p.error),
    })),
    unprobed: r.unprobed.map((u) => ({ ...u, source: e(u.source), reason: e(u.reason) })),
    tried: { ...r.tried, noAddress: r.tried.noAddress.map(e) },
    cleanupFailures: r.cleanupFailures.map(e),
  };
}
