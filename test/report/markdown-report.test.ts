import t from 'tap';
import { markdownReport } from '../../src/report/markdown-report.js';
import { runResult, verdict } from '../fixtures/run-result.js';
import { shopRun } from '../fixtures/shop-run.js';

// The table a Markdown renderer (GitHub's, GitLab's) makes of a report: rows of cells between pipes.
function tables(markdown: string): string[][][] {
  const out: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      current = undefined;
      continue;
    }
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    if (!current) {
      current = [];
      out.push(current);
    }
    current.push(cells);
  }
  return out;
}

t.test('the summary line, the zone matrix as a table, the mismatches with evidence', async (t) => {
  const result = await shopRun('md1', { probeFails: true });
  const md = markdownReport(result);
  const s = result.summary;
  t.ok(s.pass > 0 && s.fail > 0 && s.inconclusive > 0, 'the run has every verdict');
  t.match(
    md,
    `## dockprobe: FAIL\n\n${s.total} checks: ${s.pass} passed, ${s.fail} failed, ${s.inconclusive} inconclusive in `,
  );
  t.ok(md.startsWith('## dockprobe: FAIL\n'));
  const [matrix] = tables(md);
  const sources = [...new Set(result.verdicts.map((v) => v.source))];
  const targets = [...new Set(result.verdicts.map((v) => v.target))];
  t.equal(matrix?.length, 2 + sources.length, 'a header, its rule, a row per source');
  t.same(matrix?.[0], ['from \\ to', ...targets.map((x) => `\`${x}\``)]);
  t.ok(matrix?.[1]?.every((c) => c === '---'));
  for (const v of result.verdicts) {
    const row = matrix?.find((r) => r[0] === `**${v.source}**`);
    const cell = row?.[1 + targets.indexOf(v.target)];
    t.match(cell, { pass: /^✅ pass/, fail: /^❌ \*\*FAIL\*\*/, inconclusive: /^⚠️ inconclusive/ }[v.status]);
  }
  t.match(md, `### Mismatches (${s.fail})`);
  t.match(md, `### Inconclusive (${s.inconclusive})`);
  const failed = result.verdicts.filter((v) => v.status === 'fail');
  for (const v of failed) {
    t.match(md, `(expected ${v.expected})`);
    t.match(md, `\`${v.location}\``, 'where the expectation is');
    for (const e of v.evidence) t.match(md, e.attempt.description, 'its evidence');
  }
  t.match(md, `<sub>engine ${result.engine.version}`);
});

t.test('text from a scenario or the engine cannot break the table or add markup', async (t) => {
  const md = markdownReport(
    runResult([
      verdict({ source: 'network a|b', target: 'x:1', status: 'fail', code: 'reached', reason: '<img src=x> *hi*' }),
      verdict({ source: 'network a|b', target: 'y`z:2' }),
    ]),
  );
  const [matrix] = tables(md);
  t.equal(matrix?.[0]?.length, 3, 'a pipe in a name stays inside its cell');
  t.equal(matrix?.[2]?.length, 3);
  t.match(md, '\\<img src=x\\> \\*hi\\*');
  t.match(md, '``y`z:2``', 'a backtick inside a code span');
});
