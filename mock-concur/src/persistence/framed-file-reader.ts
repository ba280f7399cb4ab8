import { closeSync, openSync, readSync } from 'node:fs';
import { unframe } from './framing.js';

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

export interface FramedLine {
  payload: unknown;
  /** Byte offset just past this line's newline. */
  end: number;
}

export interface FramedFileEnd {
  /**
   * `clean`: every byte was a good line. `torn`: good lines, then bytes with no good line
   * after them (a write cut short by a crash). `corrupt`: a damaged line with good lines after it.
   */
  state: 'clean' | 'torn' | 'corrupt';
  /** Offset just past the last good line before the first damaged one. */
  goodBytes: number;
}

/**
 * Reads a framed file line by line without holding it whole in memory (a state of a million
 * requests does not fit in one string), calling `onLine` for each good line up to the first
 * damaged one. Synchronous: it runs once, while the mock starts.
 */
export function readFramedFile(path: string, onLine: (line: FramedLine) => void): FramedFileEnd {
  const fd = openSync(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    let carryStart = 0;
    let damagedAt = -1;
    let goodAfterDamage = false;
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      let buffer = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let lineStart = 0;
      for (let nl = buffer.indexOf(NEWLINE); nl !== -1; nl = buffer.indexOf(NEWLINE, lineStart)) {
        const payload = unframe(buffer.toString('utf8', lineStart, nl));
        const end = carryStart + nl + 1;
        if (payload === undefined) {
          if (damagedAt === -1) damagedAt = carryStart + lineStart;
        } else if (damagedAt === -1) {
          onLine({ payload, end });
        } else {
          goodAfterDamage = true;
        }
        lineStart = nl + 1;
      }
      buffer = Buffer.from(buffer.subarray(lineStart));
      carryStart += lineStart;
      carry = buffer;
    }
    // Bytes after the last newline are a line whose write never finished.
    if (carry.length > 0 && damagedAt === -1) damagedAt = carryStart;
    if (damagedAt === -1) return { state: 'clean', goodBytes: carryStart };
    return { state: goodAfterDamage ? 'corrupt' : 'torn', goodBytes: damagedAt };
  } finally {
    closeSync(fd);
  }
}
