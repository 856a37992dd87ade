import t from 'tap';
import { demuxDockerStream } from '../../src/docker/demux-stream.js';

const frame = (type: number, text: string) => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

t.test('splits stdout and stderr frames', async (t) => {
  const out = demuxDockerStream(Buffer.concat([frame(1, '{"a":1}\n'), frame(2, 'warn\n'), frame(1, '{"b":2}\n')]));
  t.same(out, { stdout: '{"a":1}\n{"b":2}\n', stderr: 'warn\n' });
});

t.test('raw (TTY) output passes through as stdout', async (t) => {
  t.same(demuxDockerStream(Buffer.from('plain text\n')), { stdout: 'plain text\n', stderr: '' });
});
