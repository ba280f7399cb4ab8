import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** How often the holder touches the lock, and when a lock from another host counts as abandoned. */
const HEARTBEAT_MS = 2_000;
const ABANDONED_AFTER_MS = 10_000;
const heldHere = new Set<string>();

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/**
 * One mock per state dir: a second one would append to (and compact away) the first one's
 * log. The lock file names its holder; it is abandoned when that process is gone (same host:
 * asked directly, so a restart after kill -9 takes over at once) or, from another host (a
 * container sharing the volume), when its heartbeat has stopped for 10 s.
 */
export class DirLock {
  private readonly path: string;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly dir: string) {
    this.path = join(dir, 'lock');
    if (heldHere.has(dir)) throw new Error(`state dir ${dir} is already in use by another mock in this process`);
    this.acquire();
    heldHere.add(dir);
    this.heartbeat = setInterval(() => {
      try {
        const now = new Date();
        utimesSync(this.path, now, now);
      } catch {
        // The dir is gone or read-only: the next write reports it.
      }
    }, HEARTBEAT_MS).unref();
  }

  release(): void {
    clearInterval(this.heartbeat);
    heldHere.delete(this.dir);
    rmSync(this.path, { force: true });
  }

  private acquire(): void {
    const mine: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        writeFileSync(this.path, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = this.holder();
      if (holder && this.alive(holder)) {
        throw new Error(`state dir ${this.dir} is in use by process ${holder.pid} on ${holder.host} since ${holder.since}; stop it, or delete ${this.path} if it is gone`);
      }
      rmSync(this.path, { force: true });
    }
    throw new Error(`could not lock state dir ${this.dir}`);
  }

  private holder(): (Holder & { ageMs: number }) | undefined {
    try {
      const holder = JSON.parse(readFileSync(this.path, 'utf8')) as Holder;
      return { ...holder, ageMs: Date.now() - statSync(this.path).mtimeMs };
    } catch {
      return undefined; // unreadable or half-written: abandoned
    }
  }

  private alive(holder: Holder & { ageMs: number }): boolean {
    if (holder.host !== hostname()) return holder.ageMs < ABANDONED_AFTER_MS;
    // Our own pid on our host is an earlier life of this process (a container restarted as PID 1).
    if (holder.pid === process.pid) return false;
    try {
      process.kill(holder.pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}
