/** A mask `packMask` cannot hold (not four ASCII characters, `…`, three): kept as a string beside. */
export const ODD_MASK = -1;

const ELLIPSIS = '…';
const BASE = 128;

/**
 * A masked token (`mask()`: its first four characters, `…`, its last three) as one number: the
 * seven ASCII characters at 7 bits each (49 bits, exact in a double). A token row keeps 8 bytes
 * instead of a 9-character two-byte string.
 */
export function packMask(masked: string): number {
  if (masked.length !== 8 || masked[4] !== ELLIPSIS) return ODD_MASK;
  return pack(masked, 0, 5);
}

/** `packMask(mask(secret))` without building the string. */
export function packSecretMask(secret: string): number {
  if (secret.length <= 8) return ODD_MASK;
  return pack(secret, 0, secret.length - 3);
}

export function unpackMask(packed: number): string {
  const codes: number[] = [];
  for (let i = 0; i < 7; i++) {
    const code = packed % BASE;
    codes.push(code);
    packed = (packed - code) / BASE;
  }
  return String.fromCharCode(codes[0]!, codes[1]!, codes[2]!, codes[3]!) + ELLIPSIS + String.fromCharCode(codes[4]!, codes[5]!, codes[6]!);
}

/** Characters at..at+3 and tail..tail+2, or ODD_MASK if one is not ASCII. */
function pack(text: string, at: number, tail: number): number {
  let packed = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    const code = text.charCodeAt(i < 4 ? at + i : tail + i - 4);
    if (code >= BASE) return ODD_MASK;
    packed += code * scale;
    scale *= BASE;
  }
  return packed;
}

