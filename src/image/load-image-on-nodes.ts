import { performance } from 'node:perf_hooks';
import type { Engine } from '../docker/engine.js';
import type { NodeEngine } from '../topology/connect-node-engines.js';

/** What became of the probe image on one node. */
export type NodeImageOutcome =
  | { node: string; endpoint: string; status: 'present' | 'loaded'; durationMs: number }
  | { node: string; endpoint: string; status: 'failed'; reason: string; durationMs: number };

/**
 * Puts the probe image on the nodes whose engines dockprobe was given: there is no registry to pull it from, and a
 * swarm job names its image by id, so a node without it rejects the task ("No such image"). The image goes as
 * `docker save | docker load` from this engine, which keeps its id. One node at a time: each transfer is a whole image
 * through this machine. A node that fails is reported, not thrown: its jobs are then rejected, and their rows are
 * inconclusive with that reason, never "blocked".
 * The engines were checked to be their nodes (topology/connect-node-engines.ts).
 */
export async function loadImageOnNodes(
  source: Pick<Engine, 'images'>,
  image: string,
  engines: readonly NodeEngine[],
  timeoutMs: number,
): Promise<NodeImageOutcome[]> {
  const outcomes: NodeImageOutcome[] = [];
  for (const { node, endpoint, runtime } of engines) {
    const started = performance.now();
    const done = (o: { status: 'present' | 'loaded' } | { status: 'failed'; reason: string }) =>
      outcomes.push({
        node: node.hostname,
        endpoint,
        ...o,
        durationMs: Math.round(performance.now() - started),
      } as NodeImageOutcome);
    try {
      if (await runtime.images.exists(image)) {
        done({ status: 'present' });
        continue;
      }
      await runtime.images.load(await source.images.save(image), timeoutMs, image);
      if (!(await runtime.images.exists(image))) {
        done({
          status: 'failed',
          reason: `loaded an archive of ${image} into ${endpoint}, but the engine does not have ${image} afterwards`,
        });
        continue;
      }
      done({ status: 'loaded' });
    } catch (error) {
      done({ status: 'failed', reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}
