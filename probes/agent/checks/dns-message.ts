// The few bytes of DNS a udp check to a DNS port needs: one query out, and whether what came back is the answer to it.
// Written here rather than taken from a package (dns-packet): a header and one question, and the agent bundle stays
// free of dependencies it would carry for this alone.

/** A DNS query on the wire, and what its answer must echo. */
export interface DnsQuery {
  id: number;
  /** The name asked for, without its final dot; empty for the root. */
  name: string;
  bytes: Buffer;
}

/** A DNS answer's header, as far as a udp check reports it. */
export interface DnsAnswer {
  rcode: number;
  /** NOERROR, NXDOMAIN, SERVFAIL … (the number for one without a name here). */
  rcodeName: string;
  answers: number;
}

const TYPE_A = 1;
const CLASS_IN = 1;
const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/**
 * A query for the A records of `name` (`.` or empty: the root), recursion desired, with the id `id`. Throws an error
 * with code EBADNAME for a name DNS cannot carry (an empty or over-long label, a name over 255 bytes on the wire).
 */
export function encodeDnsQuery(id: number, name: string): DnsQuery {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  const labels = bare === '' ? [] : bare.split('.').map((label) => Buffer.from(label, 'utf8'));
  const wire = Buffer.concat([...labels.flatMap((label) => [Buffer.from([label.length]), label]), Buffer.from([0])]);
  if (labels.some((label) => label.length === 0 || label.length > 63) || wire.length > 255)
    throw Object.assign(new Error(`${JSON.stringify(name)} is not a valid DNS name`), { code: 'EBADNAME' });
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // a standard query, recursion desired
  header.writeUInt16BE(1, 4); // one question
  const question = Buffer.alloc(4);
  question.writeUInt16BE(TYPE_A, 0);
  question.writeUInt16BE(CLASS_IN, 2);
  return { id, name: bare, bytes: Buffer.concat([header, wire, question]) };
}

/**
 * The answer's header when `message` is the DNS answer to `query` (its id, the response bit, a standard query, and the
 * question echoed when there is one: a server may leave it out of an error); else why it is not, in words.
 */
export function parseDnsAnswer(message: Buffer, query: DnsQuery): DnsAnswer | { not: string } {
  if (message.length < 12) return { not: 'shorter than a DNS header' };
  if (message.readUInt16BE(0) !== query.id) return { not: 'not the id of the query sent' };
  const flags = message.readUInt16BE(2);
  if ((flags & 0x8000) === 0) return { not: 'not a DNS response (the response bit is clear)' };
  if (((flags >> 11) & 0x0f) !== 0) return { not: 'not the answer to a standard query' };
  const questions = message.readUInt16BE(4);
  if (questions > 1) return { not: `${questions} questions, where the query had one` };
  if (questions === 1) {
    const asked = readName(message, 12);
    if (asked === undefined || asked.end + 4 > message.length) return { not: 'its question is cut short' };
    const type = message.readUInt16BE(asked.end);
    const klass = message.readUInt16BE(asked.end + 2);
    if (asked.name.toLowerCase() !== query.name.toLowerCase() || type !== TYPE_A || klass !== CLASS_IN)
      return { not: `it answers another question (${asked.name || '.'} type ${type} class ${klass})` };
  }
  const rcode = flags & 0x0f;
  return { rcode, rcodeName: RCODE_NAMES[rcode] ?? String(rcode), answers: message.readUInt16BE(6) };
}

/** The name at `offset` (following compression pointers, at most a few), and where the bytes after it begin. */
export function readName(message: Buffer, offset: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let at = offset;
  let end: number | undefined;
  for (let jumps = 0; jumps < 16; ) {
    const length = message[at];
    if (length === undefined) return undefined;
    if (length === 0) return { name: labels.join('.'), end: end ?? at + 1 };
    if ((length & 0xc0) === 0xc0) {
      if (at + 1 >= message.length) return undefined;
      end ??= at + 2;
      at = ((length & 0x3f) << 8) | message[at + 1]!;
      jumps++;
      continue;
    }
    if (length > 63 || at + 1 + length > message.length) return undefined;
    labels.push(message.toString('utf8', at + 1, at + 1 + length));
    at += 1 + length;
  }
  return undefined;
}
