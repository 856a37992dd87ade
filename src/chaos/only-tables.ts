/**
 * An `iptables-save` text with only the sections (`*TABLE` to `COMMIT`) of `tables`; comment lines outside the
 * sections stay. `iptables-restore` flushes and loads only the tables its input declares, so loading the result
 * leaves every other table as it is (Engine 28's raw rule per container address among them).
 */
export function onlyTables(rules: string, tables: readonly string[]): string {
  const keep = new Set(tables);
  let table: string | undefined;
  return rules
    .split('\n')
    .filter((line) => {
      const opened = /^\*(\S+)/.exec(line);
      if (opened) table = opened[1]!;
      const kept = table === undefined ? line.startsWith('#') || line.trim() === '' : keep.has(table);
      if (table !== undefined && line.trim() === 'COMMIT') table = undefined;
      return kept;
    })
    .join('\n');
}
