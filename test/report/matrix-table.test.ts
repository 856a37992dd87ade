import { stripVTControlCharacters } from 'node:util';
import t from 'tap';
import { colors } from '../../src/report/colors.js';
import { MATRIX_WIDTH, matrixTable } from '../../src/report/matrix-table.js';
import { prettyReport } from '../../src/report/pretty-report.js';
import { demoBrokenResult } from '../fixtures/demo-broken-result.js';

const widest = (text: string) => Math.max(...text.split('\n').map((l) => stripVTControlCharacters(l).length));

t.test("the demo's matrix fits 100 columns, every target and cell still in it", async (t) => {
  const result = demoBrokenResult();
  for (const enabled of [false, true]) {
    const text = prettyReport(result, colors(enabled));
    const table = text.slice(0, text.indexOf('\n\n'));
    t.ok(widest(table) <= MATRIX_WIDTH, `${widest(table)} columns, colour ${enabled ? 'on' : 'off'}`);
  }
  const text = prettyReport(result, colors(false));
  for (const v of result.verdicts) t.match(text, v.target);
  t.match(text, /│ to \\ from +│ network public-facing +│ network internal-backend │/, 'targets down the side');
  t.match(text, /│ redis:6379 +│ FAIL open 34ms +│ · +│/);
  t.match(text, /│ dns:proxy +│ · +│ pass blocked +│/);
});

t.test('a matrix that fits keeps sources down the side', async (t) => {
  const text = matrixTable({ sources: ['a', 'b'], targets: ['x:1', 'y:2'], cell: (s, x) => `${s}${x}` }, colors(false));
  t.match(text, /│ from \\ to │ x:1 +│ y:2 +│/);
  t.match(text, /│ b +│ bx:1 │ by:2 │/);
});

t.test('too wide either way: the targets split over tables, each repeating the sources, none too wide', async (t) => {
  const sources = Array.from({ length: 12 }, (_, i) => `network zone-number-${i}`);
  const targets = Array.from({ length: 12 }, (_, i) => `service-${i}:80${i}`);
  const text = matrixTable({ sources, targets, cell: () => 'pass open 12ms' }, colors(false));
  t.ok(widest(text) <= MATRIX_WIDTH, `${widest(text)} columns`);
  const heads = text.split('\n').filter((l) => l.startsWith('│ from \\ to'));
  t.ok(heads.length > 1, `${heads.length} tables`);
  for (const target of targets) t.equal(heads.filter((h) => h.includes(`${target} `)).length, 1, target);
  t.equal(text.split('\n').filter((l) => l.startsWith('│ network zone-number-11 ')).length, heads.length);
});

t.test('a name too long for any column is wrapped, nothing cut off', async (t) => {
  const long = `http://${'a'.repeat(120)}:8080/health`;
  const text = matrixTable(
    { sources: ['network public'], targets: [long], cell: () => 'pass http 200 5ms' },
    colors(false),
  );
  t.ok(widest(text) <= MATRIX_WIDTH, `${widest(text)} columns`);
  t.equal(text.replace(/[│\s]/g, '').includes('a'.repeat(40)), true);
  t.notMatch(text, /…/, 'nothing truncated');
});
