import { DockprobeError, ErrorCodes } from './dockprobe-error.js';

/** What kind of thing was not found. */
export type NameKind = 'project' | 'network' | 'service';

/** A project, network or service the scenario names does not exist; the message lists what does. */
export class UnknownNameError extends DockprobeError {
  readonly kind: NameKind;
  readonly unknown: string;
  readonly available: readonly string[];

  constructor(kind: NameKind, unknown: string, available: readonly string[], context = '') {
    const list = available.length > 0 ? available.join(', ') : '(none)';
    super(
      ErrorCodes.UNKNOWN_NAME,
      `unknown ${kind} '${unknown}'${context ? ` ${context}` : ''}; ${kind === 'project' ? 'projects' : `${kind}s`} that exist: ${list}`,
      { hint: UnknownNameError.suggest(unknown, available) },
    );
    this.kind = kind;
    this.unknown = unknown;
    this.available = available;
  }

  private static suggest(unknown: string, available: readonly string[]): string | undefined {
    const close = closestName(unknown, available);
    return close ? `did you mean '${close}'?` : undefined;
  }
}

/** The candidate nearest to `name` by edit distance, if it is close enough to be a likely typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
