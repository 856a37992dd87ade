import t from 'tap';
import { canaryForFile } from './fake-internet.js';
import { cliJson, upReferenceAndBroken } from './helpers.js';

// Zone rules (issue #11) live, on the reference topology and its broken twin: scenarios/reference-rules.yml passes
// on the reference; on the twin it FAILs naming each rule, and the static answer (each rule the deployment's Compose
// file contradicts, with its line) is on stderr before any probe starts. `test --infer --project` runs the
// expectations `plan --live` infers, directly. `internet` is the local canary, never the real one.

t.setTimeout(300_000);
const RULES = 'scenarios/reference-rules.yml';
const canary = await canaryForFile(t, 'zone rules on the reference topology');
if (canary) {
  const { reference, broken } = await upReferenceAndBroken(t, 'dptest-rules');
  const rows = (verdicts: { expectation: string; source: string; target: string }[] = []) => verdicts.map((v) => `${v.expectation} | ${v.source} → ${v.target}`).sort();

  t.test('the rules pass on the reference, each cell named after its rule; nothing is contradicted', async (t) => {
    const { exitCode, report, stderr } = await cliJson(['test', RULES, '--project', reference, '--internet', canary.target]);
    t.equal(exitCode, 0, stderr);
    t.same(report?.verdicts.filter((v) => v.status !== 'pass').map((v) => `${v.expectation}: ${v.source} → ${v.target}: ${v.code}: ${v.reason}`), []);
    t.same(rows(report?.verdicts), [
      'rule 1 (network public-facing never reaches postgres, redis) | network public-facing → postgres:5432',
      'rule 1 (network public-facing never reaches postgres, redis) | network public-facing → redis:6379',
      'rule 2 (network internal-backend has no egress) | network internal-backend → internet',
      'rule 3 (only network internal-backend reaches postgres): network internal-backend reaches postgres | network internal-backend → postgres:5432',
      'rule 3 (only network internal-backend reaches postgres): network public-facing does not reach postgres | network public-facing → postgres:5432',
      'rule 3 (only network internal-backend reaches postgres): network worker-egress does not reach postgres | network worker-egress → postgres:5432',
      'rule 3 (only network internal-backend reaches postgres): proxy does not reach postgres | service proxy → postgres:5432',
    ]);
    t.same(report?.staticFindings, []);
    t.notMatch(stderr, /contradicted by the deployment/);
  });

  t.test('the broken twin: the static answer before probing, with the Compose line; then FAIL, exit 1, naming the rules', async (t) => {
    const { exitCode, report, stderr } = await cliJson(['test', RULES, '--project', broken, '--internet', canary.target]);
    t.equal(exitCode, 1, stderr);
    t.same(
      rows(report?.verdicts.filter((v) => v.status === 'fail')),
      [
        'rule 1 (network public-facing never reaches postgres, redis) | network public-facing → postgres:5432',
        'rule 1 (network public-facing never reaches postgres, redis) | network public-facing → redis:6379',
        'rule 3 (only network internal-backend reaches postgres): network public-facing does not reach postgres | network public-facing → postgres:5432',
        'rule 3 (only network internal-backend reaches postgres): proxy does not reach postgres | service proxy → postgres:5432',
      ],
      'the live verdicts: every path the twin opened, under the rule it breaks',
    );
    t.same(report?.verdicts.filter((v) => v.status === 'inconclusive').map((v) => `${v.source} → ${v.target}: ${v.reason}`), []);
    t.same(
      report?.staticFindings.map((f) => `${f.code} rule ${f.rule}: ${f.reason}`),
      [
        'rule-contradicted-by-topology rule 1: postgres is on public-facing',
        'rule-contradicted-by-topology rule 1: redis is on public-facing',
        'rule-contradicted-by-topology rule 3: proxy shares public-facing with postgres',
        'rule-contradicted-by-topology rule 3: postgres is on public-facing',
      ],
    );
    // The Compose file the twin was brought up from, through its containers' labels: postgres's networks line.
    t.match(stderr, /dockprobe: rule 1 \(network public-facing never reaches postgres, redis\) at scenarios\/reference-rules\.yml:9:5 is contradicted by the deployment: postgres is on public-facing\n {2}\S*docker-compose\.broken\.yml:48:16: networks: \[public-facing, internal-backend\]\n/);
    t.ok(stderr.indexOf('is contradicted by the deployment') < stderr.indexOf('starting '), 'said before any probe starts');
  });

  t.test('test --infer --project: the inferred expectations run directly and pass on the reference', async (t) => {
    const { exitCode, report, stderr } = await cliJson(['test', '--infer', '--project', reference, '--internet', canary.target]);
    t.equal(exitCode, 0, stderr);
    t.same(report?.verdicts.filter((v) => v.status !== 'pass').map((v) => `${v.source} → ${v.target}: ${v.code}: ${v.reason}`), []);
    t.equal(report?.summary.total, 30, 'what plan --live infers (test/integration/infer.test.ts)');
    t.same(report?.scenarios, [`<inferred from the live project ${reference}>`]);
    t.match(stderr, new RegExp(`inferred 30 expectations from the live project ${reference}`));
  });

  t.test('test FILE --infer: the rules and the inferred expectations in one run', async (t) => {
    const { exitCode, report, stderr } = await cliJson(['test', RULES, '--infer', '--project', reference, '--internet', canary.target]);
    t.equal(exitCode, 0, stderr);
    t.equal(report?.summary.total, 37);
    t.same(report?.scenarios, [`<inferred from the live project ${reference}>`, RULES]);
  });
}
