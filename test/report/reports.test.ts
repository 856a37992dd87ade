import t from 'tap';
import { colorEnabled, colors } from '../../src/report/colors.js';
import { jsonReport } from '../../src/report/json-report.js';
import { junitReport } from '../../src/report/junit-report.js';
import { prettyReport } from '../../src/report/pretty-report.js';
import { tapReport } from '../../src/report/tap-report.js';
import type { ProbeSummary } from '../../src/run-result.js';
import { runResult, verdict } from '../fixtures/run-result.js';

const verdicts = [
  verdict({
    target: 'frontend:3000',
    expected: 'reachable',
    status: 'pass',
    code: 'reached',
    observed: 'open 172.18.0.4:3000',
    latencyMs: 12,
  }),
  verdict({
    target: 'redis:6379',
    status: 'fail',
    code: 'reached',
    observed: 'open 172.18.0.5:6379',
    reason: 'reached: redis:6379 by name: open',
    latencyMs: 3,
  }),
  verdict({
    source: 'network internal-backend',
    target: 'dns:proxy',
    status: 'inconclusive',
    code: 'probe-failed',
    probeErrorCode: 'not-started',
    observed: 'no probe',
    reason: 'probe did not start: no such image',
    latencyMs: undefined,
  }),
];
// A probe that failed, with its code, beside the verdicts it left inconclusive.
const result = {
  ...runResult(verdicts),
  probes: [
    {
      key: 'network:ref/internal-backend',
      label: 'network internal-backend',
      container: 'dockprobe-abcd1234-2',
      containerId: undefined,
      network: 'ref_internal-backend',
      status: 'failed',
      error: 'probe dockprobe-abcd1234-2 did not start: no such image',
      errorCode: 'not-started',
      control: {
        probeKey: 'network:ref/internal-backend',
        dns: false,
        reach: false,
        reach6: undefined,
        detail: 'no probe',
      },
      interfaces: [],
      defaultRoute: undefined,
      checks: 3,
      durationMs: 0,
    },
  ] satisfies ProbeSummary[],
};

t.test('pretty: a matrix of sources × targets, mismatches listed with reasons, and a summary', async (t) => {
  const text = prettyReport(result, colors(false));
  t.match(text, /from \\ to.*frontend:3000.*redis:6379.*dns:proxy/);
  t.match(text, /network public-facing.*pass open 12ms.*FAIL open 3ms/);
  t.match(text, /network internal-backend.*inconclusive/);
  t.match(
    text,
    /Mismatches \(1\):\n {2}FAIL network public-facing → redis:6379 \(expected blocked\): reached: redis:6379 by name: open\n {4}\[reached\] e — s\.yml:4:5/,
  );
  t.match(text, /Inconclusive \(1\):\n {2}inconclusive network internal-backend → dns:proxy .*probe did not start/);
  t.match(text, /\n {4}\[probe-failed\] \[not-started\] e — s\.yml:4:5\n/, "the probe's code beside the verdict's");
  t.match(
    text,
    /\n {4}error \[not-started\]: probe dockprobe-abcd1234-2 did not start/,
    "a failed probe's line has its code",
  );
  t.match(
    text,
    /3 checks: 1 passed, 1 failed, 1 inconclusive in 1\.6s \(run abcd1234\)\nengine 20\.10\.24 \(API 1\.41\), Compose 2\.40\.3$/,
  );
  const ESC = String.fromCharCode(27);
  t.notOk(text.includes(`${ESC}[`), 'no escape codes when colour is off');
  t.ok(prettyReport(result, colors(true)).includes(`${ESC}[31m`), 'red with colour on');
});

t.test('colour follows NO_COLOR, FORCE_COLOR, TERM=dumb and the TTY', async (t) => {
  t.equal(colorEnabled({ isTTY: true }, {}), true);
  t.equal(colorEnabled({ isTTY: false }, {}), false);
  t.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '' }), false, 'NO_COLOR, even empty');
  t.equal(colorEnabled({ isTTY: true }, { TERM: 'dumb' }), false);
  t.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' }), true);
  t.equal(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' }), false);
});

t.test('json: the whole result with a format version', async (t) => {
  const parsed = JSON.parse(jsonReport(result)) as {
    format: string;
    version: number;
    summary: object;
    verdicts: unknown[];
    probes: unknown[];
  };
  t.equal(parsed.format, 'dockprobe-report');
  t.equal(parsed.version, 1);
  t.same(parsed.summary, { total: 3, pass: 1, fail: 1, inconclusive: 1 });
  t.equal(parsed.verdicts.length, 3);
  t.same(
    (parsed.verdicts as { code: string }[]).map((v) => v.code),
    ['reached', 'reached', 'probe-failed'],
    'each verdict carries its code',
  );
  t.same(
    (parsed.verdicts as { probeErrorCode?: string }[]).map((v) => v.probeErrorCode),
    [undefined, undefined, 'not-started'],
    "and a cell its probe left inconclusive the probe's",
  );
  t.same(
    (parsed.probes as { status: string; errorCode?: string }[]).map((p) => [p.status, p.errorCode]),
    [['failed', 'not-started']],
    'a failed probe carries its code',
  );
});

