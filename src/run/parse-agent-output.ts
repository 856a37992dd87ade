import { isAgentErrorCode, type AgentLine, type DefaultRoute, type Observation } from '../../probes/agent/protocol.js';

/**
 * What a probe's stdout says, read leniently: a line that is not agent JSON is skipped, not fatal. So is an observation
 * whose error code is not one the agent may give: its check then reads as unfinished (inconclusive), never as an
 * outcome the orchestrator would have to guess the meaning of.
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
  const output: AgentOutput = { observations: new Map(), interfaces: [], finalInterfaces: [], defaultRoute: undefined, done: false, hello: false, fatal: undefined };
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
        if (parsed.observation.errorCode !== undefined && !isAgentErrorCode(parsed.observation.errorCode)) break;
        output.observations.set(parsed.observation.id, parsed.observation);
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
