import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { DURATION_PATTERN } from './duration.js';

// The raw shape of a scenario file. Kept free of transforms so it exports cleanly as JSON Schema for editors;
// normalisation into `Scenario` happens in parse-scenario.ts, where positions are known.
//
// zod/mini, not zod's chained API: the same core, schemas and issues, and half the start-up: building these schemas
// and parsing a first file took about 25 ms with the chained API and 11 ms with this one (`dockprobe validate`).

// Issue messages in English, as zod's chained API sets them when it builds its first schema: unless a program that
// uses dockprobe as a library chose a locale of its own.
if (!z.config().localeError) z.config(en());

/**
 * The JSON Schema `description` of a schema made for this one use; `more` goes into its JSON Schema as is, for what
 * zod/mini cannot say in a type (exactly one key of a map, one of two keys required).
 */
function describe<T extends z.ZodMiniType>(schema: T, description: string, more: Record<string, unknown> = {}): T {
  z.globalRegistry.add(schema as z.ZodMiniType, { description, ...more });
  return schema;
}

const duration = describe(z.string().check(z.regex(DURATION_PATTERN)), 'A duration: 500ms, 2s, 1m');

const name = z.string().check(z.minLength(1));

const portValue = describe(
  z.union([z.number().check(z.int()), z.string().check(z.minLength(1))]),
  'A port number (1-65535) or a well-known name (postgres, redis, http …)',
);

/** `from:` in object form: a network or a service. */
export const sourceObjectSchema = describe(
  z.strictObject({
    network: describe(z.optional(name), 'Run the probe on this network (Compose name, or a Docker network name)'),
    service: describe(
      z.optional(name),
      "Run the probe inside each running container's network namespace of this service",
    ),
    project: describe(z.optional(name), 'The Compose project or swarm stack, when not the scenario default'),
  }),
  'Where the probe runs: exactly one of network, service',
);

/** `from:` — where the probe runs: `host`, or a network or service. */
export const sourceSchema = z.union([
  describe(z.literal('host'), "dockprobe's own host, checking published ports"),
  describe(
    z.literal('lan'),
    "a neighbour on the host's LAN routing the containers' subnets through the host (root on the engine's host)",
  ),
  sourceObjectSchema,
]);

/** One entry of `to:`, in object form; the string form is parsed in parse-target.ts. */
export const targetObjectSchema = describe(
  z.strictObject({
    service: describe(z.optional(name), 'A service of the project: a TCP connection to `port`'),
    host: describe(z.optional(name), 'A host outside the project (IP address or DNS name): a TCP connection to `port`'),
    port: z.optional(portValue),
    url: describe(z.optional(z.string().check(z.minLength(1))), 'An HTTP(S) URL: a GET request'),
    status: describe(
      z.optional(z.number().check(z.int(), z.gte(100), z.lte(599))),
      'With `url`: the HTTP status that must come back',
    ),
    bytes: describe(
      z.optional(z.number().check(z.int(), z.gte(1), z.lte(16 * 1024 * 1024))),
      'With `url`: at least this many body bytes must arrive (a large answer across an overlay finds an MTU black hole: small answers pass, large ones stall)',
    ),
    dns: describe(z.optional(name), 'A name to look up, on its own'),
    project: z.optional(name),
  }),
  'A target: exactly one of service, host, url, dns',
);

/** `to:` entries: `service:port`, `http(s)://…`, `dns:name`, `tcp://host:port`, `udp://host:port`, `internet`, or the object form. */
export const targetSchema = z.union([
  describe(
    z.string().check(z.minLength(1)),
    'service:port, http(s)://host:port/path, dns:name, tcp://host:port, udp://host:port, or internet',
  ),
  targetObjectSchema,
]);

/** `to:` of an expectation or a `never` rule: one target or a list of them. */
const targetsSchema = z.union([targetSchema, z.array(targetSchema).check(z.minLength(1))]);

/** One `expect:` entry. */
export const expectationSchema = z.strictObject({
  name: describe(z.optional(z.string().check(z.minLength(1))), 'A label for reports'),
  from: sourceSchema,
  to: targetsSchema,
  reachable: describe(z.boolean(), 'true: every target must be reached; false: none may be'),
  timeout: describe(z.optional(duration), 'Per-check timeout for this entry'),
});

