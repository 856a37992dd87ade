import t from 'tap';
import { githubReport } from '../../src/report/github-report.js';
import { findingsOfRun } from '../../src/report/report-findings.js';
import { SHOP_SCENARIO, SHOP_SCENARIO_FILE, shopRun } from '../fixtures/shop-run.js';
import { runResult, verdict } from '../fixtures/run-result.js';

// Workflow commands as GitHub Actions reads them: `::error file=F,line=L,col=C,title=T::MESSAGE`.
const COMMAND = /^::(error|warning|notice) ((?:[a-z]+=[^,:]*,?)*)::(.*)$/;

t.test('one command per mismatch, at its line of the scenario', async (t) => {
  const result = await shopRun('gh1', { probeFails: true });
  const lines = githubReport(findingsOfRun(result), 'summary').trimEnd().split('\n');
  const commands = lines.filter((l) => l.startsWith('::'));
  const failed = result.verdicts.filter((v) => v.status === 'fail');
  const unclear = result.verdicts.filter((v) => v.status === 'inconclusive');
  t.equal(commands.length, failed.length + unclear.length);
  t.equal(commands.filter((c) => c.startsWith('::error ')).length, failed.length, 'an error per FAIL');
  t.equal(commands.filter((c) => c.startsWith('::warning ')).length, unclear.length, 'a warning per inconclusive');
  const scenario = SHOP_SCENARIO.split('\n');
  for (const c of commands) {
    const match = COMMAND.exec(c);
    t.ok(match, c);
    const props = Object.fromEntries((match?.[2] ?? '').split(',').map((p) => p.split('=') as [string, string]));
    t.equal(props['file'], SHOP_SCENARIO_FILE);
    t.match(scenario[Number(props['line']) - 1], /- name:/, 'the line of the expectation');
    t.match(props['title'], /^\[[a-z-]+\] (FAIL|inconclusive) /);
  }
  t.equal(lines.at(-1), 'summary');
});

t.test("GitHub's escaping: a message escapes % CR LF, a property also : and ,", async (t) => {
  const result = runResult([
    verdict({
      status: 'fail',
      code: 'reached',
      source: 'network a,b',
      target: 'x:1',
      reason: '100% open\r\nnext line',
      location: 'dir/we,ird:name.yml:7:3',
    }),
  ]);
  const [command] = githubReport(findingsOfRun(result, process.cwd()), '').split('\n');
  t.match(
    command,
    /^::error file=dir\/we%2Cird%3Aname\.yml,line=7,col=3,title=\[reached\] FAIL network a%2Cb → x%3A1 /,
  );
  t.match(command, /::e: 100%25 open%0D%0Anext line \(observed/);
  const properties =
    command
      ?.split('::')[1]
      ?.replace(/^error /, '')
      .split(',') ?? [];
  t.same(
    properties.map((p) => p.split('=')[0]),
    ['file', 'line', 'col', 'title'],
    'no raw separator inside a property',
  );
});
