// What dockprobe works out about a Traefik proxy and the services it routes, as plain data. Every module of traefik/
// is pure: it reads what topology/ already holds (images, labels, command lines, networks) and never the engine, so
// each rule Traefik follows can be tested on its own. The facts come from Traefik's docker provider
// (pkg/provider/docker: getIPAddress, getPort, extractLabels), for v2.11 and v3.

/** Which Traefik a proxy runs, as far as its image tells. */
export interface TraefikVersion {
  /** 2 or 3 (another major is kept as read); undefined when neither the image's version label nor its tag says. */
  major: number | undefined;
  minor: number | undefined;
  patch: number | undefined;
  /** As read, for messages: `v2.11`, `v3.0.4`, `latest`. */
  text: string;
  /** The image's `org.opencontainers.image.version` label (official images carry it), its tag, or neither. */
  from: 'image label' | 'image tag' | 'nothing';
}

/** The options of one provider that decide which containers are routes and which address Traefik uses. */
export interface ProviderOptions {
  /** `providers.docker.network` / `providers.swarm.network`: the default network, which a label overrides. */
  network: string | undefined;
  /**
   * How the default network was set, as written where it was, for messages: `--providers.docker.network=web`,
   * `TRAEFIK_PROVIDERS_DOCKER_NETWORK=web`, `providers.docker.network: web in /etc/traefik/traefik.yml`.
   */
  networkFlag: string | undefined;
  /** `exposedByDefault` (Traefik's default: true): without it, only `traefik.enable=true` containers are routed. */
  exposedByDefault: boolean;
  /** v2's `providers.docker.swarmMode`: the Docker provider reads Swarm services instead of containers. */
  swarmMode: boolean;
  /** `useBindPortIP`: Traefik uses a published port's host address when it is bound to a specific one. */
  useBindPortIP: boolean;
  /** `constraints`: an expression over a backend's labels; a backend it does not match is not routed. */
  constraints: string | undefined;
  /** `allowEmptyServices`: a container whose health check is not passing is routed all the same. */
  allowEmptyServices: boolean;
}

/** Where Traefik's API answers from inside its own network namespace: `api.insecure`, on the `traefik` entrypoint. */
export interface TraefikApi {
  /** The address to ask from inside the proxy: `127.0.0.1` for an entrypoint on every address. */
  host: string;
  port: number;
  /** `api.basePath`, when set: the API's paths sit under it. */
  basePath: string;
}

/**
 * Traefik's static configuration as dockprobe sees it. Traefik takes it from one place only, the first it finds: a
 * configuration file (`--configFile`, else traefik.toml/.yaml/.yml in /etc/traefik/, $XDG_CONFIG_HOME/, $HOME/.config/,
 * the working directory), else the command line's flags, else TRAEFIK_* environment variables (Traefik's
 * cmd/traefik: FileLoader, FlagLoader, EnvLoader, in that order; the first that finds anything is the only one read).
 */
export interface TraefikStaticConfig {
  /**
   * `file`: a configuration file Traefik finds, read and parsed. `flags`: the command line. `env`: TRAEFIK_*
   * variables. `defaults`: none of them, so Traefik's defaults (no provider). `unseen`: dockprobe cannot tell (a file
   * it could not read or parse, a path it could not look at, or only the command line was seen): nothing is guessed.
   */
  source: 'file' | 'flags' | 'env' | 'defaults' | 'unseen';
  /** For messages: `the file /etc/traefik/traefik.yml`, `the command line`, `its TRAEFIK_* variables` … */
  where: string;
  /** The file Traefik reads (`file`), or the one it would read that dockprobe could not (`unseen`). */
  configFile: string | undefined;
  /** For `unseen`: why, in words that complete "the static configuration is not known: …". */
  unseen: string | undefined;
  /** The Docker provider's options; undefined when the configuration does not enable it (or is unseen). */
  docker: ProviderOptions | undefined;
  /** v3's Swarm provider (`providers.swarm`); undefined when not enabled. */
  swarm: ProviderOptions | undefined;
  /** Where the API can be read from inside the proxy; a string says why not (off, protected, unseen). */
  api: TraefikApi | string;
  /** What dockprobe took as true without seeing it (the image's own files of a proxy on another node …). */
  assumed: string[];
  /**
   * The settings dockprobe reads (providers, api, the traefik entrypoint), by lower-case dotted key
   * (`providers.docker.network`); nothing else, so no secret of the configuration travels into reports.
   */
  flags: Record<string, string>;
}

/**
 * What dockprobe read of the places a proxy's static configuration can come from (traefik/read-proxy-config.ts):
 * its command line, its environment, and the configuration file search as Traefik's finder walks it.
 */
