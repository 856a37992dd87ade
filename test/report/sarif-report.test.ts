import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchemaObject } from 'ajv';
import t from 'tap';
import type { Log } from 'sarif';
import { baselineOf } from '../../src/baseline/baseline.js';
import { driftReportOf } from '../../src/cli/compare-with-baseline.js';
import { findingsOfDrift, findingsOfRun } from '../../src/report/report-findings.js';
import { sarifReport } from '../../src/report/sarif-report.js';
import { SHOP_SCENARIO, SHOP_SCENARIO_FILE, shopRun } from '../fixtures/shop-run.js';

// SARIF from real runs on the fake engine, validated against SARIF 2.1.0 as @types/sarif states it, every object
// closed so that a field SARIF does not define fails too (test/fixtures/sarif-2.1.0.schema.json, written by
// scripts/build-sarif-schema.mjs). Nothing is fetched.

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'sarif-2.1.0.schema.json'), 'utf8'),
) as AnySchemaObject;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function sarifErrors(text: string): string[] {
  if (validate(JSON.parse(text))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

t.test('a run: each failing or inconclusive cell a result at its line of the scenario', async (t) => {
  const result = await shopRun('sa1', { probeFails: true });
  const text = sarifReport(findingsOfRun(result, process.cwd()), result);
  t.same(sarifErrors(text), [], 'valid SARIF 2.1.0');
  const log = JSON.parse(text) as Log;
  t.equal(log.version, '2.1.0');
  const broken = JSON.parse(text) as { runs: { results: { level: string }[] }[] };
  broken.runs[0]!.results[0]!.level = 'fatal';
  t.not(sarifErrors(JSON.stringify(broken)).length, 0, 'the schema refuses what SARIF does not allow');
  const results = log.runs[0]?.results ?? [];
  const failed = result.verdicts.filter((v) => v.status === 'fail');
  const unclear = result.verdicts.filter((v) => v.status === 'inconclusive');
  t.ok(failed.length > 0 && unclear.length > 0, 'the run has both');
  t.equal(results.length, failed.length + unclear.length, 'passes are not results');
  t.same(
    results.map((r) => [r.ruleId, r.level]),
    [...failed, ...unclear].map((v) => [v.code, v.status === 'fail' ? 'error' : 'warning']),
  );
  const lines = SHOP_SCENARIO.split('\n');
  for (const r of results) {
    const place = r.locations?.[0]?.physicalLocation;
    t.equal(place?.artifactLocation?.uri, SHOP_SCENARIO_FILE, 'relative to the working directory');
    t.match(lines[(place?.region?.startLine ?? 0) - 1], /- name:/, `line ${place?.region?.startLine}: the expectation`);
  }
  const rules = log.runs[0]?.tool.driver.rules ?? [];
  for (const r of results) t.equal(rules[r.ruleIndex ?? -1]?.id, r.ruleId, 'each result names its rule by index');
});

t.test('fingerprints are the same across runs, and differ between findings', async (t) => {
  const prints = async (id: string) => {
    const result = await shopRun(id, { probeFails: true });
    const log = JSON.parse(sarifReport(findingsOfRun(result), result)) as Log;
    return (log.runs[0]?.results ?? []).map((r) => r.partialFingerprints?.['dockprobeFinding/v1']);
  };
  const [first, second] = [await prints('sa2'), await prints('sa3')];
  t.same(first, second, 'two runs (other run ids, other latencies) give the same fingerprints');
  t.equal(new Set(first).size, first.length, 'one per finding');
});

t.test('a baseline comparison: each difference a result at the baseline file', async (t) => {
  const before = baselineOf(await shopRun('sa4', { probeFails: true }));
  const now = await shopRun('sa5');
  const report = driftReportOf('baselines/shop.json', before, baselineOf(now), now, 'opened');
  t.ok(report.drift.length > 0, 'something drifted');
  const text = sarifReport(findingsOfDrift(report), now);
  t.same(sarifErrors(text), [], 'valid SARIF 2.1.0');
  const results = (JSON.parse(text) as Log).runs[0]?.results ?? [];
  t.equal(results.length, report.drift.length);
  for (const r of results) {
    t.match(r.ruleId, /^drift-/);
    t.equal(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri, 'baselines/shop.json');
  }
});
