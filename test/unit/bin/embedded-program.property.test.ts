import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { embedProgram, programSource, readEmbeddedProgram } from '../../../mock-concur/src/bin/embedded-program.js';

// The bin carries the mock's program in a comment (mock-concur/src/bin/): whatever the program's
// text, the file stays ASCII, the comment cannot end early, and reading gives back exactly it.
describe('the program embedded in the bin', () => {
  const entry = '#!/usr/bin/env node\nconsole.log("entry");\n';
  // Text full of the escapes' own characters, comment ends, non-ASCII and surrogates.
  const programText = fc.array(fc.oneof(fc.constantFrom('~', '~u', '*/', '*', '/', '\n', '\t', 'é', '€', '\u{1F600}', '\uD800', '\u0000'), fc.string()), { maxLength: 60 }).map((parts) => parts.join(''));

  it('gives back any program exactly, in an ASCII file a comment of which holds it', () => {
    fc.assert(
      fc.property(programText, (program) => {
        const file = entry + embedProgram(program, 'k3y-1');
        expect(/[^\t\n\r -~]/.test(file)).toBe(false);
        // Nothing after the entry's code can run: the file parses as the entry alone plus one comment.
        expect(file.slice(entry.length).indexOf('*/')).toBe(file.length - entry.length - 3);
        const read = readEmbeddedProgram(file);
        expect(read?.source).toBe(programSource(program));
        expect(read?.key).toBe('k3y-1');
        // Stack traces name the file's own lines: the program starts on the line after the comment's header.
        const header = file.indexOf('/* mock-concur program');
        expect(read?.lineOffset).toBe(file.slice(0, file.indexOf('\n', header) + 1).split('\n').length - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('finds none in a file that carries none, and refuses a key that could break the header', () => {
    expect(readEmbeddedProgram(entry)).toBeNull();
    expect(() => embedProgram('x', 'a key')).toThrow();
  });
});
