// tsc -b writes each package's src/**/*.ts to dist/ but never deletes what a deleted or renamed
// source once produced: those files would stay importable and ship in `npm pack` from any
// working copy older than the change. This removes every compiled file of dist/ whose source
// is gone (dist/bundle/, esbuild's, is left alone) and the folders it empties.
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const COMPILED = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;

/** Deletes the stale outputs of one package (its `dist/` built from its `src/`); answers their paths. */
export function pruneStaleOutputs(packageDir) {
  const dist = join(packageDir, 'dist');
  const removed = [];
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path === join(dist, 'bundle')) continue;
        visit(path);
        if (readdirSync(path).length === 0) rmdirSync(path);
      } else if (COMPILED.test(entry.name)) {
        const source = join(packageDir, 'src', relative(dist, path).replace(COMPILED, '.ts'));
        if (!existsSync(source)) {
          rmSync(path);
          removed.push(path);
        }
      }
    }
  };
  if (existsSync(dist)) visit(dist);
  return removed;
}
