import t from 'tap';
import { baselineOf } from '../../src/baseline/baseline.js';
import { markdownDrift } from '../../src/baseline/markdown-drift-report.js';
import { driftOutput, driftReportOf } from '../../src/cli/compare-with-baseline.js';
import { colors } from '../../src/report/colors.js';
import { shopRun } from '../fixtures/shop-run.js';

t.test('a drift as Markdown, SARIF and GitHub commands, from real runs', async (t) => {
  const before = baselineOf(await shopRun('dm1', { probeFails: true }));
  const now = await shopRun('dm2');
  const report = driftReportOf('base.json', before, baselineOf(now), now, 'any');
  t.ok(report.drift.length > 0);
  const md = markdownDrift(report);
  t.equal(md.split('\n').filter((l) => /^\| \*\*/.test(l)).length, report.drift.length, 'a row per difference');
  const github = driftOutput(report, 'github', now, colors(false)).trimEnd().split('\n');
  t.equal(github.filter((l) => l.startsWith('::')).length, report.drift.length);
  for (const l of github.filter((x) => x.startsWith('::')))
    t.match(l, /^::(error|warning|notice) file=base\.json,line=1,/);
  t.match(github.at(-1), /difference\(s\) from base\.json/, 'then the closing line');
  t.match(driftOutput(report, 'sarif', now, colors(false)), /"version": "2\.1\.0"/);
});