t.test('tap: one point per cell, inconclusive as TODO', async (t) => {
  const text = tapReport(result);
  t.match(text, /^TAP version 14\n1\.\.3\n/);
  t.match(text, /\nok 1 - network public-facing -> frontend:3000 reachable\n/);
  t.match(text, /\nnot ok 2 - network public-facing -> redis:6379 blocked\n/);
  t.match(
    text,
    /\nnot ok 3 - network internal-backend -> dns:proxy blocked # TODO inconclusive\n  ---\n  status: inconclusive\n  code: probe-failed\n/,
  );
  t.match(
    text,
    /\n  at: "s\.yml:4:5"\n  probe_error_code: not-started\n  \.\.\.\n/,
    "the probe's code beside the verdict's",
  );
  t.equal(text.match(/probe_error_code:/g)?.length, 1, 'only where a probe failed');
  t.match(text, /\n# engine 20\.10\.24 \(API 1\.41\), Compose 2\.40\.3\n/, 'names what made the verdicts');
});

t.test('junit: suites per source, failures and errors', async (t) => {
  const xml = junitReport(result);
  t.match(xml, /<testsuite name="dockprobe: network public-facing"[^>]* tests="2" failures="1" errors="0"/);
  t.match(xml, /<testsuite name="dockprobe: network internal-backend"[^>]* tests="1" failures="0" errors="1"/);
  t.match(xml, /<failure message="reached: redis:6379 by name: open" type="reached"/);
  t.match(xml, /<error message="[^"]*probe did not start[^"]*" type="probe-failed"/);
  // Every case carries its code, a pass too: what proved it is as much a result as what failed.
  const codes = [...xml.matchAll(/<testcase [^>]*>\s*<properties>\s*<property name="code" value="([^"]+)"\/>/g)].map(
    (m) => m[1],
  );
  t.same(codes, ['reached', 'reached', 'probe-failed']);
  t.match(xml, /<property name="probeErrorCode" value="not-started"\/>/);
  t.match(xml, /<property name="engine" value="20\.10\.24 \(API 1\.41\)"\/>/);
  t.match(xml, /<property name="compose" value="2\.40\.3"\/>/);
});

t.test('control characters from a name or a container never reach the terminal raw', async (t) => {
  const ESC = String.fromCharCode(27);
  const BEL = String.fromCharCode(7);
  const hostile = runResult([
    verdict({
      expectation: `line one\nline two${BEL}`,
      source: `service ${ESC}[2Jevil`,
      status: 'fail',
      code: 'reached',
      reason: `reached ${ESC}]0;title${BEL}`,
    }),
  ]);
  for (const text of [prettyReport(hostile, colors(false)), tapReport(hostile)]) {
    t.notOk(text.includes(ESC) || text.includes(BEL), 'no ESC, no BEL');
    t.match(text, /service \\x1b\[2Jevil/);
  }
  t.match(prettyReport(hostile, colors(false)), /line one\\nline two\\x07/);
});

t.test('static findings: in the JSON report with their codes, and beside the verdicts in the pretty one', async (t) => {
  const finding = {
    code: 'rule-contradicted-by-topology' as const,
    rule: 1,
    kind: 'never' as const,
    says: 'network public-facing never reaches postgres',
    location: 'r.yml:4:5',
    reason: 'postgres is on public-facing',
    compose: [
      { file: '/srv/docker-compose.yml', line: 46, col: 7, text: `- public-facing${String.fromCharCode(27)}[2J` },
    ],
    notes: [],
  };
  const withFinding = { ...result, staticFindings: [finding] };
  const parsed = JSON.parse(jsonReport(withFinding)) as { staticFindings: unknown[] };
  t.same(parsed.staticFindings, [finding]);
  t.same(JSON.parse(jsonReport(result)).staticFindings, [], 'an empty list when nothing was found');
  const text = prettyReport(withFinding, colors(false));
  t.match(
    text,
    /Rules the deployment's configuration contradicts \(1; the live verdicts decide\):\n {2}rule 1 \(network public-facing never reaches postgres\): postgres is on public-facing\n {4}\[rule-contradicted-by-topology\] r\.yml:4:5\n {4}\/srv\/docker-compose\.yml:46:7: - public-facing\\x1b\[2J\n/,
  );
  t.notMatch(prettyReport(result, colors(false)), /contradicts/, 'no section without findings');
});
