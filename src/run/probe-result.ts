import type { DefaultRoute, Observation } from '../../probes/agent/protocol.js';

/** How one probe's run went, whatever happened: never an exception. */
export interface ProbeResult {
  probeKey: string;
  containerName: string;
  /** Short container id, when one was created. */
  containerId: string | undefined;
  /** `completed`: the agent ran its plan to the end; `failed`: it did not start, crashed, or was cut off. */
  status: 'completed' | 'failed';
  /** Why it failed, for reports. */
  error: string | undefined;
  observations: Map<string, Observation>;
  /** The probe's network interfaces as it saw them (`eth0 172.20.0.5/16`). */
  interfaces: string[];
  /** Its default route; null when it has none (no egress); undefined when unknown (the host, or no hello). */
  defaultRoute: DefaultRoute | null | undefined;
  durationMs: number;
}

/** A result with nothing observed yet, for `spec`'s probe; callers override what they know. */
export function probeResult(spec: { key: string; containerName: string }, fields: Partial<ProbeResult> = {}): ProbeResult {
  return {
    probeKey: spec.key,
    containerName: spec.containerName,
    containerId: undefined,
    status: 'completed',
    error: undefined,
    observations: new Map(),
    interfaces: [],
    defaultRoute: undefined,
    durationMs: 0,
    ...fields,
  };
}
