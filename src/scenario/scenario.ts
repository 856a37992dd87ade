import type { SourcePosition } from '../errors/scenario-error.js';

/**
 * A scenario after parsing and validation: names, not ids. Nothing here has touched Docker yet;
 * `topology/` resolves the names against what is deployed.
 */
export interface Scenario {
  /** The file it came from, as given. */
  file: string;
  /**
   * The Compose projects or swarm stacks names are looked up in when they do not say theirs (`project:`, a name or a
   * list; `--project`); empty when the file names none. A name found in two of them is an error.
   */
  projects: string[];
  /** The default per-check timeout, in milliseconds. */
  timeoutMs: number;
  /** What `internet` stands for in this file: its `internet:` list, or the defaults. */
  internet: HostTarget[];
  /**
   * The `expect:` entries, then the entries the `rules:` stand for (each with its `rule`): a rule is checked as the
   * ordinary expectations it makes, so planning, judging and reports need nothing of their own for it. An `only` rule
   * makes the rest of its entries once the deployment is read (rules/expand-only-rules.ts).
   */
  expectations: Expectation[];
  /** `rules:`, in order; empty when the file has none. */
  rules: Rule[];
  /** `traefik:`: check the routes of a Traefik proxy; undefined when the file has no such key. */
  traefik: TraefikCheck | undefined;
}

/**
 * `traefik: {}` or `traefik: { proxy: reverse-proxy }`: for every service the proxy routes, the network Traefik will
 * really use must be one the proxy shares, and the service must answer there from inside the proxy.
 */
export interface TraefikCheck {
  /** The proxy's Compose service; undefined: the service running a Traefik image (or command) is found. */
  proxy: string | undefined;
  /**
   * The proxy's Compose project or stack: the key's own `project:`, else the scenario's when it names one. Undefined
   * with several: the proxy is then looked for across the scenario's list (topology/resolve-names.ts pins it).
   */
  project: string | undefined;
  /** Per-check timeout, in milliseconds: the scenario's. */
  timeoutMs: number;
  /** Further tries of each check while it gets no answer (`--retries`); 0 in a file. */
  retries: number;
  position: SourcePosition;
}

/**
 * One `rules:` item: a sentence people actually say about zones ("public-facing never reaches postgres", "internal-backend
 * has no egress", "only api and worker reach redis"), stated once and checked as the expectations it makes.
 */
export interface Rule {
  /** Its place in `rules:`, from 1: reports say `rule 3`. */
  number: number;
  kind: RuleKind;
  /** What it says, in words, for reports: `network public-facing never reaches postgres`. */
  says: string;
  /** The item in the file: every entry the rule makes is reported here. */
  position: SourcePosition;
}

/** The kinds of rule: `never: { from, to }`, `no-egress: { network | service }`, `only: { to, from: [...] }`. */
export const RULE_KINDS = ['never', 'no-egress', 'only'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** One `expect:` entry, or one entry a rule made: from one source, each target is reachable or not. */
export interface Expectation {
  /** Position in the `expect` list, from 0. */
  index: number;
  /** The entry's `name`, or one made from its source and reachability. */
  name: string;
  from: SourceRef;
  to: TargetRef[];
  reachable: boolean;
  timeoutMs: number;
  /** Further tries for checks of this entry while it expects reachable (`--retries`); 0 in a file. */
  retries: number;
  position: SourcePosition;
  /** The rule it was made from; undefined for an `expect:` entry. */
  rule?: Rule | undefined;
}

// `project` on a source or a service target: the project (or stack) the name belongs to, when it is known: the
// entry's own `project:`, or the scenario's when it names exactly one. Undefined when the scenario names several
// (topology/resolve-names.ts then finds the one that holds the name, and pins it) or none.

/** A probe attached to a network: what any new container on it could reach. */
export interface NetworkSource {
  kind: 'network';
  network: string;
  project: string | undefined;
}

/** A probe in the network namespace of each running container of a service: "if it is compromised". */
export interface ServiceSource {
  kind: 'service';
  service: string;
  project: string | undefined;
}

/** dockprobe's own host, knocking on the ports the deployment publishes. */
export interface HostSource {
  kind: 'host';
}

/**
 * A neighbour on the host's LAN that routes the containers' subnets through the host: what an attacker beside the
 * server reaches (container addresses straight through the host's forwarding, published ports on the host's address).
 */
export interface LanSource {
  kind: 'lan';
}

/** Where a probe runs. */
export type SourceRef = NetworkSource | ServiceSource | HostSource | LanSource;

/** A TCP connection to a port of a service, or of a host outside the project. */
export interface TcpTarget {
  kind: 'tcp';
  /** As written in the file, for reports. */
  label: string;
  host: HostRef;
  /** Undefined when the file named a service without a port: the service's exposed ports are used. */
  port: number | undefined;
  position: SourcePosition;
}

/** An HTTP GET; `status`, when given, must match. */
export interface HttpTarget {
  kind: 'http';
  label: string;
  url: string;
  host: HostRef;
  status: number | undefined;
  /** Body bytes that must arrive (`bytes:`): a large answer, for MTU black holes. */
  bytes?: number | undefined;
  position: SourcePosition;
}

/** A name lookup on its own. */
export interface DnsTarget {
  kind: 'dns';
  label: string;
  host: HostRef;
  position: SourcePosition;
}

/** Egress: the scenario's (or `--internet`'s) list of outside targets; reached if any of them is. */
export interface InternetTarget {
  kind: 'internet';
  label: 'internet';
  /** The outside hosts it stands for (the file's `internet:` list, `--internet`, or the defaults). */
  targets: HostTarget[];
  position: SourcePosition;
}

/**
 * A UDP datagram to a port of a service, or of a host outside the project (`udp://SERVICE:PORT`,
 * `udp://ADDRESS:PORT`): the udp kind of check (src/checks/udp/) decides it.
 */
export interface UdpTarget {
  kind: 'udp';
  label: string;
  host: HostRef;
  port: number;
  position: SourcePosition;
}

/** A target that names one host. */
export type HostTarget = TcpTarget | HttpTarget | DnsTarget;

/** What a target points at. */
export type TargetRef = HostTarget | InternetTarget | UdpTarget;

/**
 * A host named by a target: a Compose service (a single-label name, resolved in the project) or an outside host
 * (an IP address or a dotted name, taken as is).
 */
export type HostRef =
  | { kind: 'service'; service: string; project: string | undefined }
  | { kind: 'external'; host: string };
