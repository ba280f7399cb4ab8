import { closeSync, fdatasyncSync, fsyncSync, openSync, readdirSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The files of a state dir. Generation G is `snapshot-G.ndjson` (the whole state at one
 * instant, written to a temporary name and renamed into place once it is on disk) plus
 * `changes-G.ndjson` (every change after it, appended). The highest generation with a
 * complete snapshot is the state; older files are deleted once a newer snapshot is durable.
 */
export const snapshotName = (generation: number) => `snapshot-${String(generation).padStart(8, '0')}.ndjson`;
export const changesName = (generation: number) => `changes-${String(generation).padStart(8, '0')}.ndjson`;

const GENERATION_FILE = /^(snapshot|changes)-(\d{8})\.ndjson$/;

export interface StateDirListing {
  /** Generations that have a snapshot file, newest first. */
  snapshots: number[];
  /** Every file this module owns (including leftovers), for cleaning up. */
  owned: string[];
}

export function listStateDir(dir: string): StateDirListing {
  const snapshots: number[] = [];
  const owned: string[] = [];
  for (const name of readdirSync(dir)) {
    const match = GENERATION_FILE.exec(name);
    if (match) {
      owned.push(name);
      if (match[1] === 'snapshot') snapshots.push(Number(match[2]));
    } else if (/^snapshot-\d{8}\.ndjson\.tmp$/.test(name)) {
      owned.push(name);
    }
  }
  return { snapshots: snapshots.sort((a, b) => b - a), owned };
}

/** Makes a rename or a new file in `dir` durable (the entry lives in the directory). */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `lines` to a new file and forces it to disk before returning. */
export function writeFileDurablySync(path: string, lines: readonly string[]): number {
  const fd = openSync(path, 'w', 0o600);
  let bytes = 0;
  try {
    for (const line of lines) bytes += writeSync(fd, line);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

export async function writeFileDurably(path: string, lines: readonly string[]): Promise<number> {
  const handle = await open(path, 'w', 0o600);
  let bytes = 0;
  try {
    // A few hundred KiB per write: big enough to be cheap, small enough to keep memory flat.
    for (let i = 0; i < lines.length; ) {
      let batch = '';
      while (i < lines.length && batch.length < 256 * 1024) batch += lines[i++];
      const buffer = Buffer.from(batch, 'utf8');
      await handle.writeFile(buffer);
      bytes += buffer.length;
    }
    await handle.datasync();
  } finally {
    await handle.close();
  }
  return bytes;
}
