import { createInterface } from 'node:readline';
import { AGENT_EXIT, PLAN_VERSION, type DefaultRoute, type Observation, type ProbePlan } from './protocol.js';
import { WARM_EXIT, type WarmLine, type WarmRequest } from './warm-protocol.js';

/** What a warm session needs from its process: kept apart so a test drives it in-process. */
export interface WarmIo {
  input: NodeJS.ReadableStream;
  print: (line: WarmLine) => void;
  /** Ends the session; the process exits with `code` (a test records it). */
  exit: (code: number, why: string) => void;
  interfaces: () => string[];
  defaultRoute: () => DefaultRoute | null;
  runPlan: (plan: ProbePlan, emit: (observation: Observation) => void) => Promise<void>;
  agent: string;
}

/**
 * The agent's warm mode: stays up, takes each round's plan from its input and answers with the cold agent's lines
 * tagged with the round, one round at a time, under a lease. It ends by itself when its lease runs out (nothing heard
 * for `leaseMs`), when its input ends (the orchestrator's attach went away), when a round outlives its plan's deadline
 * (whatever is pending is abandoned, as a cold probe's is), or when told to stop.
 */
export function warmSession(leaseMs: number, io: WarmIo): void {
  let ended = false;
  const end = (code: number, why: string) => {
    if (ended) return;
    ended = true;
    clearTimeout(lease);
    io.exit(code, why);
  };
  const expire = () =>
    end(WARM_EXIT.LEASE_EXPIRED, `nothing heard from the orchestrator for ${leaseMs} ms: lease expired`);
  let lease = setTimeout(expire, leaseMs);
  const renew = () => {
    clearTimeout(lease);
    lease = setTimeout(expire, leaseMs);
  };
  let running: number | undefined;

  const runRound = async (round: number, plan: ProbePlan) => {
    running = round;
    const started = Date.now();
    const deadline = setTimeout(() => {
      io.print({
        type: 'fatal',
        round,
        message: `deadline of ${plan.deadlineMs} ms reached; pending checks abandoned`,
      });
      end(AGENT_EXIT.DEADLINE, `round ${round} past its deadline`);
    }, plan.deadlineMs);
    io.print({
      type: 'hello',
      round,
      agent: io.agent,
      node: process.version,
      interfaces: io.interfaces(),
      defaultRoute: io.defaultRoute(),
    });
    try {
      await io.runPlan(plan, (observation) => {
        if (!ended) io.print({ type: 'observation', round, observation });
      });
    } finally {
      clearTimeout(deadline);
    }
    if (ended) return;
    io.print({ type: 'done', round, elapsedMs: Date.now() - started, interfaces: io.interfaces() });
    running = undefined;
  };

  const lines = createInterface({ input: io.input, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (text) => {
    if (ended || !text.trim()) return;
    renew();
    let request: WarmRequest;
    try {
      request = JSON.parse(text) as WarmRequest;
    } catch {
      io.print({ type: 'fatal', message: `not a JSON line (${text.length} characters)` });
      return end(AGENT_EXIT.PLAN_REFUSED, 'unreadable request');
    }
    switch (request?.type) {
      case 'renew':
        return;
      case 'stop':
        return end(WARM_EXIT.STOPPED, 'told to stop');
      case 'round': {
        const { round, plan } = request;
        if (!Number.isInteger(round)) {
          io.print({ type: 'fatal', message: 'a round request without its round number' });
          return end(AGENT_EXIT.PLAN_REFUSED, 'unreadable request');
        }
        if (plan?.version !== PLAN_VERSION) {
          io.print({
            type: 'fatal',
            round,
            message: `plan version ${String(plan?.version)} is not ${PLAN_VERSION}: orchestrator and probe image differ`,
          });
          return end(AGENT_EXIT.PLAN_REFUSED, 'plan refused');
        }
        // One round at a time: the orchestrator waits for each round's end before the next.
        if (running !== undefined) {
          io.print({ type: 'fatal', round, message: `round ${running} is still running` });
          return;
        }
        void runRound(round, plan);
        return;
      }
      default:
        io.print({
          type: 'fatal',
          message: `unknown request type ${JSON.stringify((request as { type?: unknown })?.type)}`,
        });
        return end(AGENT_EXIT.PLAN_REFUSED, 'unknown request');
    }
  });
  lines.on('close', () => end(WARM_EXIT.STDIN_CLOSED, 'input closed: the orchestrator went away'));
}
