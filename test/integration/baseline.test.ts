import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Baseline } from '../../src/baseline/baseline.js';
import type { DriftReport } from '../../src/baseline/drift-report.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { documentErrors } from '../fixtures/json-documents.js';
import { cli, upReferenceAndBroken } from './helpers.js';

// Baselines and drift on real topologies: a snapshot of the reference topology; the same deployment again drifts
// nowhere, and neither does it against the committed baseline (made on another engine: evidence differs, states do
// not); the broken twin drifts by exactly the paths it opens, each named once.

t.setTimeout(240_000);
const { reference, broken } = await upReferenceAndBroken(t, 'dptest-base');
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-baseline-'));
const COMMITTED = join(PACKAGE_ROOT, 'scenarios/reference.baseline.json');

t.test('snapshot, then the same deployment: no drift, the same digest as the committed baseline', async (t) => {
  const file = join(tmp, 'baseline.json');
  const snap = await cli(['snapshot', 'scenarios/reference.yml', '--project', reference, '--write', file]);
  t.equal(snap.exitCode, 0, snap.stderr);
  const baseline = JSON.parse(await readFile(file, 'utf8')) as Baseline;
  t.same(documentErrors('dockprobe-baseline', baseline), [], 'a valid dockprobe-baseline document (schemas/)');
  t.match(snap.stdout, new RegExp(`: 10 paths \\(6 open, 4 closed, 0 unknown\\), digest ${baseline.digest}`));
  const committed = JSON.parse(await readFile(COMMITTED, 'utf8')) as Baseline;
  t.equal(baseline.digest, committed.digest, 'this engine sees what the committed baseline saw');
  const again = await cli(['test', 'scenarios/reference.yml', '--project', reference, '--baseline', file]);
  t.equal(again.exitCode, 0, again.stderr);
  t.match(again.stdout, /^no drift from .*baseline\.json/);
});

t.test('the broken twin against the committed baseline: exactly the paths it opens, exit 1', async (t) => {
  const { exitCode, stdout, stderr } = await cli([
    'test',
    'scenarios/reference.yml',
    '--project',
    broken,
    '--baseline',
    COMMITTED,
    '--format',
    'json',
  ]);
  t.equal(exitCode, 1, stderr);
  const report = JSON.parse(stdout) as DriftReport;
  t.same(documentErrors('dockprobe-drift', report), [], 'a valid dockprobe-drift document (schemas/)');
  t.same(
    report.drift.map((d) => [d.kind, d.source, d.target]),
    [
      ['opened', 'network public-facing', 'postgres:5432'],
      ['opened', 'network public-facing', 'redis:6379'],
    ],
  );
  t.match(report.drift[0]!.after, { state: 'open', code: 'reached' });
  const closedOnly = await cli([
    'test',
    'scenarios/reference.yml',
    '--project',
    broken,
    '--baseline',
    COMMITTED,
    '--fail-on',
    'closed',
  ]);
  t.equal(closedOnly.exitCode, 0, 'opened paths do not fail --fail-on closed');
  t.match(
    closedOnly.stdout,
    /^OPENED  network public-facing → postgres:5432: was closed \(blocked\), now open \(reached: open /m,
  );
});
