import { formatPosition } from '../errors/scenario-error.js';
import type { Evidence, Verdict } from '../judge/verdict.js';
import { hostPort } from '../plan/checks.js';
import type { RunResult } from '../run-result.js';
import { formatDuration } from '../scenario/duration.js';
import type { Colors } from './colors.js';
import { escapeResult } from './escape-control.js';
import { matrixTable } from './matrix-table.js';
import { ownControlPeerLines } from './own-control-peers.js';
import { describeEngine } from '../docker/describe-engine.js';

/**
 * The human report: a matrix (sources down the side, targets across, each cell pass / FAIL / inconclusive with what
 * was observed and its latency), then every mismatch and inconclusive cell with its reason, then a summary line.
 */
export function prettyReport(raw: RunResult, c: Colors, options: { verbose?: boolean } = {}): string {
  const result = escapeResult(raw);
  const out: string[] = [];
  const sources = unique(result.verdicts.map((v) => v.source));
  const targets = unique(result.verdicts.map((v) => v.target));
  const cell = (source: string, target: string) =>
    result.verdicts
      .filter((v) => v.source === source && v.target === target)
      .map((v) => cellText(v, c))
      .join('\n');
  out.push(matrixTable({ sources, targets, cell }, c));

  // Said on stderr before probing too; here beside the verdicts that decide them, for a report read on its own.
  if (result.staticFindings.length > 0) {
    out.push(
      '',
      c.bold(
        `Rules the deployment's configuration contradicts (${result.staticFindings.length}; the live verdicts decide):`,
      ),
    );
    for (const f of result.staticFindings) {
      out.push(`  rule ${f.rule} (${f.says}): ${f.reason}`, c.dim(`    [${f.code}] ${f.location}`));
      for (const l of f.compose) out.push(c.dim(`    ${formatPosition(l)}: ${l.text}`));
    }
  }

  const failed = result.verdicts.filter((v) => v.status === 'fail');
  const unclear = result.verdicts.filter((v) => v.status === 'inconclusive');
  if (failed.length > 0) {
    out.push('', c.red(c.bold(`Mismatches (${failed.length}):`)));
    for (const v of failed) out.push(detail(v, c.red('FAIL'), c));
  }
  if (unclear.length > 0) {
    out.push('', c.yellow(c.bold(`Inconclusive (${unclear.length}):`)));
    for (const v of unclear) out.push(detail(v, c.yellow('inconclusive'), c));
  }
  if (options.verbose) {
    out.push('', c.bold('Passed:'));
    for (const v of result.verdicts.filter((x) => x.status === 'pass')) out.push(detail(v, c.green('pass'), c));
  }
  const problemProbes = result.probes.filter((p) => p.status === 'failed' || !p.control.dns || !p.control.reach);
  if (options.verbose || problemProbes.length > 0) {
    out.push('', c.bold('Probes:'));
    for (const p of options.verbose ? result.probes : problemProbes) {
      out.push(
        `  ${p.label}: ${p.container}${p.containerId ? ` (${p.containerId})` : ''} on ${p.network}, ${p.status}, ${p.checks} checks in ${formatDuration(p.durationMs)}`,
      );
      out.push(c.dim(`    controls: ${p.control.detail}`));
      if (p.error) out.push(c.dim(`    error${p.errorCode ? ` [${p.errorCode}]` : ''}: ${p.error}`));
    }
  }
  out.push(
    ...ownControlPeerLines(
      result.probes.map((p) => ({ label: p.label, peer: p.control.peer })),
      c,
    ),
  );
  if (result.cleanupFailures.length > 0) {
    out.push(
      '',
      c.yellow(`Could not remove (run \`dockprobe cleanup --run ${result.runId}\`):`),
      ...result.cleanupFailures.map((f) => `  ${f}`),
    );
  }
  out.push('', summaryLine(result, c), c.dim(madeBy(result)));
  return out.join('\n');
}

/** `10 checks: 8 passed, 2 failed, 0 inconclusive in 1.7s (run 3862d30b)`. */
export function summaryLine(result: RunResult, c: Colors): string {
  const s = result.summary;
  const parts = [
    s.pass > 0 ? c.green(`${s.pass} passed`) : `${s.pass} passed`,
    s.fail > 0 ? c.red(c.bold(`${s.fail} failed`)) : `${s.fail} failed`,
    s.inconclusive > 0 ? c.yellow(`${s.inconclusive} inconclusive`) : `${s.inconclusive} inconclusive`,
  ];
  return `${s.total} checks: ${parts.join(', ')} in ${formatDuration(result.durationMs)} (run ${result.runId})`;
}

/** `engine 28.5.2 (API 1.51, firewall iptables), Compose 2.40.3`: what produced the verdicts, since engines differ. */
export function madeBy(result: Pick<RunResult, 'engine' | 'compose'>): string {
  return `${describeEngine(result.engine)}${result.compose.length ? `, Compose ${result.compose.join(', ')}` : ''}`;
}

// Cells stay narrow: the outcome and latency; addresses and reasons go in the detail lines below the matrix.
function cellText(v: Verdict, c: Colors): string {
  if (v.status === 'pass') return `${c.green('pass')} ${cellOutcome(v)}`;
  if (v.status === 'fail') return `${c.red(c.bold('FAIL'))} ${cellOutcome(v)}`;
  return `${c.yellow('inconclusive')}`;
}

function detail(v: Verdict, label: string, c: Colors): string {
  const lines = [
    `  ${label} ${v.source} → ${v.target} (expected ${v.expected}): ${v.reason}`,
    c.dim(`    [${v.code}]${v.probeErrorCode ? ` [${v.probeErrorCode}]` : ''} ${v.expectation} — ${v.location}`),
  ];
  for (const e of v.evidence) lines.push(c.dim(`    · ${evidenceText(e)}`));
  return lines.join('\n');
}

/** One attempt and what it saw: `tcp redis:6379: open 172.18.0.5:6379 in 3ms`. */
export function evidenceText(e: Evidence): string {
  const o = e.observation;
  return `${e.attempt.description}: ${o ? `${o.outcome}${o.status ? ` ${o.status}` : ''}${o.address ? ` ${hostPort(o.address, o.port)}` : ''} in ${formatDuration(o.latencyMs)}${o.errorCode ? ` [${o.errorCode}]` : ''}` : 'no observation'}`;
}

/** A cell's outcome in a word or two (`open`, `http 200`) with its latency; `blocked` for a blocked path that passed. */
export function cellOutcome(v: Verdict): string {
  const latency = v.latencyMs === undefined ? '' : ` ${formatDuration(v.latencyMs)}`;
  const outcome = v.observed.startsWith('http ')
    ? v.observed.split(' ').slice(0, 2).join(' ')
    : (v.observed.split(' ')[0] ?? v.observed);
  return v.status === 'pass' && v.expected === 'blocked' ? 'blocked' : `${outcome}${latency}`;
}

/** Each value once, in the order first seen. */
export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
