import { normaliseRules } from '../watch/firewall-digest.js';

/** The tables an `iptables-save` text declares (`*filter`, `*nat`…), each with its section normalised, in order. */
export function tableSections(rules: string): Map<string, string> {
  const sections = new Map<string, string>();
  let table: string | undefined;
  let lines: string[] = [];
  for (const line of rules.split('\n')) {
    const opened = /^\*(\S+)/.exec(line);
    if (opened) {
      table = opened[1]!;
      lines = [];
      continue;
    }
    if (table === undefined) continue;
    if (line.trim() === 'COMMIT') {
      sections.set(table, normaliseRules(lines.join('\n')));
      table = undefined;
      continue;
    }
    lines.push(line);
  }
  return sections;
}

/**
 * The tables whose rules differ between two `iptables-save` texts (counters and comments aside), or that only one of
 * them declares: the tables a restore of `before` over `after` has to load, and the only ones it may load.
 */
export function changedTables(before: string, after: string): string[] {
  const was = tableSections(before);
  const is = tableSections(after);
  return [...new Set([...was.keys(), ...is.keys()])].filter((table) => was.get(table) !== is.get(table));
}