/** `never: { from, to }`: nothing from `from` reaches any of `to`. */
export const neverRuleSchema = describe(
  z.strictObject({ from: sourceSchema, to: targetsSchema }),
  'From `from`, none of `to` is reached: an expectation with reachable: false',
);

/** `no-egress: { network }` or `no-egress: { service }`: no internet target answers from there. */
export const noEgressRuleSchema = describe(
  z.strictObject({
    network: describe(z.optional(name), 'A network (Compose name, or a Docker network name) with no way out'),
    service: describe(z.optional(name), 'A service whose containers have no way out'),
    project: describe(z.optional(name), 'The Compose project or swarm stack, when not the scenario default'),
  }),
  'No internet target is reached from this network or service: exactly one of network, service',
);

/** One source of `only:`: a service by name, or `{ network }` / `{ service }`. */
const onlySourceSchema = z.union([
  describe(z.string().check(z.minLength(1)), 'A service of the project'),
  sourceObjectSchema,
]);

/** `only: { to, from: [...] }`: the listed sources reach `to`, and nothing else of the project does. */
export const onlyRuleSchema = describe(
  z.strictObject({
    to: describe(targetSchema, 'A service, or service:port'),
    from: z.union([onlySourceSchema, z.array(onlySourceSchema).check(z.minLength(1))]),
  }),
  "The listed services and networks reach `to`; every other running service of `to`'s project, and every other network of it, does not. A service on a listed network is part of that zone",
);

/** One `rules:` item: exactly one of its keys. */
export const ruleSchema = describe(
  z.strictObject({
    never: z.optional(neverRuleSchema),
    'no-egress': z.optional(noEgressRuleSchema),
    only: z.optional(onlyRuleSchema),
  }),
  'A zone rule: exactly one of never, no-egress, only',
  { minProperties: 1, maxProperties: 1 },
);

/** `traefik:` — check a Traefik proxy's routes: `{}` finds the proxy, `{ proxy: NAME }` names it. */
export const traefikSchema = describe(
  z.strictObject({
    proxy: describe(
      z.optional(name),
      'The Compose service running Traefik; when left out, the service running a traefik image (or command) is found',
    ),
    project: describe(z.optional(name), "The proxy's Compose project or swarm stack, when not the scenario default"),
  }),
  'Check every route of a Traefik proxy: the network Traefik will really use for each routed service must be one the proxy shares, and the service must answer there from inside the proxy. `traefik: {}` finds the proxy',
);

/** The whole file. */
export const scenarioSchema = describe(
  z.strictObject({
    $schema: z.optional(z.string()),
    version: describe(z.optional(z.literal(1)), 'Scenario format version'),
    project: describe(
      z.optional(z.union([name, z.array(name).check(z.minLength(1))])),
      'Default Compose project (com.docker.compose.project) or swarm stack (com.docker.stack.namespace), or a list of them: names are looked up across the list',
    ),
    timeout: describe(z.optional(duration), 'Default per-check timeout (default 2s)'),
    internet: describe(
      z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
      'What `internet` means: outside targets (tcp://IP:PORT, https://host/, dns:name); egress is reached if any is',
    ),
    traefik: z.optional(traefikSchema),
    expect: z.optional(z.array(expectationSchema).check(z.minLength(1))),
    rules: describe(
      z.optional(z.array(ruleSchema).check(z.minLength(1))),
      'Zone rules, on top of `expect:`: never (from, to), no-egress (network or service), only (to, from: [...]); each is checked as the expectations it stands for',
    ),
  }),
  'A dockprobe scenario: the network isolation a deployment must have',
  // A file says what to check: `expect:`, `rules:`, or both (parse-scenario.ts says so at the file's start).
  { anyOf: [{ required: ['expect'] }, { required: ['rules'] }] },
);

/** The raw file, as zod sees it. */
export type RawScenario = z.infer<typeof scenarioSchema>;
/** One raw `to:` entry. */
export type RawTarget = z.infer<typeof targetSchema>;
/** One raw `expect:` entry. */
export type RawExpectation = z.infer<typeof expectationSchema>;
/** One raw `from:`. */
export type RawSource = z.infer<typeof sourceSchema>;
/** One raw `rules:` item. */
export type RawRule = z.infer<typeof ruleSchema>;

/** The JSON Schema of scenario files (`dockprobe schema`), for editors' completion and validation. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(scenarioSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>),
    $id: 'https://dockprobe.dev/schema/scenario-v1.json',
    title: 'dockprobe scenario',
  };
}
