import type { Colors } from '../report/colors.js';
import { escapeControl } from '../report/escape-control.js';
import type { WatchEvent } from './watch-event.js';

/**
 * One event of a watch as a line for a person (stdout), or undefined for one said only with --verbose: a round that
 * changed nothing, a warm probe started. A cell's change always gets its line, with the evidence and the event that
 * triggered the round. Names from the engine are shown, never sent raw (escapeControl).
 */
export function prettyWatchEvent(event: WatchEvent, c: Colors, verbose = false): string | undefined {
  const e = escapeControl;
  const time = c.dim(event.at.replace(/\.\d+Z$/, 'Z'));
  switch (event.event) {
    case 'started':
      return `${time} watching run ${event.runId} on engine ${e(event.engine.version)} (${e(event.scenarios.join(', '))}); firewall: ${event.firewall.visible ? e(event.firewall.detail) : `not watched: ${e(event.firewall.detail)}`}${event.listen ? `; /metrics, /healthz, /report on http://${event.listen}` : ''}`;
    case 'change': {
      // At its first round a passing cell is only counted (the round's line); anything else gets its line.
      if (!verbose && event.from === undefined && event.to === 'pass') return undefined;
      const status =
        event.to === 'fail'
          ? c.red(c.bold('FAIL'))
          : event.to === 'pass'
            ? c.green('pass')
            : event.to === 'inconclusive'
              ? c.yellow('inconclusive')
              : c.yellow('gone');
      const path = event.path === 'opened' ? 'opened' : event.path === 'closed' ? 'closed' : 'unknown';
      const v = event.verdict;
      const was = event.from === undefined ? 'first seen' : `was ${event.from === 'fail' ? 'FAIL' : event.from}`;
      return `${time} ${status} ${path} ${e(event.source)} → ${e(event.target)} (expected ${event.expected}, ${was}): ${v.code}: ${e(v.observed)}; ${e(v.reason)} [round ${event.round}: ${e(event.trigger)}]`;
    }
    case 'recheck': {
      const second = event.second
        ? `re-checked at once: ${event.second.status === 'fail' ? c.red('FAIL again') : event.second.status} (${event.second.code}: ${e(event.second.observed)})`
        : 're-check could not run: the first observation stands';
      return `${time} ${c.yellow('transient?')} ${e(event.first.source)} → ${e(event.first.target)}: reached while a network was created (${e(event.first.observed)}); ${second} [round ${event.round}]`;
    }
    case 'round': {
      if (!verbose && event.round !== 1 && event.outcome !== 'failed') return undefined;
      const s = event.summary;
      const outcome = event.outcome === 'failed' ? c.yellow('could not run') : event.outcome;
      return `${time} round ${event.round} (${e(event.trigger)}): ${outcome}, ${s.pass} pass, ${s.fail} FAIL, ${s.inconclusive} inconclusive in ${event.durationMs} ms${event.error ? `: ${e(event.error)}` : ''}`;
    }
    case 'reloaded':
      return event.error
        ? `${time} ${c.yellow('reload refused')}: ${e(event.error)}; ${e(event.detail)}`
        : `${time} reloaded: ${e(event.detail)}`;
    case 'engine':
      return `${time} engine ${event.state === 'lost' ? c.yellow('lost') : 'back'}: ${e(event.detail)}`;
    case 'firewall':
      return verbose ? `${time} firewall: ${e(event.detail)}` : undefined;
    case 'probe':
      return verbose || event.what === 'replaced' || event.what === 'failed-to-start'
        ? `${time} warm probe ${e(event.name)} ${event.what}: ${e(event.why)}`
        : undefined;
  }
}
