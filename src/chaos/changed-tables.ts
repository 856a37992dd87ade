import { normaliseRules } from '../watch/firewall-digest.js';
import { saveSections } from './save-sections.js';

/** The tables an `iptables-save` text declares (`*filter`, `*nat`…), each with its section normalised, in order. */
export function tableSections(rules: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const { table, lines } of saveSections(rules)) {
    if (table === undefined || lines.at(-1)?.trim() !== 'COMMIT') continue;
    sections.set(table, normaliseRules(lines.slice(1, -1).join('\n')));
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
