import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchemaObject } from 'ajv';
import t from 'tap';
import type { Log } from 'sarif';
import { type FinalResults, Parser } from 'tap-parser';
import { chaosHtmlReport } from '../../src/report/chaos-html-report.js';
import { chaosJunitReport } from '../../src/report/chaos-junit-report.js';
import { chaosMarkdownReport } from '../../src/report/chaos-markdown-report.js';
import { chaosTapReport } from '../../src/report/chaos-tap-report.js';
import { githubReport } from '../../src/report/github-report.js';
import { findingsOfChaos } from '../../src/report/report-findings.js';
import { sarifReport } from '../../src/report/sarif-report.js';
import { DRILLS, removeLockDir } from '../fixtures/chaos-drill.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// A chaos drill's reports in Markdown, SARIF, JUnit, TAP, HTML and GitHub's commands, from real drills on the fake engine: a
// breach window is a SARIF result at its cell's line with the duration and the first and last evidence; a failed
// restore is said first, with the saved file; a drill that held has no findings.

t.teardown(removeLockDir);
const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'sarif-2.1.0.schema.json'), 'utf8'),
) as AnySchemaObject;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** What a TAP harness makes of a text: its counts, as tap-parser (tap's own) reads them. */
function tapCounts(text: string): Pick<FinalResults, 'ok' | 'count' | 'pass' | 'fail' | 'todo' | 'skip'> {
  let counts: FinalResults | undefined;
  new Parser((r) => {
    counts = r;
  }).end(text);
  const { ok, count, pass, fail, todo, skip } = counts!;
  return { ok, count, pass, fail, todo, skip };
}

t.test('a breach window: a SARIF result at the cell with its duration and evidence, in every format', async (t) => {
  const d = drillDeployment();
  const result = (await DRILLS.breach(d))!;
  t.equal(result.outcome, 'breach');
  const postgres = result.cells.find((c) => c.target === 'postgres:5432')!;
  const window = postgres.spans.find((s) => s.state === 'opened')!;

  const text = sarifReport(findingsOfChaos(result), result);
  t.ok(validate(JSON.parse(text)), `valid SARIF 2.1.0: ${JSON.stringify(validate.errors)}`);
  const results = (JSON.parse(text) as Log).runs[0]?.results ?? [];
  t.same(
    results.map((r) => [r.ruleId, r.level]),
    [['chaos-breach', 'error']],
    'one result: the breach window (api held, postgres back)',
  );
  const breach = results[0]!;
  t.equal(
    breach.message.text,
    `OPENED for ${window.durationMs} ms during --fault restart:postgres: network public → postgres:5432 (expected blocked): reached in rounds ${window.firstRound} to ${window.lastRound} (${window.fromMs} to ${window.toMs} ms into the drill); first: ${window.firstEvidence}; last: ${window.lastEvidence}`,
  );
  const place = breach.locations?.[0]?.physicalLocation;
  t.equal(place?.artifactLocation?.uri, 'shop.yml');
  t.equal(`shop.yml:${place?.region?.startLine}:${place?.region?.startColumn}`, postgres.location);
  t.match(postgres.location, /^shop\.yml:[78]:\d+$/, "the second expectation's line");

  const md = chaosMarkdownReport(result);
  t.match(md, /^## dockprobe chaos `--fault restart:postgres`: ❌ \*\*BREACH\*\*\n/);
  t.match(
    md,
    new RegExp(
      `\\| network public → \`postgres:5432\` \\| blocked \\| pass \\| \\*\\*OPENED for ${window.durationMs} ms\\*\\* \\(\`reached\`\\) \\| fail \\| pass \\|`,
    ),
  );
  t.match(md, /\| network public → `api:3001` \| reachable \| pass \| held throughout \| pass \| pass \|/);
  t.match(
    md,
    /### Breach windows \(1\)\n\n- ❌ network public → postgres:5432 \*\*opened for \d+ ms\*\* .* at `shop\.yml:\d+:\d+`\n {2}- first: `fail /,
  );

  const xml = chaosJunitReport(result, process.cwd());
  t.equal([...xml.matchAll(/<testcase /g)].length, 3, 'the restore and one case per cell');
  t.match(
    xml,
    /<testcase classname="dockprobe\.chaos\.network_public" name="postgres:5432 blocked" file="shop\.yml" line="\d+">\s*<failure message="OPENED for \d+ ms during --fault restart:postgres/,
  );
  t.match(
    xml,
    /name="api:3001 reachable" file="shop\.yml" line="\d+">\s*<system-out><!\[CDATA\[held \(shop\.yml:\d+:\d+\)\]\]><\/system-out>\s*<\/testcase>/,
    'api held: no failure',
  );

  const tap = chaosTapReport(result, process.cwd());
  t.match(tap, /^TAP version 14\n1\.\.4\nok 1 - --fault restart:postgres applied\n/);
  t.match(tap, /\nok 2 - restore after --fault restart:postgres\n  ---\n  status: restored\n/);
  t.match(tap, /\nok 3 - network public -> api:3001 reachable\n  ---\n  outcome: held\n/);
  t.match(
    tap,
    new RegExp(
      `\\nnot ok 4 - network public -> postgres:5432 blocked\\n  ---\\n  outcome: opened\\n  before: pass\\n  after_recovery: fail\\n  after_restore: pass\\n  back: true\\n  opened_ms: ${window.durationMs}\\n  at: "${postgres.location}"\\n  spans:\\n {4}- state: opened\\n {6}rounds: "${window.firstRound}-${window.lastRound}"\\n`,
    ),
  );
  t.match(
    tap,
    /\n {4}- code: chaos-breach\n {6}title: "OPENED for \d+ ms during --fault restart:postgres: network public → postgres:5432 \(expected blocked\)"\n/,
  );
  t.match(tap, /\n# breach: opened during the fault: network public → postgres:5432 \(the longest for \d+ ms\)\n$/);
  t.same(tapCounts(tap), { ok: false, count: 4, pass: 3, fail: 1, todo: 0, skip: 0 }, 'a harness fails it');

  const html = chaosHtmlReport(result);
  t.notMatch(html, /(src|href)=|https?:\/\/|@import|url\(/, 'nothing loads from anywhere');
  t.match(html, /<h1>dockprobe chaos --fault restart:postgres: BREACH<\/h1>/);
  const items = [
    ...html.matchAll(/<details class="verdict ([\w-]+)"[^>]*><summary>([^<]*)<\/summary>(.*?)<\/details>/g),
  ];
  t.same(
    items.map((i) => [i[1], i[2]]),
    [
      ['held', 'held reachable'],
      ['breach', `OPENED blocked: opened for ${window.durationMs} ms`],
    ],
    'a cell per timeline: the breach window shown as one',
  );
  t.match(items[1]![3], `rounds ${window.firstRound} to ${window.lastRound}`);
  t.match(items[1]![3], 'first: <code>fail reached');
  t.match(items[1]![3], "after the engine's own recovery: fail; after the restore: pass");
  t.match(html, /<input type="checkbox" checked data-status="breach"> OPENED \(1\)/, 'a filter per status, counted');

  const gh = githubReport(findingsOfChaos(result), 'summary');
  t.match(
    gh,
    /^::error file=shop\.yml,line=\d+,col=\d+,title=\[chaos-breach\] OPENED for \d+ ms during --fault restart%3Apostgres%3A network public → postgres%3A5432 \(expected blocked\)::reached in rounds/,
  );
});

t.test('a failed restore: said first, with the saved file and the command to restore it', async (t) => {
  const d = drillDeployment();
  const result = (await DRILLS.restoreFails(d))!;
  result.fault.restore.savedFile = '/run/dockprobe/rules-ch.v4';
  const findings = findingsOfChaos(result);
  t.match(findings[0], {
    ruleId: 'chaos-restore-failed',
    level: 'error',
    title: 'THE RESTORE FAILED after --fault restart:postgres',
    message:
      /; what the fault changed is saved in \/run\/dockprobe\/rules-ch\.v4 \(dockprobe chaos --restore \/run\/dockprobe\/rules-ch\.v4\)$/,
    location: undefined,
  });
  t.ok(
    findings.some((f) => f.ruleId === 'chaos-not-back'),
    'postgres not back',
  );
  t.match(
    chaosMarkdownReport(result),
    /^## dockprobe chaos `--fault restart:postgres`: 🚨 \*\*THE RESTORE FAILED\*\*\n\n.*\n\n\*\*What the fault changed is saved in `\/run\/dockprobe\/rules-ch\.v4`\*\*: `dockprobe chaos --restore \/run\/dockprobe\/rules-ch\.v4`/,
  );
  t.match(
    chaosJunitReport(result),
    /name="restore after --fault restart:postgres">\s*<failure message="THE RESTORE FAILED: the saved rules could not be loaded; saved in \/run\/dockprobe\/rules-ch\.v4/,
  );
  t.ok(validate(JSON.parse(sarifReport(findings, result))), 'valid SARIF 2.1.0');
  const tap = chaosTapReport(result);
  t.match(
    tap,
    /\nnot ok 2 - THE RESTORE FAILED after --fault restart:postgres\n  ---\n  status: failed\n  detail: "the saved rules could not be loaded"\n  saved_file: "\/run\/dockprobe\/rules-ch\.v4"\n  restore_command: "dockprobe chaos --restore \/run\/dockprobe\/rules-ch\.v4"\n/,
  );
  t.equal(tapCounts(tap).ok, false, 'a harness fails it');
  const html = chaosHtmlReport(result);
  t.match(
    html,
    /<p class="meta"><strong id="restore-failed">THE RESTORE FAILED: the saved rules could not be loaded\. What the fault changed is saved in <code>\/run\/dockprobe\/rules-ch\.v4<\/code>: <code>dockprobe chaos --restore \/run\/dockprobe\/rules-ch\.v4<\/code><\/strong><\/p>/,
    'said above everything',
  );
  t.match(html, /<details class="verdict not-back"|<details class="verdict breach"/);
});

t.test('a drill that held: no findings, every case passes', async (t) => {
  const d = drillDeployment();
  const result = (await DRILLS.nothing(d))!;
  t.equal(result.outcome, 'held', result.reason);
  t.same(findingsOfChaos(result), []);
  t.notMatch(chaosJunitReport(result), /<failure|<error/);
  t.match(chaosMarkdownReport(result), /: ✅ held\n/);
  t.same(tapCounts(chaosTapReport(result)), { ok: true, count: 4, pass: 4, fail: 0, todo: 0, skip: 0 });
});
