import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchemaObject } from 'ajv';
import t from 'tap';
import type { Log } from 'sarif';
import { chaosJunitReport } from '../../src/report/chaos-junit-report.js';
import { chaosMarkdownReport } from '../../src/report/chaos-markdown-report.js';
import { githubReport } from '../../src/report/github-report.js';
import { findingsOfChaos } from '../../src/report/report-findings.js';
import { sarifReport } from '../../src/report/sarif-report.js';
import { DRILLS, removeLockDir } from '../fixtures/chaos-drill.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// A chaos drill's reports in Markdown, SARIF, JUnit and GitHub's commands, from real drills on the fake engine: a
// breach window is a SARIF result at its cell's line with the duration and the first and last evidence; a failed
// restore is said first, with the saved file; a drill that held has no findings.

t.teardown(removeLockDir);
const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'sarif-2.1.0.schema.json'), 'utf8'),
) as AnySchemaObject;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

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
});

t.test('a drill that held: no findings, every case passes', async (t) => {
  const d = drillDeployment();
  const result = (await DRILLS.nothing(d))!;
  t.equal(result.outcome, 'held', result.reason);
  t.same(findingsOfChaos(result), []);
  t.notMatch(chaosJunitReport(result), /<failure|<error/);
  t.match(chaosMarkdownReport(result), /: ✅ held\n/);
});
