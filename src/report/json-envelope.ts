/**
 * The JSON documents dockprobe writes, by the name in their `format` field, with the `version` of each. Within a major
 * version of dockprobe a document's fields and codes are added, never renamed or removed; a change that would rename
 * or remove one is a new version of that document. A reader checks both fields before anything else.
 */
export interface JsonFormats {
  /** `test --format json` (and `--json FILE`, `demo --format json`): a run's verdicts (RunResult). */
  'dockprobe-report': 1;
  /** `drill --format json`: a drill's rows (DrillResult). */
  'dockprobe-drill': 1;
  /** `snapshot --write`, `drill --write-baseline`: what was reachable, path by path (Baseline). */
  'dockprobe-baseline': 1;
  /** `test --baseline … --format json`, `drill --baseline … --format json`: how now differs from a baseline. */
  'dockprobe-drift': 1;
  /** `networks --format json`: stale networks, what holds them, removals. */
  'dockprobe-networks': 1;
  /** `watch --format json`: one per line, each thing a watch says as it goes (WatchEvent). */
  'dockprobe-watch-event': 1;
  /** `chaos --format json`: a chaos drill, each cell's timeline through one fault (ChaosResult). */
  'dockprobe-chaos': 1;
}

/** Each JSON document's version (see {@link JsonFormats}). */
export const JSON_FORMATS: Readonly<JsonFormats> = {
  'dockprobe-report': 1,
  'dockprobe-drill': 1,
  'dockprobe-baseline': 1,
  'dockprobe-drift': 1,
  'dockprobe-networks': 1,
  'dockprobe-watch-event': 1,
  'dockprobe-chaos': 1,
};

/** The name of one of dockprobe's JSON documents. */
export type JsonFormat = keyof JsonFormats;

/** What every JSON document of dockprobe begins with: its format and that format's version. */
export interface Envelope<F extends JsonFormat> {
  format: F;
  version: JsonFormats[F];
}

/** `body` as a document of `format`: the envelope first, then the body's own fields. */
export function envelope<F extends JsonFormat, T extends object>(format: F, body: T): Envelope<F> & T {
  return { format, version: JSON_FORMATS[format], ...body };
}

/** A document as written: indented by two, ending with a newline. */
export function jsonText(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
