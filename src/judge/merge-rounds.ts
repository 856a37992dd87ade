import type { Verdict } from './verdict.js';

const SEVERITY = { pass: 0, inconclusive: 1, fail: 2 } as const;

/**
 * Merges the verdicts of `--repeat` rounds, keeping every attempt: a cell fails if any round failed (one success
 * toward a target expected blocked is a breach; one miss of a target expected reachable is a flake worth seeing),
 * is inconclusive if any round was, and passes only if every round passed.
 */
export function mergeRounds(rounds: readonly Verdict[][]): Verdict[] {
  if (rounds.length === 1) return [...rounds[0]!];
  const order: string[] = [];
  const byCell = new Map<string, Verdict[]>();
  rounds.forEach((verdicts) => {
    for (const v of verdicts) {
      if (!byCell.has(v.cellId)) order.push(v.cellId);
      byCell.set(v.cellId, [...(byCell.get(v.cellId) ?? []), v]);
    }
  });
  return order.map((id) => {
    const all = byCell.get(id)!;
    const worst = all.reduce((a, b) => (SEVERITY[b.status] > SEVERITY[a.status] ? b : a));
    const round = all.indexOf(worst) + 1;
    const counts = `${all.filter((v) => v.status === 'pass').length}/${all.length} rounds passed`;
    return {
      ...worst,
      reason: worst.status === 'pass' ? `${worst.reason} (${counts})` : `round ${round}: ${worst.reason} (${counts})`,
      evidence: all.flatMap((v, i) =>
        v.evidence.map((e) => ({
          ...e,
          attempt: { ...e.attempt, description: `round ${i + 1}: ${e.attempt.description}` },
        })),
      ),
    };
  });
}
