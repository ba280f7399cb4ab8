/**
 * How the bin bundle carries the mock's program: after its small entry (bundle-entry.ts), in
 * one trailing block comment, which Node skips when it loads the entry, so the program is
 * compiled once, by the entry, with a code cache (code-cache.ts). A comment is the cheapest
 * text for V8 to skip; a string literal of the same program costs several times more.
 *
 * The program is embedded as a function expression of CommonJS's five arguments and reads as
 * it is, line for line, with three escapes so that the comment cannot end early and the file
 * stays ASCII (V8 scans one-byte text fastest): `~` is written `~~`, a star followed by a
 * slash `*~/`, and any UTF-16 unit but printable ASCII, tab and line breaks `~u` and four hex
 * digits.
 */
const MARKER = '/* mock-concur program';
const END = '\n*/\n';
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) {', '\n})'] as const;

export interface EmbeddedProgram {
  /** `(function (exports, require, module, __filename, __dirname) {…})`, the program inside. */
  source: string;
  /** Names the program's exact text (written at build time): its compiled code is cached under it. */
  key: string;
  /** Lines before the program's first line in the file, so stack traces name the file's own lines. */
  lineOffset: number;
}

/** What readEmbeddedProgram gives back for `program`, a CommonJS module's text. */
export function programSource(program: string): string {
  return `${WRAPPER[0]}${program}${WRAPPER[1]}`;
}

/** The comment to append to the entry's bundle: `program` is a CommonJS module's text. */
export function embedProgram(program: string, key: string): string {
  if (!/^[0-9a-z-]+$/.test(key)) throw new Error(`a program key is letters, digits and dashes, got '${key}'`);
  const escaped = programSource(program)
    .replace(/~/g, '~~')
    .replace(/\*\//g, '*~/')
    .replace(/[^ -~\t\n\r]/g, (unit) => `~u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `\n${MARKER} ${key}\n${escaped}${END}`;
}

/** The program in `file` (the bundle's own text, read as latin1), or null when it carries none. */
export function readEmbeddedProgram(file: string): EmbeddedProgram | null {
  const start = file.indexOf(`\n${MARKER} `);
  if (start === -1 || !file.endsWith(END)) return null;
  const headerEnd = file.indexOf('\n', start + 1);
  let lineOffset = 0;
  for (let at = file.indexOf('\n'); at !== -1 && at <= headerEnd; at = file.indexOf('\n', at + 1)) lineOffset++;
  return { source: unescape(file.slice(headerEnd + 1, file.length - END.length)), key: file.slice(start + MARKER.length + 2, headerEnd), lineOffset };
}

/** Undoes embedProgram's escapes: split on `~`, then each piece says what the `~` before it was. */
function unescape(escaped: string): string {
  const pieces = escaped.split('~');
  let text = pieces[0]!;
  for (let i = 1; i < pieces.length; i++) {
    const piece = pieces[i]!;
    // `~~`: an empty piece; the next piece follows the `~` as it is.
    if (piece === '') text += `~${pieces[++i] ?? ''}`;
    else if (piece[0] === 'u') text += String.fromCharCode(parseInt(piece.slice(1, 5), 16)) + piece.slice(5);
    else text += piece;
  }
  return text;
}
