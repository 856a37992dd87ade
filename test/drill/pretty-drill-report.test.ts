import t from 'tap';
import { drill } from '../../src/drill/drill.js';
import { prettyDrillReport } from '../../src/drill/pretty-drill-report.js';
import { colors } from '../../src/report/colors.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

const c = colors(false);
const options = { image: 'dockprobe-probe:test', internet: ['tcp://192.0.2.1:443'], ports: [2375, 5432] };

t.test('one source: the bounds, what was tried, then the map riskiest first with evidence', async (t) => {
  const { engine } = drillDeployment();
  const text = prettyDrillReport(
    await drill({ ...options, runtime: engine, runId: 'p1', from: { kind: 'service', service: 'proxy' } }),
    c,
  );
  const lines = text.split('\n');
  t.match(lines[0], /^dockprobe drill from service proxy: 1 probe\(s\), \d+ checks$/);
  t.equal(
    lines[1],
    'bounds: at most 128 connects by address and 32 other checks in flight per probe (64 lookups across the probes running), 1 attempt(s) per check, 1s per attempt, 16 probes at once, 10000 checks per probe (the busiest has 18)',
  );
  t.equal(
    lines[2],
    'tried: 3 running container(s) at 4 address(es), on their exposed ports and 2 more (2375, 5432); 2 service name(s); the host at 1 gateway(s) on 1 published port(s) and the 2 listed ports; egress to 1 internet target(s)',
  );
  const map = lines.slice(
    lines.indexOf('What service proxy reaches, riskiest first (4):') + 1,
    lines.indexOf('What service proxy reaches, riskiest first (4):') + 6,
  );
  t.same(map, [
    '  docker-api host:2375 via public — Docker API (plain HTTP): open 172.18.0.1:2375 in 2ms [reached]',
    '  database   postgres:5432 published on the host, via public (shop-postgres-1:5432, bound on all interfaces (*:32769)) — PostgreSQL: open 172.18.0.1:32769 in 2ms [reached]',
    '  other      api:3001 on public: open 172.18.0.3:3001 in 2ms [reached]',
    '  egress     internet: reached tcp://192.0.2.1:443 (open 192.0.2.1:443) through network public (default route via 172.18.0.1 on eth0) [egress-open]',
    '  names it resolves: api',
  ]);
  t.match(
    text,
    /path open, nothing listening \(refused\): api on public \(172\.18\.0\.3\): 2 port\(s\); host on public \(172\.18\.0\.1\): 1 port\(s\)/,
  );
  t.match(
    text,
    /not reached \(no answer, the probe's controls held\): api on internal, legacy-db on legacy, postgres on internal/,
  );
  t.match(text, /names that do not resolve here: postgres/);
  t.match(
    text,
    /\n17 targets tried: 5 reached, 3 path open, 9 blocked, 0 inconclusive in \d+ms \(drill p1\)\nengine 28\.5\.2 \(API 1\.51\), Compose 2\.40\.3\n$/,
  );
  t.notMatch(text, /Inconclusive|Probes:/, 'nothing inconclusive, no probe in trouble');
});

t.test(
  '--all: a matrix of sources and what each reaches, the gravest findings, the inconclusive grouped',
  async (t) => {
    const { engine } = drillDeployment();
    engine.faults.set('containers.create dockprobe-p2-3', new Error('no space left on device'));
    const text = prettyDrillReport(await drill({ ...options, runtime: engine, runId: 'p2', from: { kind: 'all' } }), c);
    t.match(
      text,
      [
        'What each source reaches (3 sources × 5 targets reached by any; ports, · none, ? inconclusive):',
        '  from \\ to         host             postgres  proxy  api   internet',
        '  service api       2375,32769→5432  5432      8080   ·     egress',
        '  service postgres  2375             ·         ·      3001  ·',
        '  service proxy     ?                ?         ·      ?     ?',
      ].join('\n'),
      'riskiest columns first; a probe that did not start: every cell it had is inconclusive',
    );
    t.match(text, /The Docker API and databases, reached \(\d+\):\n  service api → docker-api host:2375 via internal/);
    t.match(
      text,
      /Inconclusive \(17\):\n  service proxy → api:2375 on internal, api:2375 on public, host:2375 via public, legacy-db:2375 on legacy, postgres:2375 on internal and 12 more \[probe-failed\]\n    e\.g\. probe dockprobe-p2-3 did not start: no space left on device/,
    );
    t.match(text, /Probes:\n  service proxy: dockprobe-p2-3, failed/);
  },
);
