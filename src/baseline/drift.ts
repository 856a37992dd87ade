import { pathKey, type Baseline, type BaselinePath } from './baseline.js';

/**
 * How one path differs from the baseline: `opened` (closed then, open now: a breach), `closed` (open then, closed now:
 * an outage), `appeared` / `vanished` (a path only one side has: a target or source added or removed), `unknown` (a
 * definite state then, none now: not drift, but not proof of none either).
 */
export type DriftKind = 'opened' | 'closed' | 'appeared' | 'vanished' | 'unknown';

export interface Drift {
  kind: DriftKind;
  source: string;
  target: string;
  /** The path then and now (one of them absent for appeared / vanished). */
  before: BaselinePath | undefined;
  after: BaselinePath | undefined;
}

/** Which drift fails the run (`--fail-on`): a path opened (the default), closed, or any difference at all. */
export type FailOn = 'opened' | 'closed' | 'any';

/** The differences between a baseline and a new one, by path key; equal paths and evidence changes are not drift. */
export function drift(before: Baseline, after: Baseline): Drift[] {
  const then = new Map(before.paths.map((p) => [pathKey(p), p]));
  const now = new Map(after.paths.map((p) => [pathKey(p), p]));
  const out: Drift[] = [];
  for (const key of [...new Set([...then.keys(), ...now.keys()])].sort()) {
    const b = then.get(key);
    const a = now.get(key);
    const at = (b ?? a)!;
    const kind = change(b, a);
    if (kind === undefined) continue;
    out.push({ kind, source: at.source, target: at.target, before: b, after: a });
  }
  return out;
}

// What changed on one path. A state that was unknown and is closed now is the baseline's own gap closing, not drift;
// unknown then and open now counts as opened: nothing proved it closed before.
function change(b: BaselinePath | undefined, a: BaselinePath | undefined): DriftKind | undefined {
  if (!b) return 'appeared';
  if (!a) return 'vanished';
  if (b.state === a.state) return undefined;
  if (a.state === 'unknown') return 'unknown';
  if (a.state === 'open') return 'opened';
  return b.state === 'open' ? 'closed' : undefined;
}

/** Whether these differences fail the run under `failOn`. */
export function driftFails(drifts: readonly Drift[], failOn: FailOn): boolean {
  if (failOn === 'any') return drifts.some((d) => d.kind !== 'unknown');
  if (failOn === 'closed') return drifts.some((d) => d.kind === 'closed');
  return drifts.some((d) => d.kind === 'opened' || (d.kind === 'appeared' && d.after?.state === 'open'));
}
