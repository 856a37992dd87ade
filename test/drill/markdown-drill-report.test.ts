import t from 'tap';
import { drill } from '../../src/drill/drill.js';
import { markdownDrillReport } from '../../src/drill/markdown-drill-report.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

t.test('drill --format markdown: the counts, and what each source reaches as a table', async (t) => {
  const { engine } = drillDeployment();
  const result = await drill({
    image: 'dockprobe-probe:test',
    internet: [],
    from: { kind: 'all' },
    runtime: engine,
    runId: 'mdd1',
    ports: [2375, 5432],
  });
  const md = markdownDrillReport(result);
  const s = result.summary;
  t.match(
    md,
    `${result.rows.length} targets tried: ${s.reached} reached, ${s.pathOpen} path open, ${s.blocked} blocked`,
  );
  const reached = result.rows.filter((r) => r.status === 'reached');
  t.ok(reached.length > 0);
  const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| from') && !l.startsWith('| ---'));
  t.equal(rows.length, reached.length, 'a row per target reached');
  for (const [i, r] of reached.entries()) t.match(rows[i], `\`${r.target}\``);
});
