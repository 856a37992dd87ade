import * as z from 'zod';
import { DURATION_PATTERN } from './duration.js';

// The raw shape of a scenario file. Kept free of transforms so it exports cleanly as JSON Schema for editors;
// normalisation into `Scenario` happens in parse-scenario.ts, where positions are known.

const duration = z.string().regex(DURATION_PATTERN).describe('A duration: 500ms, 2s, 1m');

const name = z.string().min(1);

const portValue = z.union([z.number().int(), z.string().min(1)]).describe('A port number (1-65535) or a well-known name (postgres, redis, http …)');

/** `from:` in object form: a network or a service. */
export const sourceObjectSchema = z
  .strictObject({
    network: name.optional().describe('Run the probe on this network (Compose name, or a Docker network name)'),
    service: name.optional().describe("Run the probe inside each running container's network namespace of this service"),
    project: name.optional().describe('The Compose project, when not the scenario default'),
  })
  .describe('Where the probe runs: exactly one of network, service');

/** `from:` — where the probe runs: `host`, or a network or service. */
export const sourceSchema = z.union([z.literal('host').describe("dockprobe's own host, checking published ports"), sourceObjectSchema]);

/** One entry of `to:`, in object form; the string form is parsed in parse-target.ts. */
export const targetObjectSchema = z
  .strictObject({
    service: name.optional().describe('A service of the project: a TCP connection to `port`'),
    host: name.optional().describe('A host outside the project (IP address or DNS name): a TCP connection to `port`'),
    port: portValue.optional(),
    url: z.string().min(1).optional().describe('An HTTP(S) URL: a GET request'),
    status: z.number().int().min(100).max(599).optional().describe('With `url`: the HTTP status that must come back'),
    dns: name.optional().describe('A name to look up, on its own'),
    project: name.optional(),
  })
  .describe('A target: exactly one of service, host, url, dns');

/** `to:` entries: `service:port`, `http(s)://…`, `dns:name`, `tcp://host:port`, `internet`, or the object form. */
export const targetSchema = z.union([
  z.string().min(1).describe('service:port, http(s)://host:port/path, dns:name, tcp://host:port, or internet'),
  targetObjectSchema,
]);

/** One `expect:` entry. */
export const expectationSchema = z.strictObject({
  name: z.string().min(1).optional().describe('A label for reports'),
  from: sourceSchema,
  to: z.union([targetSchema, z.array(targetSchema).min(1)]),
  reachable: z.boolean().describe('true: every target must be reached; false: none may be'),
  timeout: duration.optional().describe('Per-check timeout for this entry'),
});

/** The whole file. */
export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).optional().describe('Scenario format version'),
    project: name.optional().describe('Default Compose project (com.docker.compose.project)'),
    timeout: duration.optional().describe('Default per-check timeout (default 2s)'),
    internet: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('What `internet` means: outside targets (tcp://IP:PORT, https://host/, dns:name); egress is reached if any is'),
    expect: z.array(expectationSchema).min(1),
  })
  .describe('A dockprobe scenario: the network isolation a deployment must have');

/** The raw file, as zod sees it. */
export type RawScenario = z.infer<typeof scenarioSchema>;
/** One raw `to:` entry. */
export type RawTarget = z.infer<typeof targetSchema>;
/** One raw `expect:` entry. */
export type RawExpectation = z.infer<typeof expectationSchema>;

/** The JSON Schema of scenario files (`dockprobe schema`), for editors' completion and validation. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(scenarioSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>),
    $id: 'https://dockprobe.dev/schema/scenario-v1.json',
    title: 'dockprobe scenario',
  };
}
