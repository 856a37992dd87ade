import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { readName } from './checks/dns-message.js';
import { DNS_STUB_ADDRESS } from './protocol.js';

const RCODE_SERVFAIL = 2;

/**
 * The SERVFAIL answer to a DNS query, and the name it asked (lower case, no final dot); undefined for bytes that are
 * no standard query with one question (answered with nothing). SERVFAIL, because every engine relays it as it is
 * (20.10 relays REFUSED as REFUSED where 28 turns it into SERVFAIL), and it is what engines 26+ answer themselves
 * when the upstream does not: the asker sees the same on every engine. It claims nothing about the name.
 */
export function servfailAnswer(query: Buffer): { answer: Buffer; name: string } | undefined {
  if (query.length < 12) return undefined;
  const flags = query.readUInt16BE(2);
  if ((flags & 0x8000) !== 0 || ((flags >> 11) & 0x0f) !== 0 || query.readUInt16BE(4) !== 1) return undefined;
  const asked = readName(query, 12);
  if (asked === undefined || asked.end + 4 > query.length) return undefined;
  const answer = Buffer.from(query.subarray(0, asked.end + 4));
  answer.writeUInt16BE(0x8000 | (flags & 0x0100) | 0x0080 | RCODE_SERVFAIL, 2); // QR, RD echoed, RA, SERVFAIL
  answer.writeUInt16BE(1, 4);
  answer.writeUInt16BE(0, 6);
  answer.writeUInt16BE(0, 8);
  answer.writeUInt16BE(0, 10);
  return { answer, name: normalName(asked.name) };
}

function normalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * A DNS server on the probe's own loopback, port 53, where its embedded DNS forwards every name it holds no record of
 * (its upstream is this address: ISOLATED_DNS_UPSTREAM). It answers every query at once with SERVFAIL and forwards
 * nothing anywhere, so engine 20.10, which lets a forward to a silent upstream time out (1 s), relays an answer at once
 * as engines 26+ do; and it remembers when each name came, as proof that the engine forwarded it. A name the network
 * holds never comes here: the embedded DNS answers it itself.
 */
export class DnsStub {
  readonly #socket: Socket;
  /** When each name was last asked (performance.now()). */
  readonly #asked = new Map<string, number>();

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (message, from) => {
      const servfail = servfailAnswer(message);
      if (!servfail) return;
      this.#asked.set(servfail.name, performance.now());
      socket.send(servfail.answer, from.port, from.address);
    });
    // A send that fails loses one answer: the asker's own timeout covers it, as it did with nothing listening.
    socket.on('error', () => undefined);
    socket.unref();
  }

  /**
   * Listens on `address`:`port` (UDP). Undefined when it cannot (the port is taken, or below the namespace's
   * net.ipv4.ip_unprivileged_port_start for a probe that is not root): lookups then go on as they would without it.
   */
  static async listen(address = DNS_STUB_ADDRESS, port = 53): Promise<DnsStub | undefined> {
    const socket = createSocket('udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      return new DnsStub(socket);
    } catch {
      try {
        socket.close();
      } catch {
        // never bound: nothing to close
      }
      return undefined;
    }
  }

  /** Whether `name` was forwarded here at or after `since` (performance.now()). */
  askedSince(name: string, since: number): boolean {
    const at = this.#asked.get(normalName(name));
    return at !== undefined && at >= since;
  }

  /** The port it listens on. */
  get port(): number {
    return this.#socket.address().port;
  }

  close(): void {
    this.#socket.close();
  }
}
