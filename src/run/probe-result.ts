import type { DefaultRoute, Observation } from '../../probes/agent/protocol.js';
import type { ControlPeerAnswer } from './control-peer-answer.js';

/**
 * Why a probe failed, as a stable code beside its text: one per cause, the same on every engine, so scripts and tests
 * match on it and the text is free to say what each engine did.
 */
export const PROBE_ERROR_CODES = {
  'not-started': 'the probe container, swarm job or LAN neighbour could not be created or started',
  aborted: 'the run was stopping (Ctrl-C, SIGTERM) before the probe started',
  'lan-unsupported': "the LAN view needs dockprobe to run as root on the engine's own host, and it does not",
  'job-rejected':
    "the swarm job's task ended without running the agent (often: the probe image is missing on its node)",
  'plan-refused': 'the agent refused its plan: dockprobe and the probe image differ',
  'agent-deadline': 'the agent reached its own deadline and abandoned the checks still pending',
  'exited-early': 'the agent ended before finishing without saying why: it crashed, or was killed (out of memory?)',
  'deadline-exceeded': 'the probe did not end within its deadline plus the grace, and was stopped',
  'namespace-lost':
    "the probe joined a container's namespace and found only lo there at its start or end: the container restarted or stopped mid-run",
  'log-truncated':
    'the agent finished, but the start of its output is missing (its log was cut): only part of its results were read',
  'engine-unreachable': 'the engine stopped answering while dockprobe waited for the probe',
  'engine-error': 'the engine failed a call while dockprobe waited for the probe',
} as const;

/** One of {@link PROBE_ERROR_CODES}. */
export type ProbeErrorCode = keyof typeof PROBE_ERROR_CODES;

/** Why a probe failed: its code and the text for reports. */
export interface ProbeFailure {
  code: ProbeErrorCode;
  text: string;
}

/** What every probe result has, however its run went. */
interface ProbeResultBase {
  probeKey: string;
  containerName: string;
  /** Short container id, when one was created. */
  containerId: string | undefined;
  observations: Map<string, Observation>;
  /** The probe's network interfaces as it saw them (`eth0 172.20.0.5/16`). */
  interfaces: string[];
  /** Its default route; null when it has none (no egress); undefined when unknown (the host, or no hello). */
  defaultRoute: DefaultRoute | null | undefined;
  durationMs: number;
  /** For a probe that asked for a control peer of dockprobe's own: the peer it was given, or why there was none. */
  controlPeer?: ControlPeerAnswer;
}

/**
 * How one probe's run went, whatever happened: never an exception. `completed`: the agent ran its plan to the end;
 * `failed`: it did not start, crashed, or was cut off, and says why (`error`) with a code (`errorCode`): a failure
 * without its code does not compile.
 */
export type ProbeResult = ProbeResultBase &
  (
    | { status: 'completed'; error: undefined; errorCode: undefined }
    | { status: 'failed'; error: string; errorCode: ProbeErrorCode }
  );

/** A result with nothing observed yet, for `spec`'s probe; callers override what they know, and give why it failed. */
export function probeResult(
  spec: { key: string; containerName: string },
  fields: Partial<ProbeResultBase> = {},
  failure?: ProbeFailure,
): ProbeResult {
  const base: ProbeResultBase = {
    probeKey: spec.key,
    containerName: spec.containerName,
    containerId: undefined,
    observations: new Map(),
    interfaces: [],
    defaultRoute: undefined,
    durationMs: 0,
    ...fields,
  };
  return failure
    ? { ...base, status: 'failed', error: failure.text, errorCode: failure.code }
    : { ...base, status: 'completed', error: undefined, errorCode: undefined };
}
