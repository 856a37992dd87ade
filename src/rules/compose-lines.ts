import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
} from 'yaml';
import type { ContainerInfo } from '../docker/container-client.js';
import { COMPOSE_CONFIG_FILES, COMPOSE_WORKING_DIR } from '../docker/labels.js';
import type { ComposeCause } from './rule-contradictions.js';

/** A line of a Compose file that causes a contradiction: where it is, and what it says. */
export interface ComposeLine {
  file: string;
  line: number;
  col: number;
  /** The line itself, trimmed (and cut at 160 characters). */
  text: string;
}

/** A Compose file, parsed for positions; or why it could not be. */
export type ComposeText =
  | { file: string; doc: Document; lines: LineCounter; source: string[] }
  | { file: string; error: string };

/** Reads and parses a Compose file once, however many causes point into it. */
export type ComposeLoader = (file: string) => Promise<ComposeText>;

/** A loader that reads each file once (`read` replaces the file system in tests). */
export function composeLoader(
  read: (file: string) => Promise<string> = (file) => readFile(file, 'utf8'),
): ComposeLoader {
  const cache = new Map<string, Promise<ComposeText>>();
  return (file) => {
    let loaded = cache.get(file);
    if (!loaded) {
      loaded = read(file).then(
        (text): ComposeText => {
          const lines = new LineCounter();
          const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
          return { file, doc, lines, source: text.split('\n') };
        },
        (error: unknown): ComposeText => ({
          file,
          error: (error as NodeJS.ErrnoException).code ?? (error as Error).message,
        }),
      );
      cache.set(file, loaded);
    }
    return loaded;
  };
}

/**
 * The Compose files a project was brought up from, as Compose labels its containers (v1 and v2 alike):
 * `com.docker.compose.project.config_files` (comma-separated), relative ones under `…project.working_dir`.
 */
export function composeFilesOf(containers: readonly ContainerInfo[]): string[] {
  const labelled = containers.find((c) => c.labels[COMPOSE_CONFIG_FILES]);
  if (!labelled) return [];
  const dir = labelled.labels[COMPOSE_WORKING_DIR] ?? '';
  return labelled.labels[COMPOSE_CONFIG_FILES]!.split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => (isAbsolute(f) || !dir ? f : join(dir, f)));
}

/**
 * Where the Compose files say what causes a contradiction, found with yaml's positions: the `- public-facing` entry
 * under `services.postgres.networks`, the `internal:` key (or the declaration) of a network, a `ports:` entry. Every
 * file is searched (an override file may be the one that adds it). A file that cannot be read, or a cause no line
 * states (Compose's implicit default network, a value built by interpolation), becomes a note: the finding stands
 * without its line.
 */
export async function composeLines(
  causes: readonly ComposeCause[],
  files: readonly string[],
  load: ComposeLoader,
): Promise<{ lines: ComposeLine[]; notes: string[] }> {
  const lines: ComposeLine[] = [];
  const notes: string[] = [];
  if (causes.length === 0) return { lines, notes };
  if (files.length === 0) {
    notes.push(
      'no Compose file is named on the containers (label com.docker.compose.project.config_files): the lines that cause it are not shown',
    );
    return { lines, notes };
  }
  const texts = await Promise.all(files.map(load));
  for (const t of texts) if ('error' in t) notes.push(`cannot read ${t.file} (${t.error}): its lines are not shown`);
  const readable = texts.filter((t): t is Extract<ComposeText, { doc: Document }> => !('error' in t));
  for (const cause of causes) {
    const at = readable.flatMap((t) => {
      const node = locate(t.doc, cause);
      if (!node?.range) return [];
      const { line, col } = t.lines.linePos(node.range[0]);
      return [{ file: t.file, line, col, text: (t.source[line - 1] ?? '').trim().slice(0, 160) }];
    });
    if (at.length === 0 && readable.length > 0)
      notes.push(
        `no line of ${readable.map((t) => t.file).join(', ')} says ${describeCause(cause)} (Compose's default, or a value Compose builds)`,
      );
    for (const l of at)
      if (!lines.some((x) => x.file === l.file && x.line === l.line && x.col === l.col)) lines.push(l);
  }
  return { lines, notes };
}

