/**
 * What inference needs of a deployment, from a Compose file (through `compose config`) or from what runs (`--live`):
 * services with their networks and ports, and which networks are internal. Names are the file's (`public-facing`,
 * not `shop_public-facing`).
 */
export interface InferModel {
  project: string;
  /** Where it came from, for the written scenario's header: `docker compose config -f …` or `the live project …`. */
  origin: string;
  services: InferService[];
  networks: { name: string; internal: boolean }[];
  /** The service running Traefik, when one does and others carry its routing labels: the scenario gets `traefik: {}`. */
  traefik?: string;
}

export interface InferService {
  name: string;
  /** The networks it is on; `default` when the file gives none. */
  networks: string[];
  /** TCP ports it exposes or publishes (container side), sorted. */
  ports: number[];
  /** Its published TCP ports (container side), with the host address they are bound to ('' for all). */
  published: { port: number; hostIp: string }[];
  /** UDP ports it exposes or publishes (container side), sorted: `udp://` targets. */
  udpPorts: number[];
  /** Its published UDP ports (container side), with the host address they are bound to ('' for all). */
  udpPublished: { port: number; hostIp: string }[];
  /** network_mode host / container:…: not on the project's networks; nothing is inferred for it. */
  networkMode: string | undefined;
  /**
   * The images to ask the engine for the ports the service's image exposes, when the file gives it none: its `image:`,
   * or the names Compose gives the image it builds (`project-service`, v1 `project_service`). Absent from a live model.
   */
  images?: string[];
  /** Where a port came from when the file does not say it in `expose:` or `ports:`, by `6379/tcp`. */
  portOrigins?: Record<string, string>;
  /** Why the image's ports could not be read, for the list of services skipped: the engine has no such image … */
  imageUnread?: string;
}
