import type { EngineInfo } from './system-client.js';

/**
 * An engine in one phrase for logs and reports: `engine 28.5.2 (API 1.51, firewall iptables)`, `Podman 5.4.2 (API
 * 1.41)`, `engine 26.1.5 (API 1.45, rootless)`. The firewall backend is named where the engine reports one (Engine 28
 * and later), so a report says which rules were under test; a rootless engine says so, since its host perspectives
 * differ.
 */
export function describeEngine(
  engine: Pick<EngineInfo, 'version' | 'apiVersion' | 'firewallBackend' | 'product' | 'rootless'>,
): string {
  const firewall = engine.firewallBackend ? `, firewall ${engine.firewallBackend}` : '';
  const rootless = engine.rootless ? ', rootless' : '';
  return `${engine.product === 'podman' ? 'Podman' : 'engine'} ${engine.version} (API ${engine.apiVersion}${firewall}${rootless})`;
}

/**
 * Where an engine answers, for the run's first log line: `tcp://203.0.113.7:2376 (remote, context prod)`,
 * `unix:///var/run/docker.sock (local)`. Remote is engine-locality.ts's answer.
 */
export function describeEndpoint(engine: Pick<EngineInfo, 'endpoint' | 'context' | 'remote'>): string {
  return `${engine.endpoint} (${engine.remote ? 'remote' : 'local'}${engine.context ? `, context ${engine.context}` : ''})`;
}
