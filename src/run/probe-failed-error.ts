import type { ProbeErrorCode } from './probe-result.js';

/**
 * A probe that cannot run, thrown where the cause is known (a job the swarm would not run, a LAN view this host cannot
 * make) and caught where its result is made: the code goes with it, so the result never guesses it from the message.
 */
export class ProbeFailedError extends Error {
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProbeFailedError';
  }
}
