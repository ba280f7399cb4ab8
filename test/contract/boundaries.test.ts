import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACTS_DIR } from '../../contracts/fixtures/load-fixtures.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('contracts/ stays independent', () => {
  // The fixtures are the only truth the mock and the client share: the runner may reach the
  // mock over HTTP, never through its code, and nothing reads ../shared at run time.
  it('imports nothing from mock-concur/ or client/, and reads nothing from shared/', () => {
    const offenders = sourceFiles(CONTRACTS_DIR).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const imports = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
      const bad = imports.filter((spec) => /(^|\/)(mock-concur|client)\//.test(spec));
      if (/['"`][^'"`]*\.\.\/shared\b/.test(text)) bad.push('../shared');
      return bad.map((spec) => `${relative(CONTRACTS_DIR, file)} → ${spec}`);
    });
    expect(offenders).toEqual([]);
  });
});
