/**
 * What a verdict says of the path itself, whatever was expected: `open` (something answered at the target: a
 * connection, an HTTP answer, a refusal from its host, a name that resolved, a published port, egress), `closed` (no
 * answer, with the probe's controls proving one could have come), or `unknown` (inconclusive, or a configuration
 * finding that says nothing of a path). A baseline keeps this, not pass or fail: the same path is a pass under one
 * expectation and a FAIL under the other.
 */
export type PathState = 'open' | 'closed' | 'unknown';

/** One code: what it means (the reason codes table of docs/codes.md) and what it says of the path (a baseline's class). */
export interface CodeEntry {
  path: PathState;
  meaning: string;
}

/**
 * Codes with their entries. A table is declared `as const satisfies CodeTable`: a code without its meaning or its
 * class does not compile.
 */
export type CodeTable = Readonly<Record<string, CodeEntry>>;

/** Every code of a union of tables (keyof a union gives only the codes they share). */
export type KeysOf<T> = T extends unknown ? keyof T : never;
