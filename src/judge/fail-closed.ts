import type { ProbeSpec } from '../plan/plan.js';
import type { ProbeErrorCode, ProbeResult } from '../run/probe-result.js';
import type { RunWindow } from '../topology/world-changes.js';
import type { ControlResult, MakeJudgement, Judgement, VerdictCode } from './verdict.js';

/** What a fail-closed rule makes of a cell: inconclusive, with its code, what was seen in a word or two, and why. */
export interface Unproven<C extends VerdictCode = VerdictCode> {
  code: C;
  observed: string;
  reason: string;
}

/** The controls a silence rests on: which of them must have held before the silence counts as blocked. */
export interface SilenceNeeds {
  /** A name did not resolve: the probe's DNS server must have answered its own name. */
  dns?: boolean;
  /** No packet came back: the probe must have reached a peer (or a target of its own) the whole time. */
  reach?: boolean;
  /** No packet came back over IPv6: the probe must have reached a peer over IPv6, at first and after the checks. */
  reach6?: boolean;
}

/**
 * The rules that keep what dockprobe could not see from counting as "blocked", written once for every kind of cell
 * and every front end (a scenario's verdicts, a snapshot's paths, a drill's rows): a probe that did not run, a check
 * it did not finish, a silence its controls do not prove, a world that changed under it. Each gives an inconclusive
 * judgement with its own code. The judges call them through this object, never a copy of them.
 */
export const failClosed = {
  /**
   * The probe did not run, or gave nothing: whatever its cells would have seen is unknown (`failed`). Otherwise what
   * it gave, to be judged.
   */
  probeFailed(
    source: string,
    probe: { spec: ProbeSpec | undefined; result: ProbeResult | undefined; control: ControlResult | undefined },
  ):
    | { failed: Unproven<'probe-failed'> }
    | { failed: undefined; spec: ProbeSpec; result: ProbeResult; control: ControlResult } {
    const { spec, result, control } = probe;
    if (spec && result && control && !(result.status === 'failed' && result.observations.size === 0))
      return { failed: undefined, spec, result, control };
    return {
      failed: {
        code: 'probe-failed',
        observed: 'no probe',
        reason: result?.error ?? `probe for ${source} did not run`,
      },
    };
  },

  /** The probe ended before `what` finished: a check without its observation proves nothing either way. */
  unfinished(what: string, result: ProbeResult, observed = 'no result'): Unproven<'check-unfinished'> {
    return {
      code: 'check-unfinished',
      observed,
      reason: `the probe ended before ${what} finished${result.error ? ` (${result.error})` : ''}`,
    };
  },

  /**
   * A silence counts as blocked only where the probe's controls proved an answer could have come: a name that did not
   * resolve needs the DNS control, a path that gave no answer the reach control, and over IPv6 the IPv6 control.
   * Checked in that order; undefined when every control the silence needs held, else the code, which control
   * (`failed`) and why: `why` finishes a sentence that says what was silent ("…, but <why>").
   */
  controlFailed(
    control: ControlResult,
    needs: SilenceNeeds,
  ):
    | {
        code: 'dns-control-failed' | 'reach-control-failed' | 'no-control-peer' | 'ipv6-control-failed';
        failed: keyof SilenceNeeds;
        why: string;
      }
    | undefined {
    if (needs.dns && !control.dns)
      return {
        code: 'dns-control-failed',
        failed: 'dns',
        why: `the probe's DNS control failed too, so a silent server cannot be ruled out: ${control.detail}`,
      };
    if (needs.reach && !control.reach && control.noPeer !== undefined)
      return {
        code: 'no-control-peer',
        failed: 'reach',
        why: `the probe had nothing to prove reach against, and dockprobe could add no control peer of its own: ${control.detail}`,
      };
    if (needs.reach && !control.reach)
      return {
        code: 'reach-control-failed',
        failed: 'reach',
        why: `the probe never proved it can reach anything: ${control.detail}`,
      };
    if (needs.reach6 && control.reach6 !== true)
      return {
        code: 'ipv6-control-failed',
        failed: 'reach6',
        why: `the probe never proved it can reach anything over IPv6, so IPv6 is unproven: ${control.detail}`,
      };
    return undefined;
  },

  /**
   * A kind's own control (the udp kind's UDP control) must have held for its silence to count, as the probe's DNS and
   * reach controls must for every kind's (controlFailed): undefined when it held, else the kind's code and why, which
   * finishes a sentence that says what was silent ("…, but <why>").
   */
  kindControlFailed<C extends VerdictCode>(
    held: { held: boolean; detail: string },
    code: C,
    what: string,
  ): { code: C; why: string } | undefined {
    return held.held ? undefined : { code, why: `${what} did not hold, so the silence proves nothing: ${held.detail}` };
  },

  /**
   * A "blocked" counts only for the world as it was when the probe ran: if a container the cell rests on (`touches`)
   * stopped, restarted, was removed or moved between networks meanwhile, the silence may only have been its absence.
   * Undefined when nothing it rests on changed.
   */
  worldChanged(
    touches: readonly string[],
    window: RunWindow,
    reason: string,
  ): { code: 'world-changed'; reason: string } | undefined {
    const seen = [...new Set(touches.flatMap((id) => (window.changes.get(id) ?? []).map((c) => c.what)))];
    if (seen.length === 0) return undefined;
    return {
      code: 'world-changed',
      reason: `the deployment changed during the run (${seen.join('; ')}), so "${reason}" proves nothing`,
    };
  },

  /**
   * A judgement left inconclusive by its probe (`probe-failed`: it gave nothing; `check-unfinished`: it ended before a
   * check did) carries the probe's own code beside its own, which says why (`namespace-lost`, `deadline-exceeded` …).
   */
  withProbeErrorCode<T extends { code: string; probeErrorCode?: ProbeErrorCode }>(
    judged: T,
    result: ProbeResult | undefined,
  ): T {
    if (result?.errorCode === undefined || (judged.code !== 'probe-failed' && judged.code !== 'check-unfinished'))
      return judged;
    return { ...judged, probeErrorCode: result.errorCode };
  },
};

/** The inconclusive verdict a fail-closed rule gives a cell. */
export function unproven<C extends VerdictCode>(
  judged: MakeJudgement<C>,
  { code, observed, reason }: Unproven<C>,
): Judgement {
  return judged('inconclusive', code, observed, reason);
}
