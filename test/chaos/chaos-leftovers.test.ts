import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { chaosLeftovers } from '../../src/chaos/chaos-leftovers.js';
import { chaosLockFile } from '../../src/chaos/chaos-lock.js';
import { savedRulesFile } from '../../src/chaos/firewall-fault.js';

// What `cleanup` does with what a killed chaos drill left on this host: the lock of a holder gone from this host is
// removed (the holder's pid no longer runs here), a live one's and another host's kept; saved rule sets of a drill
// whose process is gone are named with the command that loads them, never loaded nor removed; a live drill's are not
// named; --run narrows it, --dry-run removes nothing.

const HERE = 'host-a';
const LIVE = 4242;
const isAlive = (pid: number) => pid === LIVE;
const exists = (f: string) =>
  access(f).then(
    () => true,
    () => false,
  );

async function dirWith(
  locks: { endpoint: string; pid: number; host?: string; runId: string }[],
  rules: string[],
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-chaos-leftovers-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const l of locks)
    await writeFile(
      chaosLockFile(l.endpoint, dir),
      `${JSON.stringify({ pid: l.pid, host: l.host ?? HERE, runId: l.runId, since: '2026-12-07T10:00:00Z' })}\n`,
    );
  for (const run of rules) {
    await writeFile(savedRulesFile(run, dir), '*filter\nCOMMIT\n');
    await writeFile(`${savedRulesFile(run, dir)}.ip6`, '*filter\nCOMMIT\n');
  }
  await writeFile(join(dir, 'unrelated.rules'), '');
  return dir;
}

t.test('a killed drill: its stale lock removed, its saved rules named with the --restore command', async (t) => {
  const dir = await dirWith([{ endpoint: 'unix:///a.sock', pid: 999_999, runId: 'dead1' }], ['dead1']);
  const lock = chaosLockFile('unix:///a.sock', dir);
  const rules = savedRulesFile('dead1', dir);
  const out = await chaosLeftovers({ dir, here: HERE, isAlive });
  t.same(out.removed, [
    `chaos lock ${lock} (run dead1, pid 999999 on host-a, since 2026-12-07T10:00:00Z): no process 999999 runs here`,
  ]);
  t.notOk(await exists(lock), 'the stale lock is gone');
  t.equal(out.kept.length, 1);
  t.match(out.kept[0], `saved rule sets ${rules} and ${rules}.ip6 of chaos drill dead1, whose process is gone`);
  t.match(out.kept[0], `cleanup restores nothing`);
  t.match(out.kept[0], `dockprobe chaos --restore ${rules}; then remove ${rules} and ${rules}.ip6`);
  t.ok((await exists(rules)) && (await exists(`${rules}.ip6`)), 'the saved rules stay');
  t.same(out.failures, []);
});

t.test("a live drill's lock and rules, and another host's lock, are kept and not named as leftovers", async (t) => {
  const dir = await dirWith(
    [
      { endpoint: 'unix:///a.sock', pid: LIVE, runId: 'live1' },
      { endpoint: 'tcp://b:2376', pid: 1, host: 'host-b', runId: 'far1' },
    ],
    ['live1', 'far1'],
  );
  const out = await chaosLeftovers({ dir, here: HERE, isAlive });
  t.same(out.removed, []);
  t.same(
    out.kept.map((k) => k.replace(/ \(run .*?\)/, '')).sort(),
    [
      `chaos lock ${chaosLockFile('tcp://b:2376', dir)}: taken on another host, whose pids mean nothing here`,
      `chaos lock ${chaosLockFile('unix:///a.sock', dir)}: the drill still runs`,
    ].sort(),
  );
  t.ok(await exists(chaosLockFile('unix:///a.sock', dir)));
});

t.test('--dry-run removes nothing; --run narrows to one drill; rules without a lock are a gone drill', async (t) => {
  const dir = await dirWith(
    [
      { endpoint: 'unix:///a.sock', pid: 999_998, runId: 'dead2' },
      { endpoint: 'unix:///c.sock', pid: 999_997, runId: 'dead3' },
    ],
    ['dead2', 'nolock'],
  );
  const dry = await chaosLeftovers({ dir, here: HERE, isAlive, dryRun: true });
  t.equal(dry.wouldRemove.length, 2);
  t.same(dry.removed, []);
  t.ok(await exists(chaosLockFile('unix:///a.sock', dir)), 'nothing removed');
  t.same(
    dry.kept.map((k) => /of chaos drill (\S+),/.exec(k)?.[1]),
    ['dead2', 'nolock'],
  );
  const one = await chaosLeftovers({ dir, here: HERE, isAlive, runId: 'dead3' });
  t.match(one.removed, [/run dead3/]);
  t.same(one.kept, []);
  t.ok(await exists(chaosLockFile('unix:///a.sock', dir)), "another run's lock stays");
  t.same(await chaosLeftovers({ dir: join(dir, 'none'), here: HERE, isAlive }), {
    removed: [],
    wouldRemove: [],
    kept: [],
    failures: [],
  });
});
