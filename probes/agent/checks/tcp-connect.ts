import { connect } from 'node:net';
import { classifyError } from '../classify-error.js';
import type { Outcome } from '../protocol.js';

/** How one TCP connection attempt ended. */
export interface ConnectResult {
  outcome: Outcome;
  errorCode?: string;
  detail?: string;
}

/** Opens a TCP connection to address:port and closes it at once; never throws. */
export function tcpConnect(address: string, port: number, timeoutMs: number): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const finish = (result: ConnectResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ outcome: 'timeout', errorCode: 'DP_CONNECT_TIMEOUT', detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once('connect', () => finish({ outcome: 'open' }));
    socket.once('error', (error) => finish(classifyError(error)));
  });
}
