import { connect } from 'node:net';
import { classifyError } from '../classify-error.js';
import { afterPendingIo } from './late-timeout.js';
import type { AgentErrorCode, Outcome } from '../protocol.js';

/** How one TCP connection attempt ended. */
export interface ConnectResult {
  outcome: Outcome;
  errorCode?: AgentErrorCode;
  detail?: string;
}

/** Opens a TCP connection to address:port and closes it at once; never throws. */
export function tcpConnect(address: string, port: number, timeoutMs: number): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const finish = (result: ConnectResult) => {
      cancel();
      socket.destroy();
      resolve(result);
    };
    // A SYN-ACK or a RST the kernel received in time is read before the timeout is declared (late-timeout.ts): a
    // probe too busy to look would otherwise call a listening neighbour silent.
    const cancel = afterPendingIo(timeoutMs, () =>
      finish({ outcome: 'timeout', errorCode: 'DP_CONNECT_TIMEOUT', detail: `no answer within ${timeoutMs} ms` }),
    );
    socket.once('connect', () => finish({ outcome: 'open' }));
    socket.once('error', (error) => finish(classifyError(error)));
  });
}
