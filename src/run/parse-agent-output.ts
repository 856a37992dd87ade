import { isAgentErrorCode, type AgentLine, type DefaultRoute, type Observation } from '../../probes/agent/protocol.js';

/**
 * What a probe's stdout says, read leniently: a line that is not agent JSON is skipped, not fatal. An observation
 * whose error code is not one the agent may give is kept as an `error` with code UNKNOWN (its own code in the
 * detail): never an outcome the orchestrator would have to guess the meaning of, and never dropped, since a control
 * run that is missing reads as one that never ran, while one in error fails the control (fail closed).
 */
export interface AgentOutput {
  observations: Map<string, Observation>;
  interfaces: string[];
  /** The interfaces the agent saw when it finished (from the done line). */
  finalInterfaces: string[];
  /** From the hello line: null when the probe has no default route; undefined when there was no hello. */
  defaultRoute: DefaultRoute | null | undefined;
  done: boolean;
  /** Whether the hello line, the agent's first, was read: without it, the output lost its beginning. */
  hello: boolean;
  fatal: string | undefined;
}

/** Parses the agent's JSON lines. */
export function parseAgentOutput(stdout: string): AgentOutput {
  const output: AgentOutput = {
    observations: new Map(),
    interfaces: [],
    finalInterfaces: [],
    defaultRoute: undefined,
    done: false,
    hello: false,
    fatal: undefined,
  };
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    let parsed: AgentLine | null;
    try {
      parsed = JSON.parse(line) as AgentLine | null;
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null) continue;
    switch (parsed.type) {
      case 'hello':
        output.hello = true;
        output.interfaces = parsed.interfaces;
        output.defaultRoute = parsed.defaultRoute ?? null;
        break;
      case 'observation':
        output.observations.set(parsed.observation.id, knownCode(parsed.observation));
        break;
      case 'done':
        output.done = true;
        output.finalInterfaces = parsed.interfaces ?? [];
        break;
      case 'fatal':
        output.fatal = parsed.message;
        break;
    }
  }
  return output;
}

function knownCode(observation: Observation): Observation {
  const code: unknown = observation.errorCode;
  if (code === undefined || isAgentErrorCode(code)) return observation;
  const detail = `agent error code ${JSON.stringify(code)} is not one dockprobe knows${observation.detail ? `: ${observation.detail}` : ''}`;
  return { ...observation, outcome: 'error', errorCode: 'UNKNOWN', detail };
}
