import type { ScenarioProblem, SourcePosition } from '../errors/scenario-error.js';
import type { RawSource } from './scenario-schema.js';
import type { SourceRef } from './scenario.js';

/** How a source is written where it is read: its key, and whether `host` may stand there. */
export interface SourceForm {
  /** The key the source is under, for messages: `from`, `no-egress`. */
  key: string;
  hint: string;
}

const FROM: SourceForm = {
  key: 'from',
  hint: 'from: { network: public-facing }, from: { service: frontend } or from: host',
};

/**
 * Reads a source: `host`, `lan`, or exactly one of `network`, `service` (with an optional `project`, else the scenario's).
 * A problem is recorded at the source, and a placeholder returned so that every other problem is found too.
 */
export function parseSource(
  raw: RawSource,
  project: string | undefined,
  at: () => SourcePosition,
  problems: ScenarioProblem[],
  form: SourceForm = FROM,
): SourceRef {
  if (raw === 'host') return { kind: 'host' };
  if (raw === 'lan') return { kind: 'lan' };
  const { network, service } = raw;
  const scope = raw.project ?? project;
  if ((network === undefined) === (service === undefined)) {
    const message =
      network === undefined
        ? `'${form.key}' needs one of network, service${form === FROM ? ' (or the word host)' : ''}`
        : `'${form.key}' takes network or service, not both`;
    problems.push({ ...at(), message, hint: form.hint });
    return { kind: 'network', network: network ?? '', project: scope };
  }
  return network !== undefined
    ? { kind: 'network', network, project: scope }
    : { kind: 'service', service: service!, project: scope };
}

/** A source as reports name it: `network public-facing`, `service frontend`, `host`, `lan`. */
export function describeSource(source: SourceRef): string {
  return source.kind === 'host' || source.kind === 'lan'
    ? source.kind
    : source.kind === 'network'
      ? `network ${source.network}`
      : `service ${source.service}`;
}
