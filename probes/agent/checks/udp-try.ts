import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { classifyUdpError } from '../classify-error.js';
import { afterPendingIo } from './late-timeout.js';
import type { AgentErrorCode, Outcome } from '../protocol.js';

/** How one datagram's try ended; `answer` is what came back, for `udp-answer`. */
export interface UdpTryResult {
  outcome: Extract<Outcome, 'udp-answer' | 'udp-port-unreachable' | 'udp-silent' | 'unreachable' | 'error'>;
  answer?: Buffer;
  /** When the datagram had left (performance.now() at the send's callback); absent when it never did. */
  sentAt?: number;
  errorCode?: AgentErrorCode;
  detail?: string;
}

/**
 * Sends one datagram from a fresh socket connected to address:port and waits `timeoutMs` for what comes back; never
 * throws. Connected, the socket takes datagrams from that address and port only, and gets the ICMP errors the kernel
 * matches to it (an unconnected one gets none); one datagram per socket, so an error belongs to this try.
 */
export function udpTry(address: string, port: number, datagram: Buffer, timeoutMs: number): Promise<UdpTryResult> {
  return new Promise((resolve) => {
    const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
    let finished = false;
    let sentAt: number | undefined;
    let cancel = () => {};
    const finish = (result: UdpTryResult) => {
      if (finished) return;
      finished = true;
      cancel();
      socket.close();
      resolve(sentAt === undefined ? result : { ...result, sentAt });
    };
    // Listened to from the start to the close: the ICMP error comes as an 'error' event (syscall recvmsg), and an
    // 'error' event nobody listens to would end the agent.
    socket.on('error', (error) => finish(classifyUdpError(error)));
    socket.on('message', (answer) => finish({ outcome: 'udp-answer', answer }));
    socket.connect(port, address, (error?: Error) => {
      if (error) return finish(classifyUdpError(error));
      if (finished) return;
      socket.send(datagram, (sendError) => {
        if (sendError) return finish(classifyUdpError(sendError));
        if (finished) return;
        sentAt = performance.now();
        // An answer or an ICMP error the kernel received in time is read before the silence is declared
        // (late-timeout.ts): a probe too busy to look would otherwise call an answering port silent.
        cancel = afterPendingIo(timeoutMs, () =>
          finish({
            outcome: 'udp-silent',
            errorCode: 'DP_UDP_SILENT',
            detail: `no answer and no ICMP error within ${timeoutMs} ms`,
          }),
        );
      });
    });
  });
}
