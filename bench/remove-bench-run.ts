import { execa } from 'execa';
import { LABEL_RUN } from '../src/docker/labels.js';

/**
 * Removes what a bench run made on the engine: its containers, then its networks one at a time, each tried again
 * once (a network whose last container is still being removed refuses at first), then `image` when given. A network
 * that still refuses is named on stderr under `bench` (Engine 20.10 can keep a ghost endpoint on one), never thrown.
 */
export async function removeBenchRun(bench: string, runId: string, image?: string): Promise<void> {
  const labelled = async (args: string[]) =>
    (
      await execa('docker', [...args, '-q', '--filter', `label=${LABEL_RUN}=${runId}`], {
        reject: false,
        timeout: 60_000,
      })
    ).stdout
      .split('\n')
      .filter(Boolean);
  const containers = await labelled(['ps', '-a']);
  if (containers.length > 0) await execa('docker', ['rm', '-f', ...containers], { reject: false, timeout: 300_000 });
  for (const id of await labelled(['network', 'ls'])) {
    const removed = await execa('docker', ['network', 'rm', id], { reject: false, timeout: 120_000 });
    if (removed.exitCode === 0) continue;
    await new Promise((r) => setTimeout(r, 2000));
    const again = await execa('docker', ['network', 'rm', id], { reject: false, timeout: 120_000 });
    if (again.exitCode !== 0) console.error(`${bench}: network ${id} left behind: ${again.stderr.trim()}`);
  }
  if (image) await execa('docker', ['rmi', image], { reject: false, timeout: 60_000 });
}
