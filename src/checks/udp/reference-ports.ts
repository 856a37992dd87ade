/**
 * The ports an address is asked at besides the target's: traceroute's (33434 and up), which nothing is expected to
 * listen on, so a host that takes UDP from the probe answers them with an ICMP port unreachable.
 */
export const FIRST_REFERENCE_PORT = 33434;

/**
 * Two reference ports for a host: the first ports from FIRST_REFERENCE_PORT that it does not expose (in any protocol)
 * and that are not the target's own. A listener may still sit on a port it does not expose: then that reference is
 * silent and proves nothing, never more than that.
 */
export function referencePorts(exposed: readonly number[], target?: number): [number, number] {
  const taken = new Set([...exposed, ...(target === undefined ? [] : [target])]);
  const ports: number[] = [];
  for (let p = FIRST_REFERENCE_PORT; ports.length < 2; p++) if (!taken.has(p)) ports.push(p);
  return [ports[0]!, ports[1]!];
}
