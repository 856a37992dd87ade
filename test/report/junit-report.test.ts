import t from 'tap';
import { junitReport } from '../../src/report/junit-report.js';
import { SHOP_SCENARIO, SHOP_SCENARIO_FILE, shopRun } from '../fixtures/shop-run.js';

// The place of each case, from a real run on the fake engine: dashboards (GitLab's, the XUnit readers) link a case to
// its file and line.

t.test('each case carries the file and line of its expectation', async (t) => {
  const result = await shopRun('ju1');
  const xml = junitReport(result, '/repo');
  const cases = [...xml.matchAll(/<testcase ([^>]*)>/g)].map((m) => m[1] ?? '');
  t.equal(cases.length, result.verdicts.length, 'one case per cell');
  const lines = SHOP_SCENARIO.split('\n');
  for (const [i, attributes] of cases.entries()) {
    const v = result.verdicts[i]!;
    t.match(attributes, `file="${SHOP_SCENARIO_FILE}"`, `${v.target}: the file, relative to the working directory`);
    const line = Number(/ line="(\d+)"/.exec(attributes)?.[1]);
    t.match(lines[line - 1], /from:|- name:/, `${v.target}: line ${line} is its expectation's`);
    t.equal(`${SHOP_SCENARIO_FILE}:${line}`, v.location.replace(/:\d+$/, ''));
  }
});

t.test('a file outside the working directory stays absolute; no file, no attributes', async (t) => {
  const result = await shopRun('ju2');
  const moved = (location: string) => ({
    ...result,
    verdicts: result.verdicts.map((v) => ({ ...v, location: v.location.replace(SHOP_SCENARIO_FILE, location) })),
  });
  t.match(junitReport(moved('../other/shop.yml'), '/repo/sub'), /file="\/repo\/other\/shop\.yml" line="\d+"/);
  t.match(junitReport(moved('/repo/sub/a.yml'), '/repo/sub'), /file="a\.yml" line="\d+"/);
  t.notMatch(junitReport(moved('<stdin>')), / file=| line=/);
});
