import t from 'tap';
import { encodeDnsQuery, parseDnsAnswer } from '../../probes/agent/checks/dns-message.js';

/** An answer to `query` as a server writes it: the header flags given, the question echoed, `answers` records. */
function answerTo(query: Buffer, flags = 0x8180, answers = 1): Buffer {
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(answers, 6);
  const record = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
  return Buffer.concat([header, query.subarray(12), ...Array.from({ length: answers }, () => record)]);
}

t.test('a query: one question for the A records of the name, recursion desired, under its id', async (t) => {
  const query = encodeDnsQuery(0x1234, 'redis.internal.');
  t.equal(query.name, 'redis.internal', 'the final dot is not part of the name');
  t.same(
    [...query.bytes],
    [
      0x12,
      0x34,
      0x01,
      0x00,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      5,
      ...Buffer.from('redis'),
      8,
      ...Buffer.from('internal'),
      0,
      0,
      1,
      0,
      1,
    ],
  );
  t.same([...encodeDnsQuery(7, '.').bytes.subarray(12)], [0, 0, 1, 0, 1], 'the root is one empty label');
  t.same(encodeDnsQuery(7, '').bytes, encodeDnsQuery(7, '.').bytes);
});

t.test('a name DNS cannot carry is EBADNAME, before anything is sent', async (t) => {
  for (const name of ['a..b', `${'x'.repeat(64)}.example`, Array.from({ length: 130 }, () => 'ab').join('.')])
    t.throws(() => encodeDnsQuery(1, name), { code: 'EBADNAME' }, name.slice(0, 20));
});

t.test('the answer to the query parses, whatever its code; anything else says why it is not one', async (t) => {
  const query = encodeDnsQuery(0xbeef, 'Redis');
  t.same(parseDnsAnswer(answerTo(query.bytes), query), { rcode: 0, rcodeName: 'NOERROR', answers: 1 });
  t.same(parseDnsAnswer(answerTo(query.bytes, 0x8183, 0), query), { rcode: 3, rcodeName: 'NXDOMAIN', answers: 0 });
  t.same(parseDnsAnswer(answerTo(query.bytes, 0x8185, 0), query), { rcode: 5, rcodeName: 'REFUSED', answers: 0 });
  const upper = encodeDnsQuery(0xbeef, 'REDIS');
  t.match(parseDnsAnswer(answerTo(upper.bytes), query), { rcode: 0 }, 'names compare without case');
  // A FORMERR without its question, as some servers write it.
  const bare = Buffer.from(answerTo(query.bytes, 0x8181, 0).subarray(0, 12));
  bare.writeUInt16BE(0, 4);
  t.match(parseDnsAnswer(bare, query), { rcodeName: 'FORMERR' });
  // The question's name written as a pointer to where it is spelled out, after the question: followed.
  const pointed = Buffer.concat([
    answerTo(query.bytes, 0x8180, 0).subarray(0, 12),
    Buffer.from([0xc0, 18, 0, 1, 0, 1, 5, ...Buffer.from('redis'), 0]),
  ]);
  t.match(parseDnsAnswer(pointed, query), { rcode: 0 });

  t.match(parseDnsAnswer(Buffer.from('redis\n'), query), { not: /shorter than a DNS header/ });
  const other = answerTo(query.bytes);
  other.writeUInt16BE(0xbeee, 0);
  t.match(parseDnsAnswer(other, query), { not: /not the id/ });
  t.match(parseDnsAnswer(query.bytes, query), { not: /response bit/ }, 'the query itself, echoed back');
  t.match(parseDnsAnswer(answerTo(query.bytes, 0x8980), query), { not: /standard query/ });
  t.match(parseDnsAnswer(answerTo(encodeDnsQuery(0xbeef, 'postgres').bytes), query), { not: /another question/ });
  t.match(parseDnsAnswer(answerTo(query.bytes).subarray(0, 16), query), { not: /cut short/ });
  const looped = Buffer.concat([answerTo(query.bytes).subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
  t.match(parseDnsAnswer(looped, query), { not: /cut short/ }, 'a pointer to itself ends, unread');
});
