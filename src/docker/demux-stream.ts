/**
 * Splits Docker's multiplexed log format (8-byte header per frame: stream type, 3 zero bytes, big-endian length)
 * into stdout and stderr. A buffer that does not start with a valid header is taken as raw stdout (TTY containers).
 */
export function demuxDockerStream(buffer: Buffer): { stdout: string; stderr: string } {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    if (
      (type !== 0 && type !== 1 && type !== 2) ||
      buffer[offset + 1] !== 0 ||
      buffer[offset + 2] !== 0 ||
      buffer[offset + 3] !== 0
    ) {
      if (offset === 0) return { stdout: buffer.toString('utf8'), stderr: '' };
      break;
    }
    const length = buffer.readUInt32BE(offset + 4);
    const frame = buffer.subarray(offset + 8, offset + 8 + length);
    (type === 2 ? stderr : stdout).push(frame);
    offset += 8 + length;
  }
  return { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
}
