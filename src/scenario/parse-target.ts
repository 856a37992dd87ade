import type { SourcePosition } from '../errors/scenario-error.js';
import { parsePort } from './port.js';
import type { RawTarget } from './scenario-schema.js';
import type { HostRef, TargetRef } from './scenario.js';
import { quoted } from './quoted.js';

/** A target that could not be understood, with the reason and a suggestion. */
export interface TargetProblem {
  error: string;
  hint: string;
}

const FORMS_HINT =
  "write 'service:port', 'http://service:port/path', 'dns:name', 'tcp://host:port' or 'udp://host:port'";

/**
 * Reads one `to:` entry. A single-label name (`redis`) is a Compose service, resolved later in the project;
 * an IP address or a dotted name is a host outside the project, taken as is.
 */
export function parseTarget(
  raw: RawTarget,
  project: string | undefined,
  position: SourcePosition,
): TargetRef | TargetProblem {
  return typeof raw === 'string'
    ? parseTargetString(raw.trim(), project, position)
    : parseTargetObject(raw, project, position);
}

/** Which host a name denotes. */
export function hostRef(name: string, project: string | undefined): HostRef {
  const bare = name.replace(/^\[|\]$/g, '');
  // A name without a colon is no IPv6 address: most names never reach isIP, whose first IPv6 test compiles a large
  // regular expression (6 ms and more of `dockprobe validate` here). node:net is loaded only then: loading it loads
  // node's stream modules too, 2.5 ms and more of `dockprobe validate`, which otherwise loads none.
  return bare.includes('.') || (bare.includes(':') && process.getBuiltinModule('node:net').isIP(bare) !== 0)
    ? { kind: 'external', host: bare }
    : { kind: 'service', service: bare, project };
}

function parseTargetString(
  text: string,
  project: string | undefined,
  position: SourcePosition,
): TargetRef | TargetProblem {
  if (text === 'internet') return { kind: 'internet', label: 'internet', targets: [], position };
  if (/^https?:\/\//i.test(text)) return httpTarget(text, text, undefined, project, position);
  if (text.startsWith('dns:')) {
    const name = text.slice(4).trim();
    if (!name || /[\s/:]/.test(name))
      return { error: `${quoted(text)} is not a name to look up`, hint: "write 'dns:NAME', e.g. dns:frontend" };
    return { kind: 'dns', label: text, host: hostRef(name, project), position };
  }
  if (/^udp:\/\//i.test(text)) return udpTarget(text, project, position);
  const body = text.startsWith('tcp://') ? text.slice(6) : text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(body))
    return { error: `unsupported scheme in ${quoted(text)}`, hint: FORMS_HINT };
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(?::([^\s:/]+))?$/.exec(body);
  if (!match) return { error: `${quoted(text)} is not a target`, hint: FORMS_HINT };
  const host = hostRef(match[1]!, project);
  let port: number | undefined;
  if (match[2] !== undefined) {
    const parsed = parsePort(match[2]);
    if ('error' in parsed) return parsed;
    port = parsed.port;
  } else if (host.kind === 'external') {
    return {
      error: `${quoted(text)} names a host outside the project without a port`,
      hint: `write ${quoted(`${text}:PORT`)}`,
    };
  }
  return { kind: 'tcp', label: text, host, port, position };
}

// `udp://SERVICE:PORT` or `udp://ADDRESS:PORT` (IPv6 in brackets): the port is always written, since a service's
// exposed ports say nothing of which of them take UDP.
function udpTarget(text: string, project: string | undefined, position: SourcePosition): TargetRef | TargetProblem {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(?::([^\s:/]+))?$/.exec(text.slice(6));
  if (!match)
    return { error: `${quoted(text)} is not a UDP target`, hint: "write 'udp://SERVICE:PORT', e.g. udp://syslog:514" };
  if (match[2] === undefined)
    return {
      error: `${quoted(text)} has no port`,
      hint: `write ${quoted(`${text}:PORT`)}: a UDP target names its port`,
    };
  const parsed = parsePort(match[2]);
  if ('error' in parsed) return parsed;
  return { kind: 'udp', label: text, host: hostRef(match[1]!, project), port: parsed.port, position };
}

function parseTargetObject(
  raw: Exclude<RawTarget, string>,
  project: string | undefined,
  position: SourcePosition,
): TargetRef | TargetProblem {
  const kinds = (['service', 'host', 'url', 'dns'] as const).filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1) {
    return {
      error:
        kinds.length === 0
          ? 'a target object needs one of service, host, url, dns'
          : `a target object takes one of ${kinds.join(', ')}, not several`,
      hint: 'e.g. { service: redis, port: 6379 } or { url: "http://api:3001/health", status: 200 }',
    };
  }
  const scope = raw.project ?? project;
  if (raw.status !== undefined && raw.url === undefined)
    return { error: "'status' goes with 'url'", hint: 'e.g. { url: "http://api:3001/health", status: 200 }' };
  if (raw.bytes !== undefined && raw.url === undefined)
    return { error: "'bytes' goes with 'url'", hint: 'e.g. { url: "http://api:3001/bytes/102400", bytes: 102400 }' };
  if (raw.url !== undefined) {
    if (raw.port !== undefined) return { error: "'port' does not go with 'url'", hint: 'put the port in the URL' };
    const target = httpTarget(raw.url, raw.url, raw.status, scope, position);
    return raw.bytes !== undefined && 'kind' in target && target.kind === 'http'
      ? { ...target, label: `${raw.url} (${raw.bytes} bytes)`, bytes: raw.bytes }
      : target;
  }
  if (raw.dns !== undefined) {
    if (raw.port !== undefined) return { error: "'port' does not go with 'dns'", hint: 'a lookup has no port' };
    return { kind: 'dns', label: `dns:${raw.dns}`, host: hostRef(raw.dns, scope), position };
  }
  let port: number | undefined;
  if (raw.port !== undefined) {
    const parsed = parsePort(raw.port);
    if ('error' in parsed) return parsed;
    port = parsed.port;
  }
  if (raw.host !== undefined) {
    if (port === undefined)
      return {
        error: `host ${quoted(raw.host)} needs a port`,
        hint: `e.g. { host: ${raw.host.length <= 80 ? raw.host : 'HOST'}, port: 443 }`,
      };
    return { kind: 'tcp', label: `${raw.host}:${port}`, host: { kind: 'external', host: raw.host }, port, position };
  }
  const service = raw.service!;
  return {
    kind: 'tcp',
    label: port === undefined ? service : `${service}:${port}`,
    host: { kind: 'service', service, project: scope },
    port,
    position,
  };
}

function httpTarget(
  text: string,
  label: string,
  status: number | undefined,
  project: string | undefined,
  position: SourcePosition,
): TargetRef | TargetProblem {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `${quoted(text)} is not a valid URL`, hint: 'e.g. http://api:3001/health' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { error: `unsupported scheme ${quoted(url.protocol)}`, hint: 'use http:// or https://' };
  if (url.username || url.password)
    return { error: 'credentials in a target URL would end up in reports', hint: 'remove user:password@ from the URL' };
  return { kind: 'http', label, url: url.toString(), host: hostRef(url.hostname, project), status, position };
}
