import { build, type Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_PROGRAM } from '../../../scripts/bundle-options.mjs';

const CLI = fileURLToPath(new URL('../../../mock-concur/src/cli.ts', import.meta.url));

/** Every input a start evaluates: reached from the entry by static imports only, not `import()`. */
function evaluatedAtStart(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.inputs[path]?.imports ?? []) if (imported.kind !== 'dynamic-import' && !imported.external) visit(imported.path);
  };
  visit(entry);
  return seen;
}

describe('the demo data at start (default-demo-people.ts)', () => {
  it('leaves faker out of what a start evaluates: it is reached only through import()', async () => {
    const result = await build({ ...NODE_PROGRAM, entryPoints: [CLI], write: false, metafile: true, outdir: 'unused', conditions: ['@mock-concur/source'] });
    const metafile = result.metafile!;
    const inputs = Object.keys(metafile.inputs);
    const entry = inputs.find((path) => path.endsWith('mock-concur/src/cli.ts'))!;
    const atStart = [...evaluatedAtStart(metafile, entry)];
    // The bundle holds faker (another seed loads it), so the check below can fail.
    expect(inputs.some((path) => path.includes('@faker-js/faker'))).toBe(true);
    expect(inputs.some((path) => path.endsWith('faker-demo-people.ts'))).toBe(true);
    expect(atStart.filter((path) => path.includes('@faker-js/faker') || path.endsWith('faker-demo-people.ts'))).toEqual([]);
    expect(atStart.some((path) => path.endsWith('default-demo-people.ts'))).toBe(true);
  });
});