function describeCause(cause: ComposeCause): string {
  switch (cause.kind) {
    case 'service-on-network':
      return `that ${cause.service} is on ${cause.network}`;
    case 'service-networks':
      return `the networks of ${cause.service}`;
    case 'network-not-internal':
      return `how ${cause.network} is declared`;
    case 'service-publishes':
      return `that ${cause.service} publishes ${cause.port ?? 'a port'}`;
  }
}

// The node to point at for a cause, or undefined when the file does not state it.
function locate(doc: Document, cause: ComposeCause): Node | undefined {
  if (cause.kind === 'network-not-internal') {
    const declared = pairAt(doc, doc.contents, ['networks', cause.network]);
    if (!declared) return undefined;
    // `internal: false` says it; without the key, the declaration does.
    return (
      ((isMap(declared.value) ? pairIn(doc, declared.value, 'internal')?.key : undefined) as Node | undefined) ??
      (declared.key as Node)
    );
  }
  const service = pairAt(doc, doc.contents, ['services', cause.service]);
  if (!service) return undefined;
  const body = deref(doc, service.value);
  if (cause.kind === 'service-publishes') {
    const ports = isMap(body) ? pairIn(doc, body, 'ports') : undefined;
    if (!ports) return undefined;
    const list = deref(doc, ports.value);
    const entry =
      isSeq(list) && cause.port !== undefined
        ? list.items.find((item) => publishes(doc, item, cause.port!))
        : undefined;
    return (entry as Node | undefined) ?? (ports.key as Node);
  }
  const networks = isMap(body) ? pairIn(doc, body, 'networks') : undefined;
  if (cause.kind === 'service-networks') return (networks?.key as Node | undefined) ?? (service.key as Node);
  // A service with no `networks:` is on the project's default network: its declaration says so.
  if (!networks) return cause.network === 'default' ? (service.key as Node) : undefined;
  const list = deref(doc, networks.value);
  if (isSeq(list))
    return list.items.find(
      (item) => isScalar(deref(doc, item)) && String((deref(doc, item) as { value: unknown }).value) === cause.network,
    ) as Node | undefined;
  if (isMap(list)) return pairIn(doc, list, cause.network)?.key as Node | undefined;
  return undefined;
}

// Whether a `ports:` entry publishes a container port: `"8080"`, `"127.0.0.1::8080"`, `"5432:5432/tcp"`, `{ target: 8080 }`.
function publishes(doc: Document, item: unknown, port: number): boolean {
  const node = deref(doc, item);
  if (isScalar(node)) return new RegExp(`(^|:)${port}(/tcp)?$`).test(String(node.value).trim());
  if (isMap(node))
    return Number((deref(doc, pairIn(doc, node, 'target')?.value) as { value?: unknown } | undefined)?.value) === port;
  return false;
}

// A pair down a path of map keys, following aliases and `<<` merge keys (Compose files use both: `<<: *service`).
function pairAt(doc: Document, start: unknown, path: readonly string[]): Pair | undefined {
  let node = deref(doc, start);
  let pair: Pair | undefined;
  for (const key of path) {
    if (!isMap(node)) return undefined;
    pair = pairIn(doc, node, key);
    if (!pair) return undefined;
    node = deref(doc, pair.value);
  }
  return pair;
}

// A key of a map: its own, else one it merges in (`<<: *anchor` or `<<: [*a, *b]`, earlier ones first).
function pairIn(doc: Document, map: unknown, key: string, depth = 0): Pair | undefined {
  if (!isMap(map) || depth > 10) return undefined;
  const own = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
  if (own) return own as Pair;
  for (const p of map.items) {
    if (!isPair(p) || !isScalar(p.key) || String(p.key.value) !== '<<') continue;
    const merged = deref(doc, p.value);
    for (const source of isSeq(merged) ? merged.items : [merged]) {
      const found = pairIn(doc, deref(doc, source), key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}
