import { stripVTControlCharacters } from 'node:util';
import Table from 'cli-table3';
import type { Colors } from './colors.js';

/** The widest a report's matrix may be, in columns: a terminal, a CI log or a README code block. */
export const MATRIX_WIDTH = 100;

/** A matrix's content: sources down the side, targets across, each cell's text (empty: no check there). */
export interface Matrix {
  sources: readonly string[];
  targets: readonly string[];
  cell: (source: string, target: string) => string;
}

/**
 * The matrix as a box table no wider than `width`: sources down the side if that fits; else targets down the side
 * (`to \ from`) if that fits; else the targets split over several tables, each repeating the sources, with cells
 * wrapped where a single target is still too wide.
 */
export function matrixTable(m: Matrix, c: Colors, width = MATRIX_WIDTH): string {
  const across = render(m.sources, m.targets, 'from \\ to', (row, col) => m.cell(row, col), c);
  if (widthOf(across) <= width) return across;
  const down = render(m.targets, m.sources, 'to \\ from', (row, col) => m.cell(col, row), c);
  if (widthOf(down) <= width) return down;
  const tables: string[] = [];
  let chunk: string[] = [];
  for (const target of m.targets) {
    if (chunk.length > 0 && widthOf(render(m.sources, [...chunk, target], 'from \\ to', m.cell, c)) > width) {
      tables.push(fitted(m, chunk, c, width));
      chunk = [];
    }
    chunk.push(target);
  }
  if (chunk.length > 0) tables.push(fitted(m, chunk, c, width));
  return tables.join('\n');
}

/** One chunk of targets; a chunk of one target still too wide gets fixed column widths and wrapped cells. */
function fitted(m: Matrix, targets: readonly string[], c: Colors, width: number): string {
  const natural = render(m.sources, targets, 'from \\ to', m.cell, c);
  if (widthOf(natural) <= width) return natural;
  const columns = targets.length + 1;
  // Each column's width counts its padding; the table adds one border per column and one more.
  const each = Math.floor((width - columns - 1) / columns);
  return render(m.sources, targets, 'from \\ to', m.cell, c, Array(columns).fill(each));
}

function render(
  rows: readonly string[],
  cols: readonly string[],
  corner: string,
  cell: (row: string, col: string) => string,
  c: Colors,
  colWidths?: number[],
): string {
  const table = new Table({
    head: [corner, ...cols].map((h) => c.bold(h)),
    style: { head: [], border: [], compact: false },
    // Fixed widths only when a name is too long for any column: then cut it anywhere, losing nothing.
    ...(colWidths ? { colWidths, wordWrap: true, wrapOnWordBoundary: false } : {}),
  });
  for (const row of rows) table.push([c.bold(row), ...cols.map((col) => cell(row, col) || c.dim('·'))]);
  return table.toString();
}

/** The widest line, escape codes not counted. */
function widthOf(text: string): number {
  return Math.max(...text.split('\n').map((line) => stripVTControlCharacters(line).length));
}
