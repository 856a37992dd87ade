import type { ProbeErrorCode, ProbeResult } from '../run/probe-result.js';

/**
 * A judgement left inconclusive by its probe (`probe-failed`: it gave nothing; `check-unfinished`: it ended before a
 * check did) carries the probe's own code beside its own, which says why (`namespace-lost`, `deadline-exceeded` …).
 * One rule for a scenario's verdicts and a drill's rows.
 */
export function withProbeErrorCode<T extends { code: string; probeErrorCode?: ProbeErrorCode }>(
  judged: T,
  result: ProbeResult | undefined,
): T {
  if (result?.errorCode === undefined || (judged.code !== 'probe-failed' && judged.code !== 'check-unfinished'))
    return judged;
  return { ...judged, probeErrorCode: result.errorCode };
}
