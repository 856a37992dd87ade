import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { drillAndReport } from '../../src/cli/commands/drill-command.js';
import { drill } from '../../src/drill/drill.js';
import { htmlDrillReport } from '../../src/drill/html-drill-report.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// `drill --html`: the page `test --html` writes, filled with a drill's rows: sources by endpoints, each row an item
// with what the probe saw on click, a filter per status. Run on the fake engine's deployment, offline.

const options = (runId: string) => ({
  image: 'dockprobe-probe:test',
  internet: [],
  from: { kind: 'all' as const },
  runtime: drillDeployment().engine,
  runId,
  ports: [2375, 5432],
});

t.test('the drill as the matrix: an item per row, under its source and endpoint, evidence on click', async (t) => {
  const result = await drill(options('hd1'));
  const html = htmlDrillReport(result);
  t.notMatch(html, /(src|href)=|https?:\/\/|@import|url\(/, 'nothing loads from anywhere');
  t.match(html, "default-src 'none'", 'and the page may not');
  t.match(html, `<h1>dockprobe drill from all</h1>`);
  t.match(html, `${result.rows.length} targets tried: ${result.summary.reached} reached`);
  t.match(html, `engine ${result.engine.version} (API ${result.engine.apiVersion})`);
  const items = [
    ...html.matchAll(/<details class="verdict ([\w-]+)"[^>]*><summary>([^<]*)<\/summary>(.*?)<\/details>/g),
  ];
  t.equal(items.length, result.rows.length, 'an item per row');
  // Each row sits in its source's row of the table and its endpoint's column.
  const table = /<table id="matrix">([\s\S]*?)<\/table>/.exec(html)![1]!;
  const columns = [...table.matchAll(/<thead>.*?<\/thead>/g)][0]![0]!.match(/<th>([^<]*)<\/th>/g)!.slice(1);
  const endpoints = [...new Set(result.rows.map((r) => r.endpoint))];
  t.same(
    columns.map((c) => c.replace(/<\/?th>/g, '')),
    endpoints,
    'a column per endpoint',
  );
  const bodyRows = table.split('<tr>').slice(2);
  for (const r of result.rows) {
    const row = bodyRows.find((b) => b.startsWith(`<th>${r.source}</th>`));
    t.ok(row, `a row for ${r.source}`);
    const cells = row!.split('<td>').slice(1);
    const cell = cells[endpoints.indexOf(r.endpoint)]!;
    t.match(cell, `data-status="${r.status}" data-code="${r.code}"`, `${r.source} → ${r.target}: in its cell`);
  }
  const reached = result.rows.filter((r) => r.status === 'reached');
  t.ok(reached.length > 0);
  for (const r of reached) {
    const item = items.find((i) => i[1] === 'reached' && i[2]!.startsWith(`reached ${r.target}`));
    t.ok(item, `reached ${r.target}, with what it is`);
    t.match(item?.[3], `[${r.code}]`);
    if (r.evidence) t.match(item?.[3], r.evidence.attempt, 'what the probe saw, on click');
  }
  const filters = [...html.matchAll(/<input type="checkbox" checked data-status="([\w-]+)">/g)].map((m) => m[1]);
  t.same(filters, ['reached', 'inconclusive', 'path-open', 'blocked'], 'a filter per status');
  t.match(html, 'body.hide-path-open .path-open{display:none}', 'each filter hides its own');
});

t.test("text from the engine stays text: a container's name is no markup", async (t) => {
  const result = await drill(options('hd2'));
  const row = result.rows[0]!;
  const evil = {
    ...result,
    rows: [{ ...row, source: '<script>alert(1)</script>', reason: '"><img src=x>\x1b[31m' }],
  };
  const html = htmlDrillReport(evil);
  t.notMatch(html, '<script>alert');
  t.notMatch(html, '<img');
  t.notMatch(html, '\x1b', 'control characters shown, never sent');
  t.match(html, '&lt;script&gt;alert(1)&lt;/script&gt;');
});

t.test('drill --html FILE writes the page, whatever the format on stdout', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-drill-html-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const page = join(dir, 'drill.html');
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c) => {
    out += String(c);
  });
  const code = await drillAndReport(
    options('hd3'),
    { format: 'json', html: page, verbose: false, failOn: 'any' },
    {
      stdout,
      stderr: new PassThrough(),
      colorsOut: colors(false),
      colorsErr: colors(false),
      cleanup: new CleanupStack(),
    },
  );
  t.equal(code, 0);
  const html = await readFile(page, 'utf8');
  t.match(html, /^<!doctype html>/);
  t.match(html, '<h1>dockprobe drill from all</h1>');
  t.match(JSON.parse(out), { format: 'dockprobe-drill' }, 'stdout keeps its format');
});
