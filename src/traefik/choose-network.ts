import { readBackendLabels } from './read-backend-labels.js';
import type { BackendNetwork, NetworkChoice, NetworkChoiceCode, ProviderReading, TraefikBackend } from './traefik.js';

/**
 * The network Traefik will really use for a backend, as its getIPAddress decides:
 *
 * 1. the network label this provider reads, when it names one of the backend's networks by its real name (a map
 *    lookup: exact, so `backend` does not find `myapp_backend`);
 * 2. else, when no label is read, the provider's default-network option, looked up the same way;
 * 3. else the first network met while ranging over the backend's networks: a Go map, whose order is not fixed, so
 *    with several networks each configuration rebuild may pick another (the intermittent 502).
 *
 * A label that is read but names no network of the backend skips the default and goes straight to 3 (Traefik logs
 * "Could not find network named …, maybe you're missing the project's prefix"). A label this provider does not
 * read counts for nothing. The result is data: a code, how the network is chosen, and every network Traefik may
 * pick.
 */
export function chooseNetwork(reading: ProviderReading, backend: TraefikBackend): NetworkChoice {
  const labels = readBackendLabels(backend.labels);
  // Only networks with an address can be tried; Traefik would give up on one without ("unable to find the IP").
  const networks = backend.networks.filter((n) => n.address !== undefined);
  const choice = (
    code: NetworkChoiceCode,
    kind: NetworkChoice['kind'],
    network: BackendNetwork | undefined,
    candidates: BackendNetwork[],
    extra: Partial<NetworkChoice> = {},
  ): NetworkChoice => ({
    code,
    kind,
    network,
    candidates,
    label: undefined,
    ignoredLabel: undefined,
    labelNotFound: undefined,
    defaultNotFound: undefined,
    deprecatedLabel: undefined,
    reader: reading.description,
    ...extra,
  });
  // Where Traefik lands when nothing chooses: the only network, or any of several.
  const fallback = (code: NetworkChoiceCode | undefined, extra: Partial<NetworkChoice>): NetworkChoice => {
    if (networks.length === 0) return choice('no-network', 'undecided', undefined, [], extra);
    if (networks.length === 1) return choice(code ?? 'only-network', 'only-network', networks[0], networks, extra);
    return choice(code ?? 'no-network-choice', 'arbitrary', undefined, networks, extra);
  };

  if (backend.labelSource === 'swarm-service' && labels.dockerLabels && labels.swarmLabels) {
    if (reading.dropsMixedLabels === true) return choice('labels-conflict', 'undecided', undefined, []);
    if (reading.dropsMixedLabels === 'unknown') return choice('version-unknown', 'undecided', undefined, networks);
  }

  const read = reading.reads
    .map((name) => labels.networkLabels.find((l) => l.label === name))
    .find((l) => l !== undefined);
  if (read && reading.versionDependent.includes(read.label))
    return choice('version-unknown', 'undecided', undefined, networks);
  if (read) {
    const deprecatedLabel = reading.deprecated.includes(read.label) ? read.key : undefined;
    const found = networks.find((n) => n.name === read.value);
    if (found) return choice('network-label', 'label', found, [found], { deprecatedLabel, label: read.key });
    return fallback('label-not-found', {
      deprecatedLabel,
      labelNotFound: { key: read.key, value: read.value, realName: realName(read.value, networks) },
    });
  }

  const ignored = labels.networkLabels.find((l) => !reading.reads.includes(l.label));
  const ignoredLabel = ignored ? { key: ignored.key, value: ignored.value, reads: reading.reads } : undefined;
  const finding = ignoredLabel ? ('label-ignored' as const) : undefined;
  if (reading.defaultNetwork === 'unseen') {
    // The default could name any network: only a backend with a single one is decided without it.
    if (networks.length > 1)
      return choice(finding ?? 'default-unseen', 'undecided', undefined, networks, { ignoredLabel });
    return fallback(finding, { ignoredLabel });
  }
  if (reading.defaultNetwork) {
    const { value, flag } = reading.defaultNetwork;
    const found = networks.find((n) => n.name === value);
    if (found) return choice(finding ?? 'default-network', 'default', found, [found], { ignoredLabel });
    return fallback(finding, { ignoredLabel, defaultNotFound: { flag, value, realName: realName(value, networks) } });
  }
  return fallback(finding, { ignoredLabel });
}

// The network a name that was not found probably meant: its Compose key, the same name under the project's (or
// stack's) prefix, or the same name in another case.
function realName(value: string, networks: readonly BackendNetwork[]): string | undefined {
  const meant =
    networks.find((n) => n.composeName === value) ??
    networks.find((n) => n.name.endsWith(`_${value}`) || n.name.endsWith(`-${value}`)) ??
    networks.find((n) => n.name.toLowerCase() === value.toLowerCase());
  return meant?.name;
}
