import { saveSections } from './save-sections.js';

/**
 * An `iptables-save` text with only the sections (`*TABLE` to `COMMIT`) of `tables`; comment lines outside the
 * sections stay. `iptables-restore` flushes and loads only the tables its input declares, so loading the result
 * leaves every other table as it is (Engine 28's raw rule per container address among them).
 */
export function onlyTables(rules: string, tables: readonly string[]): string {
  const keep = new Set(tables);
  return saveSections(rules)
    .flatMap(({ table, lines }) =>
      table === undefined
        ? lines.filter((line) => line.startsWith('#') || line.trim() === '')
        : keep.has(table)
          ? lines
          : [],
    )
    .join('\n');
}
