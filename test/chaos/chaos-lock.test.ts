import { readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { takeChaosLock } from '../../src/chaos/chaos-lock.js';

// One drill per engine: a second is refused naming the holder; a holder gone from this host is taken over; release
// removes only its own lock; another engine has its own.

t.test('a second drill on the engine is refused; another engine is not; release frees it', async (t) => {
  const dir = t.testdir();
  const release = await takeChaosLock('unix:///a.sock', 'r1', dir);
  await t.rejects(takeChaosLock('unix:///a.sock', 'r2', dir), {
    code: 'DP_USAGE',
    message: new RegExp(`holds the lock of the engine at unix:///a.sock: run r1, pid ${process.pid} on `),
  });
  const other = await takeChaosLock('unix:///b.sock', 'r3', dir);
  await release();
  const again = await takeChaosLock('unix:///a.sock', 'r4', dir);
  await again();
  await other();
  t.same(await readdir(dir), []);
});

t.test("a holder gone from this host is taken over; another host's is not", async (t) => {
  const dir = t.testdir();
  const release = await takeChaosLock('unix:///a.sock', 'r1', dir);
  const [file] = await readdir(dir);
  const holder = { pid: 2 ** 22 + 7, host: hostname(), runId: 'dead', since: 'then' };
  await writeFile(join(dir, file!), JSON.stringify(holder));
  const mine = await takeChaosLock('unix:///a.sock', 'r2', dir);
  await release();
  t.same(await readdir(dir), [file], "r1's release leaves r2's lock");
  await writeFile(join(dir, file!), JSON.stringify({ ...holder, host: 'elsewhere' }));
  await t.rejects(takeChaosLock('unix:///a.sock', 'r3', dir), { message: /on elsewhere/ });
  await mine();
});
