import { closeSync, openSync, readSync } from 'node:fs';
import { unframe } from './framing.js';

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

export interface FramedLine {
  payload: unknown;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just past this line's newline. */
  end: number;
}

export interface FramedFileEnd {
  /**
   * `clean`: every byte was a good line. `torn`: good lines, then bytes without a newline (a
   * write cut short by a crash). `corrupt`: a whole line that is damaged (a bad checksum, or a
   * payload `onLine` refused), anywhere, even last; or a tail without a newline that holds zero
   * bytes (a zeroed block is damage, not a write cut short).
   */
  state: 'clean' | 'torn' | 'corrupt';
  /** Offset just past the last good line before the first damaged one. */
  goodBytes: number;
}

/**
 * Reads a framed file line by line without holding it whole in memory (a state of a million
 * requests does not fit in one string), calling `onLine` for each good line up to the first
 * damaged one. `onLine` answers `false` for a payload that is whole but makes no sense: that
 * line counts as damaged. Synchronous: it runs once, while the mock starts.
 */
export function readFramedFile(path: string, onLine: (line: FramedLine) => boolean | void): FramedFileEnd {
  const fd = openSync(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    let carryStart = 0;
    let damagedAt = -1;
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      let buffer = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let lineStart = 0;
      for (let nl = buffer.indexOf(NEWLINE); nl !== -1; nl = buffer.indexOf(NEWLINE, lineStart)) {
        if (damagedAt === -1) {
          const payload = unframe(buffer.toString('utf8', lineStart, nl));
          const start = carryStart + lineStart;
          if (payload === undefined || onLine({ payload, start, end: carryStart + nl + 1 }) === false) damagedAt = start;
        }
        lineStart = nl + 1;
      }
      buffer = Buffer.from(buffer.subarray(lineStart));
      carryStart += lineStart;
      carry = buffer;
    }
    if (damagedAt !== -1) return { state: 'corrupt', goodBytes: damagedAt };
    // Bytes after the last newline are a line whose write never finished, unless they hold
    // zero bytes: a crash cuts a write short, it does not write zeros.
    if (carry.length > 0) return { state: carry.includes(0) ? 'corrupt' : 'torn', goodBytes: carryStart };
    return { state: 'clean', goodBytes: carryStart };
  } finally {
    closeSync(fd);
  }
}
