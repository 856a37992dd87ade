import { versionAtLeast } from './traefik-version.js';
import type { ProviderOptions, ProviderReading, TraefikBackend, TraefikProxy } from './traefik.js';

/** Traefik v3.2.2 renamed the Swarm provider's labels to traefik.swarm.* (traefik/traefik 514914639a). */
const SWARM_LABELS_SINCE = [3, 2, 2] as const;

/**
 * Which provider of this proxy reads a backend, and which network labels and default it uses:
 *
 * - containers (Compose): the Docker provider, in v2 and v3 alike, reads `traefik.docker.network`; v2's Docker
 *   provider in Swarm mode reads Swarm services instead, and no container at all;
 * - Swarm services: v2's Docker provider in Swarm mode reads `traefik.docker.network`; v3's Swarm provider reads
 *   `traefik.docker.network` up to v3.2.1, and from v3.2.2 `traefik.swarm.network`, still honouring
 *   `traefik.docker.network` as deprecated, and dropping a service that carries both kinds of label.
 *
 * Returns why not when no provider of the proxy reads this kind of backend: then Traefik does not route it at all.
 */
export function providerReading(
  proxy: TraefikProxy,
  backend: Pick<TraefikBackend, 'labelSource'>,
): ProviderReading | { unread: string } {
  const { version, config } = proxy;
  const who = `Traefik ${version.major === undefined ? `(version unknown: ${version.text})` : version.text}`;
  const seen = config.source !== 'unseen';
  const defaults = (options: ProviderOptions | undefined) => ({
    defaultNetwork: !seen
      ? ('unseen' as const)
      : options?.network !== undefined
        ? { value: options.network, flag: options.networkFlag! }
        : undefined,
    exposedByDefault: !seen ? ('unseen' as const) : (options?.exposedByDefault ?? true),
    // Unseen, these stay as Traefik's defaults: the routes are those the labels make, at the networks' addresses.
    constraints: options?.constraints,
    useBindPortIP: options?.useBindPortIP ?? false,
    allowEmptyServices: options?.allowEmptyServices ?? false,
  });
  const docker = {
    reads: ['traefik.docker.network' as const],
    versionDependent: [],
    deprecated: [],
    dropsMixedLabels: false,
  };

  if (backend.labelSource === 'container') {
    // With the configuration unseen, the Docker provider is assumed: the labels were written for something to read.
    if (!seen)
      return { description: `${who} (Docker provider)`, provider: 'docker', ...docker, ...defaults(undefined) };
    if (!config.docker)
      return {
        unread: `${who}'s static configuration (${config.where}) enables no Docker provider (providers.docker), so it reads no container's labels`,
      };
    if (config.docker.swarmMode) {
      const v3 =
        version.major === 3
          ? ' (and Traefik v3 has no such option and would not start with it: check which image runs)'
          : '';
      return {
        unread: `${who}'s Docker provider runs in Swarm mode (providers.docker.swarmMode in ${config.where}), so it reads Swarm services, not containers${v3}`,
      };
    }
    return { description: `${who} (Docker provider)`, provider: 'docker', ...docker, ...defaults(config.docker) };
  }

  // A Swarm service. v2 has no Swarm provider and v3 no Swarm mode: whichever the configuration uses tells the major.
  const swarmMode = seen ? config.docker?.swarmMode === true : version.major === 2;
  const swarmProvider = seen ? config.swarm !== undefined : version.major !== 2;
  if (swarmMode && version.major !== 3)
    return {
      description: `${who} (Docker provider in Swarm mode)`,
      provider: 'docker-swarm-mode',
      ...docker,
      ...defaults(config.docker),
    };
  if (!swarmProvider || version.major === 2)
    return {
      unread: `${who} reads no Swarm service's labels: its static configuration (${config.where}) has neither providers.swarm (v3) nor providers.docker.swarmMode (v2)`,
    };
  const renamed = versionAtLeast(version.major === undefined ? { ...version, major: 3 } : version, SWARM_LABELS_SINCE);
  const description = `${who} (Swarm provider)`;
  if (renamed === true)
    return {
      description,
      provider: 'swarm',
      reads: ['traefik.swarm.network', 'traefik.docker.network'],
      versionDependent: [],
      deprecated: ['traefik.docker.network'],
      dropsMixedLabels: true,
      ...defaults(config.swarm),
    };
  if (renamed === false) return { description, provider: 'swarm', ...docker, ...defaults(config.swarm) };
  return {
    description,
    provider: 'swarm',
    reads: ['traefik.swarm.network', 'traefik.docker.network'],
    versionDependent: ['traefik.swarm.network'],
    deprecated: [],
    dropsMixedLabels: 'unknown',
    ...defaults(config.swarm),
  };
}
