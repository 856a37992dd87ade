import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { AGENT_BUNDLE } from '../../src/package-paths.js';
import { teardown, type TestLike } from './helpers.js';

// A fake internet host in a network namespace this test creates (shared/notes/egress-canary.md): a veth pair, an
// address from a documentation range, routed from the host, with the probe agent serving HTTP on it. Containers on a
// normal bridge reach it through Docker's NAT as they would the internet; containers on an internal network do not.
// No packet leaves the machine.

/** The canary: where it listens, and how to take it down. */
export interface FakeInternet {
  address: string;
  port: number;
  /** The `--internet` value that points at it. */
  target: string;
  down(): Promise<void>;
}

/** Why the canary cannot be made here (not root, no `ip`), or undefined when it can. */
export async function fakeInternetUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root to create a network namespace';
  const ip = await execa('ip', ['-V'], { reject: false });
  return ip.failed ? 'needs iproute2 (ip)' : undefined;
}

/** Creates the namespace and starts the HTTP listener; checks the route points into it before anything is sent. */
export async function fakeInternet(): Promise<FakeInternet> {
  const id = String(process.pid % 100000);
  const ns = `dp-fakenet-${id}`;
  const hostSide = `dpfh${id}`;
  const nsSide = `dpfn${id}`;
  // A documentation range no interface of this host uses (the uplink here may sit in 192.0.2.0/24).
  const net = '198.51.100';
  const address = `${net}.10`;
  const port = 8080;
  const run = (args: string[]) => execa('ip', args, { timeout: 10_000 });
  const down = async () => {
    // The namespace (and the veth pair with it) goes only once no process holds it: end the listener first.
    if (listener && listener.exitCode === null) {
      const exited = new Promise((resolve) => listener!.once('exit', resolve));
      listener.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    }
    await execa('ip', ['netns', 'del', ns], { reject: false, timeout: 10_000 });
    await execa('ip', ['link', 'del', hostSide], { reject: false, timeout: 10_000 });
  };
  let listener: ChildProcess | undefined;
  await removeStaleCanaries();
  await down();
  try {
    await run(['netns', 'add', ns]);
    await run(['link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide]);
    await run(['link', 'set', nsSide, 'netns', ns]);
    await run(['addr', 'add', `${net}.254/24`, 'dev', hostSide]);
    await run(['link', 'set', hostSide, 'up']);
    await run(['netns', 'exec', ns, 'ip', 'addr', 'add', `${address}/24`, 'dev', nsSide]);
    await run(['netns', 'exec', ns, 'ip', 'link', 'set', nsSide, 'up']);
    await run(['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    await run(['netns', 'exec', ns, 'ip', 'route', 'add', 'default', 'via', `${net}.254`]);
    const route = await run(['route', 'get', address]);
    if (!route.stdout.includes(`dev ${hostSide}`))
      throw new Error(`the route to ${address} does not point into ${ns}: ${route.stdout}`);
    // `ip netns exec` execs node in place, so the listener is this process's child and ends with it.
    listener = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        AGENT_BUNDLE,
        'serve',
        '--name',
        'fake-internet',
        '--http',
        String(port),
        '--exit-with-parent',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the fake internet listener did not start within 10 s')), 10_000);
      listener!.stderr!.on('data', (d: Buffer) => {
        if (d.toString().includes(`http ${port} listening`)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (error) {
    await down();
    throw error;
  }
  return { address, port, target: `http://${address}:${port}/`, down };
}

// Canaries of earlier test processes that were killed before their teardown ran (their names carry the pid).
async function removeStaleCanaries(): Promise<void> {
  const list = await execa('ip', ['netns', 'list'], { reject: false, timeout: 10_000 });
  for (const line of String(list.stdout).split('\n')) {
    const match = /^dp-fakenet-(\d+)\b/.exec(line.trim());
    if (!match) continue;
    const owner = Number(match[1]);
    let alive = true;
    try {
      process.kill(owner, 0);
    } catch {
      alive = false;
    }
    // Ids are pids modulo 100000: a live process of that id may own it, so only a dead one's is removed.
    if (!alive) {
      await execa('ip', ['netns', 'del', `dp-fakenet-${owner}`], { reject: false, timeout: 10_000 });
      await execa('ip', ['link', 'del', `dpfh${owner}`], { reject: false, timeout: 10_000 });
    }
  }
}

/**
 * The canary for a whole test file, removed when the file ends; undefined when it cannot be made here. Nothing is sent
 * unless it exists and the route to it points into its namespace. Off CI, a machine that cannot make it (not root, no
 * iproute2) skips `what` with the reason; in CI that is a failure.
 */
export async function canaryForFile(
  t: TestLike & {
    fail(message: string): unknown;
    test(name: string, options: { skip: string }, fn: () => void): unknown;
  },
  what: string,
): Promise<FakeInternet | undefined> {
  let unavailable = await fakeInternetUnavailable();
  let made: FakeInternet | undefined;
  if (!unavailable) {
    try {
      made = await fakeInternet();
    } catch (error) {
      unavailable = (error as Error).message;
    }
  }
  if (!made) {
    if (process.env['CI']) t.fail(`the egress canary cannot be made here: ${unavailable}`);
    else t.test(what, { skip: `the egress canary cannot be made here: ${unavailable}` }, () => undefined);
    return undefined;
  }
  const canary = made;
  teardown(t, 'remove the fake internet', async () => {
    await canary.down();
    return [];
  });
  return canary;
}
