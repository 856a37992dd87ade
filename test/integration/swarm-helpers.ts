import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { type TestLike, teardown } from './helpers.js';

// Set-up shared by the integration tests that need a swarm: the one-node swarm of the engine they run on (made and
// left here only if the engine was not in one), and stacks deployed from test/fixtures/swarm and removed after.

/** A docker CLI call with a deadline; never throws on a non-zero exit. */
export const docker = (args: string[], timeout = 60_000) => execa('docker', args, { timeout, reject: false });

/** Makes this engine a one-node swarm unless it is in one already; the swarm is left as it was found. */
export async function useOneNodeSwarm(t: TestLike): Promise<void> {
  const state = (await docker(['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();
  const hadGwbridge = (await docker(['network', 'inspect', 'docker_gwbridge'])).exitCode === 0;
  if (state === 'active') return;
  const init = await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  if (init.exitCode !== 0) throw new Error(`docker swarm init failed: ${init.stderr}`);
  teardown(t, 'leave the swarm this file made', async () => {
    const left = await docker(['swarm', 'leave', '--force']);
    // The swarm's gateway bridge outlives it; it goes only if this file brought it.
    if (!hadGwbridge) await docker(['network', 'rm', 'docker_gwbridge']);
    return left.exitCode === 0 ? [] : [`docker swarm leave: ${left.stderr}`];
  });
}

/** Removes a stack and waits (bounded) until its networks and containers are gone, so the swarm is left as found. */
export async function removeStack(stack: string): Promise<string[]> {
  await docker(['stack', 'rm', stack]);
  for (let i = 0; i < 60; i++) {
    const left = (
      await docker(['network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`])
    ).stdout.trim();
    const tasks = (await docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stack}`])).stdout.trim();
    if (!left && !tasks) return [];
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return [`stack ${stack} still has networks or containers after 60 s`];
}

/** Deploys test/fixtures/swarm/`file` as `stack` (removed when the test ends) and waits for `tasks` running tasks. */
export async function deployStack(
  t: TestLike,
  file: string,
  stack: string,
  env: Record<string, string | undefined>,
  tasks: number,
): Promise<void> {
  teardown(t, `remove stack ${stack}`, () => removeStack(stack));
  const deploy = await execa(
    'docker',
    ['stack', 'deploy', '--resolve-image', 'never', '-c', join(PACKAGE_ROOT, 'test/fixtures/swarm', file), stack],
    { env, timeout: 120_000, reject: false },
  );
  if (deploy.exitCode !== 0) throw new Error(`docker stack deploy ${stack}: ${deploy.stderr}`);
  for (let i = 0; ; i++) {
    const running = (await docker(['ps', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`])).stdout
      .trim()
      .split('\n')
      .filter(Boolean);
    if (running.length >= tasks) return;
    if (i >= 60) throw new Error(`stack ${stack}: ${running.length} of ${tasks} tasks running after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * A directory the engine sees at the same path, for bind mounts: an inner engine's socket directory (scripts/engine.sh
 * bind-mounts its state directory into the engine's container at the same path), else this machine's temporary
 * directory (an engine on this host).
 */
export function engineSharedDir(): string {
  const host = process.env['DOCKER_HOST'] ?? '';
  const engines = process.env['DOCKPROBE_ENGINES_DIR'];
  if (host.startsWith('unix://') && engines && host.slice('unix://'.length).startsWith(`${engines}/`))
    return dirname(host.slice('unix://'.length));
  return tmpdir();
}
