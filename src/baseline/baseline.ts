import { createHash } from 'node:crypto';
import type { Verdict, VerdictCode } from '../judge/verdict.js';
import type { RunResult } from '../run-result.js';
import { pathState, type PathState } from './path-state.js';
import { JSON_FORMATS, type Envelope } from '../report/json-envelope.js';

/** The baseline file's format name and version (a `dockprobe-baseline` document): a reader refuses any other. */
export const BASELINE_FORMAT = 'dockprobe-baseline';
export const BASELINE_VERSION = JSON_FORMATS[BASELINE_FORMAT];

/** One path of a baseline: keyed by names (source, target), with what was seen. */
export interface BaselinePath {
  /** The source as reports name it: `network public-facing`, `service api`, `host`. */
  source: string;
  /** The target as reports name it: `redis:6379`, `http://api:3001/`, `internet`. */
  target: string;
  state: PathState;
  /** The verdict's code: for an `unknown` state, why. */
  code: VerdictCode;
  /** Kept for people, out of the comparison and the digest: it changes from run to run. */
  evidence: { observed: string; latencyMs: number | undefined };
}

/**
 * What a deployment's reachability was: every (source, target) path of a run, sorted by its key, with the engine and
 * Compose versions it was seen on. `digest` covers the keys and states only, so the same reachability gives the same
 * digest whatever the latencies, addresses or run ids.
 */
export interface Baseline extends Envelope<'dockprobe-baseline'> {
  createdAt: string;
  engine: { version: string; apiVersion: string };
  compose: string[];
  scenarios: string[];
  digest: string;
  paths: BaselinePath[];
}

/** The key a path is compared by. */
export function pathKey(path: Pick<BaselinePath, 'source' | 'target'>): string {
  return `${path.source} → ${path.target}`;
}

/** A baseline of a run's verdicts. Under `--repeat` a path seen several times keeps the merged verdict. */
export function baselineOf(result: RunResult): Baseline {
  return baselineFrom(result.verdicts.map(pathOf), { ...result, scenarios: result.scenarios });
}

/**
 * A baseline of paths seen by a run (a scenario's or a drill's): one per key, the last seen kept, sorted by key, with
 * the digest of the keys and states.
 */
export function baselineFrom(
  seen: readonly BaselinePath[],
  run: { startedAt: string; engine: { version: string; apiVersion: string }; compose: string[]; scenarios: string[] },
): Baseline {
  const byKey = new Map<string, BaselinePath>();
  for (const p of seen) byKey.set(pathKey(p), p);
  const paths = [...byKey.values()].sort((a, b) => (pathKey(a) < pathKey(b) ? -1 : pathKey(a) > pathKey(b) ? 1 : 0));
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    createdAt: run.startedAt,
    engine: { version: run.engine.version, apiVersion: run.engine.apiVersion },
    compose: run.compose,
    scenarios: run.scenarios,
    digest: digestOf(paths),
    paths,
  };
}

function pathOf(v: Verdict): BaselinePath {
  return {
    source: v.source,
    target: v.target,
    state: pathState(v.code),
    code: v.code,
    evidence: { observed: v.observed, latencyMs: v.latencyMs },
  };
}

/** sha256 over the sorted keys and states (evidence left out). */
export function digestOf(paths: readonly BaselinePath[]): string {
  const lines = paths.map((p) => `${pathKey(p)}\t${p.state}`).sort();
  return `sha256:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
}