export interface ProxyConfigRead {
  /** The program and its arguments: inspect's Path and Args, or a task's spec (Command, else Args). */
  command: string[];
  /** The TRAEFIK_* variables of its environment, and HOME and XDG_CONFIG_HOME (which the file search expands). */
  env: Record<string, string>;
  /** `all`: the process's whole environment (a container's inspect); `spec`: the service's only (image's unseen). */
  envSeen: 'all' | 'spec';
  /** The first configuration file Traefik's search finds, or why none (or which path could not be looked at). */
  file: ConfigFileSearch;
}

/** The configuration file search, path by path in Traefik's order, as far as dockprobe could follow it. */
export type ConfigFileSearch =
  /** Found and read: its path, its text, and how it was read (`through the container's archive`, `swarm config x`). */
  | { kind: 'found'; path: string; text: string; via: string; assumed: string[] }
  /** Every path looked at, none there: Traefik reads no file. */
  | { kind: 'none'; searched: string[]; assumed: string[] }
  /** Something is at `path`, but dockprobe cannot read it (a directory, too large, an engine error). */
  | { kind: 'unreadable'; path: string; why: string }
  /** Whether anything is at `path` is not known (a mount on another node, no engine to read the container with). */
  | { kind: 'unknown'; path: string; why: string };

/** The proxy: the Compose service running Traefik, and what its image and command line say about it. */
export interface TraefikProxy {
  project: string;
  service: string;
  /** The image reference its container runs, as configured (`traefik:v2.11`). */
  image: string;
  version: TraefikVersion;
  config: TraefikStaticConfig;
  /** How it was found: named in the scenario (`traefik: { proxy: … }`), by its image, or by its command. */
  found: 'named' | 'image' | 'command';
}

/** One network a backend is on, by the name Traefik sees (the real Docker name) and the one the Compose file uses. */
export interface BackendNetwork {
  id: string;
  /** The real name: `<project>_<net>` under Compose unless the network sets `name:`; `<stack>_<net>` on Swarm. */
  name: string;
  composeName: string | undefined;
  /** The backend's address on it; undefined when the engine gives none. */
  address: string | undefined;
}

/**
 * What Traefik routes to: one container for the Docker provider (Compose), one task of a Swarm service for the Swarm
 * providers (the service's `deploy.labels`, the task's addresses: swarm-backend.ts).
 */
export interface TraefikBackend {
  project: string | undefined;
  /** The Compose (or Swarm) service. */
  service: string;
  /** The container's name (or the Swarm service's), for reports. */
  name: string;
  /** Where the labels come from: a container's labels (Docker provider), or a Swarm service's `deploy.labels`. */
  labelSource: 'container' | 'swarm-service';
  labels: Record<string, string>;
  networks: BackendNetwork[];
  /** The ports the container exposes, any protocol (Traefik picks among them all). */
  exposedPorts: number[];
}

/** The two network labels Traefik knows, by their canonical names. */
export type NetworkLabel = 'traefik.docker.network' | 'traefik.swarm.network';

/** How one provider of this proxy reads one backend. */
export interface ProviderReading {
  /** For messages: `Traefik v2.11 (Docker provider)`. */
  description: string;
  provider: 'docker' | 'docker-swarm-mode' | 'swarm';
  /** The network labels it reads, the first present winning. */
  reads: NetworkLabel[];
  /** Of those, the ones it reads only in some versions of the major at hand, when the exact version is unknown. */
  versionDependent: NetworkLabel[];
  /** Of those, the ones it reads but calls deprecated (v3.2.2+'s Swarm provider on `traefik.docker.network`). */
  deprecated: NetworkLabel[];
  /**
   * Whether a Swarm service with both `traefik.docker.*` and `traefik.swarm.*` labels is dropped ("both Docker and
   * Swarm labels are defined", v3.2.2+); `unknown` when the version does not say.
   */
  dropsMixedLabels: boolean | 'unknown';
  /** The provider's default network option: its value and flag, none, or not visible (static configuration unseen). */
  defaultNetwork: { value: string; flag: string } | undefined | 'unseen';
  exposedByDefault: boolean | 'unseen';
  /** The provider's options that prune routes or change the address, when the configuration is seen. */
  constraints: string | undefined;
  useBindPortIP: boolean;
  allowEmptyServices: boolean;
}

