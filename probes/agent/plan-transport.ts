import { gunzipSync, gzipSync } from 'node:zlib';
import { PLAN_VERSION, type ProbePlan } from './protocol.js';

// How a plan reaches the probe: in its environment, gzipped, base64, cut into variables of at most CHUNK characters.
// One variable once carried the whole plan, and 1,200 checks failed with "argument list too long": Linux caps each
// variable at 128 KiB (MAX_ARG_STRLEN). Compressed, a plan of thousands of checks fits in a few variables.

/** Characters per variable, well under MAX_ARG_STRLEN (128 KiB) with the name and `=`. */
export const PLAN_CHUNK = 96 * 1024;
/** The variable that says how many chunks follow (DOCKPROBE_PLAN_0 … DOCKPROBE_PLAN_{n-1}). */
export const PLAN_CHUNKS_VAR = 'DOCKPROBE_PLAN_CHUNKS';

/** The environment variables that carry `plan`. */
export function encodePlan(plan: ProbePlan): Record<string, string> {
  const encoded = gzipSync(Buffer.from(JSON.stringify(plan))).toString('base64');
  const env: Record<string, string> = {};
  let n = 0;
  for (let i = 0; i < encoded.length; i += PLAN_CHUNK) env[`DOCKPROBE_PLAN_${n++}`] = encoded.slice(i, i + PLAN_CHUNK);
  env[PLAN_CHUNKS_VAR] = String(n);
  return env;
}

/** The plan from the environment: chunked and gzipped, or (for hand-made runs) plain base64 JSON in DOCKPROBE_PLAN. */
export function decodePlan(env: NodeJS.ProcessEnv): ProbePlan {
  const chunks = Number(env[PLAN_CHUNKS_VAR]);
  let plan: ProbePlan;
  if (Number.isInteger(chunks) && chunks > 0) {
    const parts = Array.from({ length: chunks }, (_, i) => env[`DOCKPROBE_PLAN_${i}`]);
    if (parts.some((p) => p === undefined))
      throw new Error(`plan chunks missing: expected ${chunks} DOCKPROBE_PLAN_n variables`);
    plan = JSON.parse(gunzipSync(Buffer.from(parts.join(''), 'base64')).toString('utf8')) as ProbePlan;
  } else if (env['DOCKPROBE_PLAN']) {
    plan = JSON.parse(Buffer.from(env['DOCKPROBE_PLAN'], 'base64').toString('utf8')) as ProbePlan;
  } else {
    throw new Error(
      `no plan: set ${PLAN_CHUNKS_VAR} and DOCKPROBE_PLAN_n (see plan-transport.ts), or DOCKPROBE_PLAN to a base64 JSON plan`,
    );
  }
  if (plan.version !== PLAN_VERSION)
    throw new Error(`plan version ${String(plan.version)} is not ${PLAN_VERSION}: orchestrator and probe image differ`);
  return plan;
}
