import type { RunResult } from '../run-result.js';

/**
 * Shows control characters instead of sending them to a terminal: a newline, BEL or ESC in a scenario's `name:` or
 * in a container's name must not move the cursor, ring, or start an escape sequence in a report.
 */
export function escapeControl(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code >= 0x20 && !(code >= 0x7f && code <= 0x9f)) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * {@link escapeControl} for a text of several lines (an error listing its problems, each on a line of its own): the
 * line breaks stay, every other control character is shown.
 */
export function escapeLines(text: string): string {
  return text.split('\n').map(escapeControl).join('\n');
}

/** The run result with every text that came from a file or the engine made safe for a terminal. */
export function escapeResult(result: RunResult): RunResult {
  const e = escapeControl;
  return {
    ...result,
    verdicts: result.verdicts.map((v) => ({
      ...v,
      expectation: e(v.expectation),
      location: e(v.location),
      source: e(v.source),
      target: e(v.target),
      observed: e(v.observed),
      reason: e(v.reason),
      evidence: v.evidence.map((x) => ({ ...x, attempt: { ...x.attempt, description: e(x.attempt.description) } })),
    })),
    probes: result.probes.map((p) => ({
      ...p,
      label: e(p.label),
      container: e(p.container),
      network: e(p.network),
      ...(p.error ? { error: e(p.error) } : {}),
    })),
    staticFindings: result.staticFindings.map((f) => ({
      ...f,
      says: e(f.says),
      location: e(f.location),
      reason: e(f.reason),
      compose: f.compose.map((l) => ({ ...l, file: e(l.file), text: e(l.text) })),
      notes: f.notes.map(e),
    })),
    cleanupFailures: result.cleanupFailures.map(e),
  };
}
