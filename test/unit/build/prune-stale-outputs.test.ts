import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneStaleOutputs } from '../../../scripts/prune-stale-outputs.mjs';

describe('the build removes what deleted sources compiled to', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const files = (root: string, paths: string[]) => {
    for (const path of paths) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), '');
    }
  };

  it('deletes dist files with no source, keeps the rest and esbuild’s bundle, and drops emptied folders', () => {
    dir = mkdtempSync(join(tmpdir(), 'prune-'));
    files(dir, ['src/index.ts', 'src/domain/kept.ts']);
    const kept = ['dist/index.js', 'dist/index.js.map', 'dist/index.d.ts', 'dist/index.d.ts.map', 'dist/domain/kept.js', 'dist/bundle/mock-concur.js'];
    const stale = ['dist/renamed.js', 'dist/renamed.js.map', 'dist/renamed.d.ts', 'dist/renamed.d.ts.map', 'dist/domain/gone.js', 'dist/old-folder/page.js', 'dist/old-folder/deeper/view.d.ts'];
    files(dir, [...kept, ...stale]);

    const removed = pruneStaleOutputs(dir).map((path) => path.slice(dir!.length + 1)).sort();

    expect(removed).toEqual([...stale].sort());
    for (const path of kept) expect(existsSync(join(dir, path)), path).toBe(true);
    expect(existsSync(join(dir, 'dist/old-folder'))).toBe(false);
    expect(pruneStaleOutputs(dir)).toEqual([]);
  });

  it('leaves a package without dist/ alone', () => {
    dir = mkdtempSync(join(tmpdir(), 'prune-'));
    files(dir, ['src/index.ts']);
    expect(pruneStaleOutputs(dir)).toEqual([]);
  });
});
