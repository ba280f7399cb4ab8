import { crc32 } from 'node:zlib';

/**
 * One record per line: compact JSON, a tab, its CRC-32 in hex. JSON.stringify escapes every
 * control character inside strings, so a tab or newline can only be framing. A line whose
 * checksum does not match (a write torn by a crash, a flipped bit) is detected, never parsed.
 */
export function frame(payload: unknown): string {
  const json = JSON.stringify(payload);
  return `${json}\t${crc32(json).toString(16).padStart(8, '0')}\n`;
}

/** The payload of one line (without its newline), or undefined if the line is damaged. */
export function unframe(line: string): unknown {
  const tab = line.length - 9;
  if (tab < 1 || line[tab] !== '\t') return undefined;
  const json = line.slice(0, tab);
  if (crc32(json).toString(16).padStart(8, '0') !== line.slice(tab + 1)) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}
