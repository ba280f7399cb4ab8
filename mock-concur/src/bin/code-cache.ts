import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * V8's compiled code for the bin's program, kept from one start to the next: compiling the
 * program is about a third of a start, and Node 20 has no compile cache of its own
 * (`module.enableCompileCache` is Node 22.1+, and only for modules it loads itself).
 *
 * One file per program text (the key, a digest made at build time), Node version and CPU,
 * in a directory of the user's own under the temp dir; V8 also refuses data made by another
 * V8 or under other flags. Cached code is code that runs, so only a directory and a file that
 * belong to this user and that nobody else may write are read. NODE_DISABLE_COMPILE_CACHE
 * turns it off, as it does Node's own. Nothing here ever fails a start: a cache that cannot
 * be read or written is a start that compiles. Every build is a new program: the directory
 * keeps the few newest files only.
 */
const KEPT_FILES = 8;

export interface CodeCache {
  read(): Buffer | undefined;
  write(data: Buffer): void;
}

export function codeCache(key: string): CodeCache | null {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return null;
  // No uid (Windows): the temp dir is the user's own already.
  const uid = process.getuid?.();
  const dir = join(tmpdir(), uid === undefined ? 'mock-concur-code-cache' : `mock-concur-code-cache-${uid}`);
  const file = join(dir, `${key}-${process.version}-${process.arch}.v8`);
  const trusted = (stats: Stats) => uid === undefined || (stats.uid === uid && (stats.mode & 0o022) === 0);
  const trustedDir = () => {
    const stats = lstatSync(dir);
    return stats.isDirectory() && trusted(stats);
  };

  return {
    read() {
      try {
        if (!trustedDir()) return undefined;
        const fd = openSync(file, 'r');
        try {
          const stats = fstatSync(fd);
          return stats.isFile() && trusted(stats) ? readFileSync(fd) : undefined;
        } finally {
          closeSync(fd);
        }
      } catch {
        return undefined;
      }
    },
    write(data) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        if (!trustedDir()) return;
        // Whole or not at all: starts running side by side may write the same file.
        const partial = `${file}.${process.pid}`;
        writeFileSync(partial, data, { mode: 0o600 });
        renameSync(partial, file);
        const byAge = readdirSync(dir)
          .map((name) => ({ path: join(dir, name), mtimeMs: statSync(join(dir, name)).mtimeMs }))
          .sort((a, b) => b.mtimeMs - a.mtimeMs);
        for (const old of byAge.slice(KEPT_FILES)) rmSync(old.path, { force: true });
      } catch {
        // Read-only or full temp dir: the next start compiles, as this one did.
      }
    },
  };
}
