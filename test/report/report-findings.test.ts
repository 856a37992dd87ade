import t from 'tap';
import { findingsOfRun } from '../../src/report/report-findings.js';
import { fileLineOf } from '../../src/report/report-location.js';
import { runResult, verdict } from '../fixtures/run-result.js';

t.test('a static finding is located at the first Compose line that causes it, else at its rule', async (t) => {
  const finding = {
    code: 'rule-contradicted-by-topology' as const,
    rule: 1,
    kind: 'never' as const,
    says: 'network public-facing never reaches postgres',
    location: '/repo/isolation.yml:3:5',
    reason: 'postgres is on public-facing',
    compose: [{ file: '/repo/compose.yml', line: 12, col: 7, text: '- public-facing' }],
    notes: [],
  };
  const result = { ...runResult([verdict({})]), staticFindings: [finding, { ...finding, compose: [] }] };
  const [atCompose, atRule] = findingsOfRun(result, '/repo');
  t.same(atCompose?.location, { file: 'compose.yml', line: 12, col: 7 });
  t.equal(atCompose?.level, 'warning', 'a finding never decides the exit code');
  t.same(atRule?.location, { file: 'isolation.yml', line: 3, col: 5 });
  t.equal(atCompose?.fingerprint, atRule?.fingerprint, 'the same rule, the same fingerprint');
});

t.test('locations: relative to the working directory, none for what is no file', async (t) => {
  t.same(fileLineOf('a/b.yml:3:5', '/repo'), { file: 'a/b.yml', line: 3, col: 5 });
  t.same(fileLineOf('/repo/a:b.yml:3:5', '/repo'), { file: 'a:b.yml', line: 3, col: 5 }, 'a colon in the name');
  t.same(fileLineOf('/other/x.yml:1:1', '/repo'), { file: '/other/x.yml', line: 1, col: 1 });
  t.equal(fileLineOf('<stdin>:2:1', '/repo'), undefined);
  t.equal(fileLineOf('<inferred from compose.yml>:9:3', '/repo'), undefined);
  t.equal(fileLineOf('nonsense', '/repo'), undefined);
});
