import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { baselineOfDrill } from '../../src/baseline/baseline-of-drill.js';
import { driftOutput, driftReportOf } from '../../src/cli/compare-with-baseline.js';
import { FORMATS } from '../../src/cli/report-options.js';
import { drill, type DrillOptions } from '../../src/drill/drill.js';
import type { DrillResult } from '../../src/drill/drill-result.js';
import { htmlDrillReport } from '../../src/drill/html-drill-report.js';
import { jsonDrillReport } from '../../src/drill/json-drill-report.js';
import { markdownDrillReport } from '../../src/drill/markdown-drill-report.js';
import { prettyDrillReport } from '../../src/drill/pretty-drill-report.js';
import { colors } from '../../src/report/colors.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// Every report of a drill, byte for byte, against the files in test/fixtures/drill-reports/: the pretty report (plain
// and verbose), JSON, Markdown, HTML, the baseline, and the drift from a baseline in every format. The files were
// written by the drill as it was before it judged each probe as it ended and let its observations go: the same
// rows must give the same reports. Only what changes from run to run (times) is set to fixed values.
// DOCKPROBE_WRITE_FIXTURES=1 writes the files anew, for a change that means to change a report (review the diff).

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'drill-reports');

const run = async (options: Partial<DrillOptions>, stop?: boolean): Promise<DrillResult> => {
  const { engine, postgres } = drillDeployment();
  if (stop) {
    const agent = engine.containers.agent!;
    engine.containers.agent = (plan, probe) => {
      const lines = agent(plan, probe);
      Object.assign(postgres, { state: 'exited', running: false });
      return lines;
    };
  }
  const result = await drill({
    from: { kind: 'all' },
    runtime: engine,
    image: 'dockprobe-probe:test',
    runId: 'r1',
    internet: ['tcp://192.0.2.1:443'],
    ports: [2375, 5432],
    ...options,
  });
  return {
    ...result,
    startedAt: '2026-12-07T00:00:00.000Z',
    durationMs: 1234,
    probes: result.probes.map((p) => ({ ...p, durationMs: 56 })),
  };
};

/** Each report by the name of its file. */
async function reports(): Promise<Map<string, string>> {
  const held = await run({});
  // A target stopped under the probes: blocked rows become world-changed, and the drift from `held` says so.
  const changed = await run({ runId: 'r2' }, true);
  const plain = colors(false);
  const out = new Map<string, string>([
    ['pretty.txt', prettyDrillReport(held, plain)],
    ['pretty-verbose.txt', prettyDrillReport(held, plain, { verbose: true })],
    ['changed-pretty.txt', prettyDrillReport(changed, plain)],
    ['drill.json', jsonDrillReport(held)],
    ['changed.json', jsonDrillReport(changed)],
    ['drill.md', markdownDrillReport(held)],
    ['drill.html', htmlDrillReport(held)],
    ['baseline.json', `${JSON.stringify(baselineOfDrill(held), null, 2)}\n`],
  ]);
  const drift = driftReportOf('base.json', baselineOfDrill(held), baselineOfDrill(changed), changed, 'any');
  for (const format of FORMATS) out.set(`drift-${format}.txt`, driftOutput(drift, format, changed, plain));
  return out;
}

t.test('the same rows give the same reports, byte for byte, in every format', async (t) => {
  for (const [name, text] of await reports()) {
    if (process.env['DOCKPROBE_WRITE_FIXTURES'] === '1') await writeFile(join(FIXTURES, name), text);
    const expected = await readFile(join(FIXTURES, name), 'utf8');
    t.equal(text, expected, name);
  }
});
