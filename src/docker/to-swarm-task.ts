import type { SwarmTask } from './swarm-client.js';
import { listAt, numberAt, objectAt, stringAt, withoutPrefix } from './engine-json.js';

/** Task states whose container ran and exited. */
const EXITED = new Set(['complete', 'failed', 'shutdown']);

/** A task as the engine's `GET /tasks` answer describes it (API 1.41 and later), reduced to what dockprobe uses. */
export function toSwarmTask(json: unknown): SwarmTask {
  const task = objectAt(json);
  const status = objectAt(task['Status']);
  return {
    id: stringAt(task['ID']) ?? '',
    serviceId: stringAt(task['ServiceID']) ?? '',
    slot: numberAt(task['Slot']) || undefined,
    nodeId: stringAt(task['NodeID']),
    desiredState: stringAt(task['DesiredState']) ?? 'unknown',
    state: stringAt(status['State']) ?? 'unknown',
    message: stringAt(status['Message']) ?? '',
    error: stringAt(status['Err']),
    containerId: stringAt(objectAt(status['ContainerStatus'])['ContainerID']),
    // The engine reports 0 for a container still running: only an ended task's exit code means anything.
    ...(EXITED.has(stringAt(status['State']) ?? '')
      ? { exitCode: numberAt(objectAt(status['ContainerStatus'])['ExitCode']) }
      : {}),
    networks: listAt(task['NetworksAttachments']).flatMap((a) => {
      const attachment = objectAt(a);
      const network = objectAt(attachment['Network']);
      const networkId = stringAt(network['ID']);
      if (!networkId) return [];
      const addresses = listAt(attachment['Addresses'])
        .map(stringAt)
        .filter((x): x is string => x !== undefined)
        .map(withoutPrefix);
      return [{ networkId, networkName: stringAt(objectAt(network['Spec'])['Name']), addresses }];
    }),
  };
}
