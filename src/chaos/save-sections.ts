/** A run of an `iptables-save` text: a table's section (`*TABLE` to `COMMIT`, both included) or lines outside one. */
export interface SaveSection {
  /** The table the section declares; undefined for lines outside every section. */
  table: string | undefined;
  lines: string[];
}

/** An `iptables-save` text cut into its sections and the lines between them, in order; joined, they are the text. */
export function saveSections(rules: string): SaveSection[] {
  const sections: SaveSection[] = [];
  let current: SaveSection | undefined;
  for (const line of rules.split('\n')) {
    const opened = /^\*(\S+)/.exec(line);
    if (opened || current === undefined) {
      current = { table: opened ? opened[1]! : undefined, lines: [] };
      sections.push(current);
    }
    current.lines.push(line);
    if (current.table !== undefined && line.trim() === 'COMMIT') current = undefined;
  }
  return sections;
}
