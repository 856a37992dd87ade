import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** A path into a parsed document, as zod reports it. */
export type DocPath = readonly PropertyKey[];

/**
 * Finds where a path points in the YAML source. `key: true` gives the position of a map key itself (for unknown
 * keys); a path that does not exist (a missing key) falls back to its deepest existing ancestor.
 */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: DocPath,
  options: { key?: boolean } = {},
): { line: number; col: number } {
  let node: unknown = doc.contents;
  let found: Node | undefined = isNode(node) ? node : undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (last && options.key && isNode(pair.key)) {
        found = pair.key;
        break;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      break;
    }
    if (!isNode(node)) break;
    found = node;
  }
  const offset = found?.range?.[0] ?? 0;
  return lines.linePos(offset);
}
