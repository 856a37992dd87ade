import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t, { type Test } from 'tap';
import { drill } from '../../src/drill/drill.js';
import { htmlDrillReport } from '../../src/drill/html-drill-report.js';
import { chaosHtmlReport } from '../../src/report/chaos-html-report.js';
import { htmlReport } from '../../src/report/html-report.js';
import { DRILLS, removeLockDir } from '../fixtures/chaos-drill.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';
import { pngPixels } from '../fixtures/png-pixels.js';
import { runResult, verdict } from '../fixtures/run-result.js';
import { shopRun } from '../fixtures/shop-run.js';

// The page of a real run on the fake engine, as Debian's headless Chromium shows it: offline, with no console error,
// its FAIL cells on screen (their background colour counted in a screenshot) and gone when filtered out. A drill's
// page is the same page: its reached cells are shown as FAIL cells are, and filtered the same way; so is a chaos
// drill's, its breach windows shown as FAIL cells are.

// Each Chromium start takes seconds, more on a loaded machine: eight of them are more than a file's usual limit.
t.setTimeout(240_000);

const FAIL_BACKGROUND = 'ffebe9';
const PASS_BACKGROUND = 'dafbe1';

async function chromium(): Promise<string | undefined> {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = await execa('which', [name], { reject: false });
    if (found.exitCode === 0) return found.stdout.trim();
  }
  return undefined;
}

t.test('the page on its own: matrix, evidence per cell, filters, engine and versions', async (t) => {
  const result = await shopRun('ht1', { probeFails: true });
  const html = htmlReport(result);
  t.notMatch(html, /(src|href)=|https?:\/\/|@import|url\(/, 'nothing loads from anywhere');
  t.match(html, "default-src 'none'", 'and the page may not');
  t.match(html, `engine ${result.engine.version} (API ${result.engine.apiVersion})`);
  const cells = [...html.matchAll(/<details class="verdict (\w+)"[^>]*><summary>([^<]*)<\/summary>(.*?)<\/details>/g)];
  t.same(
    cells.map((c) => c[1]),
    result.verdicts.map((v) => v.status),
    'a cell per verdict, in order',
  );
  for (const [i, c] of cells.entries()) {
    const v = result.verdicts[i]!;
    t.match(c[3], v.location, 'its place in the scenario, on click');
    for (const e of v.evidence) t.match(c[3], e.attempt.description, 'its evidence, on click');
  }
  t.equal([...html.matchAll(/<input type="checkbox" checked data-status="(\w+)">/g)].length, 3, 'a filter per verdict');
});

t.test('text from a scenario or the engine stays text', async (t) => {
  const html = htmlReport(runResult([verdict({ source: '<script>alert(1)</script>', reason: '"><img src=x>' })]));
  t.notMatch(html, '<script>alert');
  t.notMatch(html, '<img');
  t.match(html, '&lt;script&gt;alert(1)&lt;/script&gt;');
});

/**
 * Screenshots of `page` in headless Chromium, one per address hash (`#hide=pass`), each checked to have run with no
 * console message (no script error, nothing refused by the page policy); each gives the count of a colour's pixels.
 */
function screenshots(t: Test, chrome: string, dir: string, page: string, size: string) {
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', `--window-size=${size}`];
  return async (hash: string) => {
    const png = join(dir, `shot${hash.replace(/\W/g, '_')}.png`);
    const run = await execa(chrome, [...flags, `--screenshot=${png}`, `file://${page}${hash}`], {
      reject: false,
      timeout: 50_000,
    });
    t.equal(run.exitCode, 0, `chromium ran (${hash || 'no filter'})`);
    t.same(
      run.stderr.split('\n').filter((l) => l.includes(':CONSOLE')),
      [],
      'no console message: no script error, nothing refused by the page policy',
    );
    const { pixels } = pngPixels(await readFile(png));
    return (colour: string) => pixels.filter((p) => p === colour).length;
  };
}

const browser = await chromium();

t.test('in headless Chromium', { skip: browser ? false : 'no chromium here (apt-get install chromium)' }, async (t) => {
  if (!browser) return;
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-html-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const result = await shopRun('ht2', { probeFails: true });
  const page = join(dir, 'report.html');
  await writeFile(page, htmlReport(result));
  const shoot = screenshots(t, browser, dir, page, '1200,700');
  const all = await shoot('');
  t.ok(all(FAIL_BACKGROUND) > 100, `the FAIL cells are on screen (${all(FAIL_BACKGROUND)} pixels)`);
  t.ok(all(PASS_BACKGROUND) > 100, 'and the passing ones');
  const failsOnly = await shoot('#hide=pass,inconclusive');
  t.ok(failsOnly(FAIL_BACKGROUND) > 100, 'filtered to FAIL: the FAIL cells stay');
  t.equal(failsOnly(PASS_BACKGROUND), 0, 'the passing ones are hidden');
  const noFails = await shoot('#hide=fail');
  t.equal(noFails(FAIL_BACKGROUND), 0, 'FAIL filtered out: none shown');

  const dom = await execa(
    browser,
    ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${page}#hide=fail`],
    {
      reject: false,
    },
  );
  t.match(dom.stdout, /<body class="hide-fail">/, 'the script ran and applied the filter');
});

t.test(
  "a drill's page in headless Chromium",
  { skip: browser ? false : 'no chromium here (apt-get install chromium)' },
  async (t) => {
    if (!browser) return;
    const dir = await mkdtemp(join(tmpdir(), 'dockprobe-html-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const result = await drill({
      image: 'dockprobe-probe:test',
      internet: [],
      from: { kind: 'all' },
      runtime: drillDeployment().engine,
      runId: 'ht3',
      ports: [2375, 5432],
    });
    t.ok(result.summary.reached > 0 && result.summary.blocked > 0, 'rows reached and rows blocked');
    const page = join(dir, 'drill.html');
    await writeFile(page, htmlDrillReport(result));
    const shoot = screenshots(t, browser, dir, page, '1600,900');
    const all = await shoot('');
    t.ok(all(FAIL_BACKGROUND) > 100, `the reached cells are on screen (${all(FAIL_BACKGROUND)} pixels)`);
    t.ok(all(PASS_BACKGROUND) > 100, 'and the blocked ones');
    const reachedOnly = await shoot('#hide=blocked,path-open,inconclusive');
    t.ok(reachedOnly(FAIL_BACKGROUND) > 100, 'filtered to reached: they stay');
    t.equal(reachedOnly(PASS_BACKGROUND), 0, 'the blocked ones are hidden');
  },
);

t.test(
  "a chaos drill's page in headless Chromium",
  { skip: browser ? false : 'no chromium here (apt-get install chromium)' },
  async (t) => {
    if (!browser) return;
    t.teardown(removeLockDir);
    const dir = await mkdtemp(join(tmpdir(), 'dockprobe-html-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const result = (await DRILLS.breach(drillDeployment()))!;
    t.equal(result.outcome, 'breach');
    const page = join(dir, 'chaos.html');
    await writeFile(page, chaosHtmlReport(result));
    const shoot = screenshots(t, browser, dir, page, '1200,700');
    const all = await shoot('');
    t.ok(all(FAIL_BACKGROUND) > 100, `the breach window is on screen (${all(FAIL_BACKGROUND)} pixels)`);
    t.ok(all(PASS_BACKGROUND) > 100, 'and the cell that held');
    const noBreach = await shoot('#hide=breach');
    t.equal(noBreach(FAIL_BACKGROUND), 0, 'breach filtered out: none shown');
    t.ok(noBreach(PASS_BACKGROUND) > 100, 'the cell that held stays');
  },
);