/** What a backend's Traefik labels say, with keys matched as Traefik matches them (case-insensitively). */
export interface BackendLabels {
  /** `traefik.enable`, when set. */
  enable: boolean | undefined;
  /** Router and service names, `http/web`, `tcp/db`: the labels that make a route. */
  routers: string[];
  services: string[];
  /** Load-balancer port labels: `traefik.http.services.<name>.loadbalancer.server.port` (and tcp). */
  portLabels: { label: string; value: string }[];
  /** Network labels present, with the key as written. */
  networkLabels: { label: NetworkLabel; key: string; value: string }[];
  /** Whether any `traefik.docker.*` / `traefik.swarm.*` label is present (a Swarm service may not have both). */
  dockerLabels: boolean;
  swarmLabels: boolean;
}

/** The ports Traefik sends to. */
export interface BackendPorts {
  /** One per load-balancer port label; else the one Traefik picks from the exposed ports; empty: none. */
  ports: number[];
  /**
   * `label`: from load-balancer port labels. `only-exposed`: the container's single exposed port. `lowest-exposed`:
   * Traefik sorts the exposed ports and takes the lowest (getPort), which may not be the one that serves.
   * `none`: no label and nothing exposed: Traefik drops the server ("port is missing").
   */
  source: 'label' | 'only-exposed' | 'lowest-exposed' | 'none';
  exposed: number[];
  /** Port labels whose value is not a port: Traefik cannot use them. */
  invalid: { label: string; value: string }[];
}

/** Why the network choice came out as it did: a stable code, one per rule of Traefik's getIPAddress. */
export type NetworkChoiceCode =
  /** A network label the provider reads names one of the backend's networks. */
  | 'network-label'
  /** The proxy's default-network option names one of them, and no label overrides it. */
  | 'default-network'
  /** The backend is on one network: nothing to choose. */
  | 'only-network'
  /** Several networks and nothing that chooses: Traefik takes whichever its map iteration meets first. */
  | 'no-network-choice'
  /** A network label is set that this provider (and version) does not read. */
  | 'label-ignored'
  /** The label names a network the backend is not on (often the project's prefix is missing). */
  | 'label-not-found'
  /** A Swarm service with both traefik.docker.* and traefik.swarm.* labels: Traefik v3.2.2+ drops the service. */
  | 'labels-conflict'
  /** Several networks, no label, and the default-network option lives where dockprobe cannot read it. */
  | 'default-unseen'
  /** Whether Traefik reads the label depends on a version the image does not tell. */
  | 'version-unknown'
  /** No network with an address (host or container network mode): not modelled. */
  | 'no-network';

/**
 * The network Traefik will really use for one backend, worked out as Traefik does. `kind` says how it is chosen;
 * `candidates` are the networks it may pick (one when the choice is settled, all of them when it is arbitrary).
 */
export interface NetworkChoice {
  code: NetworkChoiceCode;
  kind: 'label' | 'default' | 'only-network' | 'arbitrary' | 'undecided';
  /** The network used, when the choice is settled. */
  network: BackendNetwork | undefined;
  /** The label that chose it (its key as written), when `kind` is `label`. */
  label: string | undefined;
  candidates: BackendNetwork[];
  /** A network label present that this provider does not read, and the labels it reads instead. */
  ignoredLabel: { key: string; value: string; reads: NetworkLabel[] } | undefined;
  /** The label read names no network of the backend; `realName`: the network it probably meant (prefix missing). */
  labelNotFound: { key: string; value: string; realName: string | undefined } | undefined;
  /** The default-network option names no network of the backend (a proxy-wide option: not a finding by itself). */
  defaultNotFound: { flag: string; value: string; realName: string | undefined } | undefined;
  /** The label read is one the provider calls deprecated. */
  deprecatedLabel: string | undefined;
  /** Who reads the labels: `Traefik v2.11 (Docker provider)`. */
  reader: string;
}

/** A server Traefik's API lists for one of its services: where Traefik sends now. */
export interface ApiServer {
  /** The service, as the API names it (`api@swarm`). */
  service: string;
  /** `http` (from /api/http/services: a URL) or `tcp` (/api/tcp/services: an address). */
  kind: 'http' | 'tcp';
  /** As listed: `http://10.0.1.5:3001` or `10.0.1.5:6379`. */
  server: string;
  host: string;
  port: number;
  /** Its health as the API reports it (`UP`, `DOWN`), when it does. */
  status: string | undefined;
}

/**
 * How one route is compared with what Traefik actually chose: its API read from inside the proxy (two HTTP checks),
 * and the route's address on every network it is on tried at its ports, so whichever server Traefik lists can be
 * judged by what answered. `not-read` says why not (the API off or protected, the proxy on another node).
 */
export type TraefikLive =
  | { kind: 'not-read'; why: string }
  | {
      kind: 'read';
      /** `http://127.0.0.1:8080`, for messages. */
      where: string;
      httpCheckId: string;
      tcpCheckId: string;
      tries: { network: BackendNetwork; port: number; checkId: string; shared: boolean }[];
    };
