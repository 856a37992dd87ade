import { posix } from 'node:path';
import type { SwarmContainerSpec, SwarmService, SwarmServiceMode, SwarmServicePort } from './swarm-client.js';
import { labelsAt, listAt, numberAt, objectAt, stringAt, withoutPrefix } from './engine-json.js';
import { STACK_NAMESPACE } from './labels.js';

/**
 * A service as the engine's `GET /services` answer describes it (API 1.41 and later), reduced to what dockprobe
 * uses. Read defensively: a field an engine leaves out reads as absent, never as an error.
 */
export function toSwarmService(json: unknown): SwarmService {
  const service = objectAt(json);
  const spec = objectAt(service['Spec']);
  const template = objectAt(spec['TaskTemplate']);
  const endpoint = objectAt(service['Endpoint']);
  const labels = labelsAt(spec['Labels']);
  // `Endpoint.Spec` is what the engine applied; `Spec.EndpointSpec` what was asked. Without either, the default: vip.
  const endpointMode =
    (stringAt(objectAt(endpoint['Spec'])['Mode']) ?? stringAt(objectAt(spec['EndpointSpec'])['Mode'])) === 'dnsrr'
      ? 'dnsrr'
      : 'vip';
  const virtualIps = listAt(endpoint['VirtualIPs']).flatMap((v) => {
    const networkId = stringAt(objectAt(v)['NetworkID']);
    const address = stringAt(objectAt(v)['Addr']);
    return networkId && address ? [{ networkId, address: withoutPrefix(address) }] : [];
  });
  // Networks are in the task template; services made by API versions before 1.25 kept them in `Spec.Networks`.
  const targets = [...listAt(template['Networks']), ...listAt(spec['Networks'])]
    .map((n) => stringAt(objectAt(n)['Target']))
    .filter((id): id is string => id !== undefined);
  const mode = modeOf(objectAt(spec['Mode']));
  return {
    id: stringAt(service['ID']) ?? '',
    name: stringAt(spec['Name']) ?? stringAt(service['ID']) ?? '',
    labels,
    stack: labels[STACK_NAMESPACE] || undefined,
    mode,
    replicas: mode === 'replicated' ? numberAt(objectAt(objectAt(spec['Mode'])['Replicated'])['Replicas']) : undefined,
    endpointMode,
    virtualIps,
    // The applied ports first (they carry the published port the engine assigned); the asked ones when none applied.
    ports: portsOf(listAt(endpoint['Ports']).length > 0 ? endpoint['Ports'] : objectAt(spec['EndpointSpec'])['Ports']),
    networkIds: [...new Set([...targets, ...virtualIps.map((v) => v.networkId)])],
    image: stringAt(objectAt(template['ContainerSpec'])['Image']) ?? '',
    ...(typeof template['ContainerSpec'] === 'object' && template['ContainerSpec'] !== null
      ? { container: containerSpecOf(objectAt(template['ContainerSpec'])) }
      : {}),
  };
}

function containerSpecOf(spec: Record<string, unknown>): SwarmContainerSpec {
  const strings = (value: unknown) => listAt(value).filter((v): v is string => typeof v === 'string');
  return {
    command: strings(spec['Command']),
    args: strings(spec['Args']),
    env: strings(spec['Env']),
    dir: stringAt(spec['Dir']) ?? '',
    user: stringAt(spec['User']) ?? '',
    configs: listAt(spec['Configs']).flatMap((c) => {
      const config = objectAt(c);
      const file = stringAt(objectAt(config['File'])['Name']);
      const configId = stringAt(config['ConfigID']);
      // A relative target lies under / (moby's getConfigTargetPath: the runtime wants absolute paths).
      return file && configId
        ? [{ configId, configName: stringAt(config['ConfigName']) ?? configId, target: posix.resolve('/', file) }]
        : [];
    }),
    mounts: listAt(spec['Mounts']).flatMap((m) => {
      const mount = objectAt(m);
      const target = stringAt(mount['Target']);
      return target
        ? [{ type: stringAt(mount['Type']) ?? 'volume', source: stringAt(mount['Source']) ?? '', target }]
        : [];
    }),
  };
}

function modeOf(mode: Record<string, unknown>): SwarmServiceMode {
  if ('Replicated' in mode) return 'replicated';
  if ('Global' in mode) return 'global';
  if ('ReplicatedJob' in mode) return 'replicated-job';
  if ('GlobalJob' in mode) return 'global-job';
  return 'unknown';
}

function portsOf(value: unknown): SwarmServicePort[] {
  return listAt(value).flatMap((p) => {
    const port = objectAt(p);
    const targetPort = numberAt(port['TargetPort']);
    if (targetPort === undefined) return [];
    const protocol = stringAt(port['Protocol']);
    return [
      {
        targetPort,
        publishedPort: numberAt(port['PublishedPort']) || undefined,
        protocol: protocol === 'udp' || protocol === 'sctp' ? protocol : 'tcp',
        // The API's default publish mode is ingress.
        publishMode: stringAt(port['PublishMode']) === 'host' ? 'host' : 'ingress',
      },
    ];
  });
}
