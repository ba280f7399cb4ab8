import { closeSync, fdatasync, ftruncateSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Clock } from '../domain/clock.js';
import type { QueueMode } from '../domain/connection-requests.js';
import type { World } from '../domain/world.js';
import { DirLock } from './dir-lock.js';
import { DirtySet } from './dirty-set.js';
import {
  decodeApp,
  decodeConnectionRequest,
  decodeUser,
  ENTITY_KINDS,
  type Change,
  type ClockState,
  type EntityKind,
  type StoredAccessToken,
  type StoredApp,
  type StoredConnectionRequest,
  type StoredRefreshToken,
  type StoredRequestToken,
  type StoredUser,
} from './entity-codec.js';
import { readFramedFile } from './framed-file-reader.js';
import { isChangeList } from './stored-shape.js';
import { frame } from './framing.js';
import { snapshotLines } from './snapshot.js';
import { changesName, fsyncDir, listStateDir, snapshotName, writeFileDurably, writeFileDurablySync } from './state-files.js';
import { SyncPipeline, type SyncMark } from './sync-pipeline.js';

const fdatasyncAsync = promisify(fdatasync);

export const STATE_FORMAT = 'mock-concur-state';
export const STATE_VERSION = 1;
/** Lines of a change batch hold at most this many records (a batch of a million stays writable). */
const CHANGES_PER_LINE = 500;
/** A batch is written this much at a time, the event loop let go in between. */
const WRITE_CHUNK_CHARS = 4 * 1024 * 1024;

export interface StateStoreSettings {
  /** The queue mode is part of the state's meaning: a dir written in one mode refuses the other. */
  queueMode: QueueMode;
  /** Start a new snapshot once the change log is this large and larger than the snapshot. */
  compactAfterBytes?: number;
  /** Where to say that a damaged file was set aside; stderr by default. */
  warn?: (message: string) => void;
}

/** What opening the dir found, for the startup banner and tests. */
export interface StateDirSummary {
  readonly dir: string;
  /** The generation loaded, or null for an empty dir (the demo data is seeded). */
  readonly loadedGeneration: number | null;
  readonly entities: number;
  /** Committed change batches replayed on top of the snapshot. */
  readonly batchesReplayed: number;
  /** A torn last batch (a crash mid-write) that was dropped, or a damaged log set aside. */
  readonly repaired: 'torn-tail' | 'corrupt-log' | null;
}

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

type Entities = Map<EntityKind, Map<string, unknown>>;

/** A batch written to the log whose fdatasync has not succeeded yet: written again after a failure. */
interface UnsyncedBatch {
  count: number;
  changes: Change[];
}

/**
 * `--state-dir`: every change the domain reports is appended to a log and forced to disk
 * (fdatasync) before any response that could show it is sent. The changes of one event-loop
 * turn are written as one batch, at once (a write to the page cache is cheap); the fdatasyncs
 * run behind the writes (`SyncPipeline`), each covering every batch written before it
 * started, so concurrent requests share them. The log is folded into a new snapshot at start, after a
 * reset, and whenever it outgrows the snapshot.
 */
export class StateStore {
  readonly recorder: DirtySet;
  private readonly dir: string;
  private readonly compactAfterBytes: number;
  private readonly warn: (message: string) => void;
  private readonly queueMode: QueueMode;
  private generation = 0;
  private loaded: Entities | null;
  private logFd = -1;
  private logBytes = 0;
  /** The log's length that the last good fdatasync covered: after a failure the log is cut back to it. */
  private syncedBytes = 0;
  /** Batches written since then, in order; after a failure their changes are written again, with the next. */
  private unsynced: UnsyncedBatch[] = [];
  /** A write or fdatasync failed: the next batch first cuts the log back to `syncedBytes`. */
  private cutBack = false;
  private snapshotBytes = 0;
  /** The change count written to the log (or a snapshot), and the one on disk. */
  private writtenCount = 0;
  private durableCount = 0;
  private readonly syncs: SyncPipeline;
  private waiters: Waiter[] = [];
  private running: Promise<void> | null = null;
  private scheduled = false;
  private rewriteAll = false;
  private failure: Error | null = null;
  private retrying: Promise<void> | null = null;
  private world: () => World = () => {
    throw new Error('state store not started');
  };
  private clock: Clock | null = null;
  private summaryValue: StateDirSummary;
  private readonly lock: DirLock;

  private constructor(dir: string, settings: StateStoreSettings) {
    this.dir = resolve(dir);
    this.compactAfterBytes = settings.compactAfterBytes ?? 16 * 1024 * 1024;
    this.warn = settings.warn ?? ((message) => console.error(`mock-concur: ${message}`));
    this.queueMode = settings.queueMode;
    this.recorder = new DirtySet(() => this.schedule());
    this.syncs = new SyncPipeline(
      () => fdatasyncAsync(this.logFd),
      (mark) => this.synced(mark),
      (error) => this.fail(error),
    );
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.lock = new DirLock(this.dir);
    try {
      const { entities, summary } = this.load();
      this.loaded = entities;
      this.summaryValue = summary;
    } catch (error) {
      this.lock.release();
      throw error;
    }
  }

  /** Opens (creating if needed) and reads the state dir. Throws, naming the file, if it cannot be used. */
  static open(dir: string, settings: StateStoreSettings): StateStore {
    return new StateStore(dir, settings);
  }

  get summary(): StateDirSummary {
    return this.summaryValue;
  }

  /** Sets a clock to the time the saved state had reached (system: its offset; manual: its time). */
  restoreClock(clock: Clock): void {
    const saved = this.loaded?.get('clock')?.get('clock') as ClockState | undefined;
    if (!saved) return;
    if (clock.mode === 'system') {
      if (saved.offsetMs > clock.offsetMs()) clock.advance(saved.offsetMs - clock.offsetMs());
    } else if (saved.nowMs > clock.now()) {
      clock.advance(saved.nowMs - clock.now());
    }
  }

  /** Fills an empty world with the saved state; null when the dir held none (seed it instead). */
  restoreWorld(world: World): World | null {
    const loaded = this.loaded;
    if (!loaded || this.summaryValue.loadedGeneration === null) return null;
    const each = <T>(kind: EntityKind, apply: (key: string, value: T) => void) => {
      for (const [key, value] of loaded.get(kind) ?? []) apply(key, value as T);
    };
    each<StoredApp>('app', (_k, app) => world.directory.restoreApp(decodeApp(app)));
    each<StoredUser>('user', (_k, user) => world.directory.restoreUser(decodeUser(user)));
    each<StoredRequestToken>('requestToken', (d, record) => world.tokens.restoreRequestToken(d, record));
    each<StoredRefreshToken>('refreshToken', (d, record) => world.tokens.restoreRefreshToken(d, record));
    each<StoredAccessToken>('accessToken', (d, record) => world.tokens.restoreAccessToken(d, record));
    each<StoredConnectionRequest>('connectionRequest', (id, stored) => {
      const user = world.directory.user(stored.loginId);
      if (user) world.queue.restore(decodeConnectionRequest(stored, user));
      else this.warn(`state dir ${this.dir}: connection request ${id} names unknown user ${stored.loginId}; left out`);
    });
    return world;
  }

  /**
   * Begins persisting: writes the current state as a new generation (so the log starts empty
   * and the next start reads one snapshot) and removes older files. Synchronous: it runs once,
   * before the mock listens.
   */
  start(world: () => World, clock: Clock): void {
    this.world = world;
    this.clock = clock;
    this.loaded = null;
    const next = this.generation + 1;
    const lines = this.snapshot(next);
    this.recorder.clear();
    const logFd = openSync(join(this.dir, changesName(next)), 'a', 0o600);
    const tmp = join(this.dir, `${snapshotName(next)}.tmp`);
    this.snapshotBytes = writeFileDurablySync(tmp, lines);
    renameSync(tmp, join(this.dir, snapshotName(next)));
    fsyncDir(this.dir);
    this.switchTo(next, logFd);
    this.writtenCount = this.durableCount = this.recorder.count;
  }

  /** After a reset the world is new: the next write is a whole snapshot, not a batch of changes. */
  rewrite(): void {
    this.rewriteAll = true;
    this.recorder.clear();
    this.recorder.touch();
  }

  /** Records a clock change (the clock is not part of the world). */
  clockChanged(): void {
    const clock = this.clock;
    if (clock) this.recorder.clock(() => ({ offsetMs: clock.offsetMs(), nowMs: clock.now() }));
  }

  /**
   * Undefined when everything changed so far is on disk; otherwise a promise that resolves
   * once it is (or rejects if it cannot be written). A response waits for it before it leaves.
   */
  whenDurable(): Promise<void> | undefined {
    // After a failed write every answer tries the disk again (one attempt at a time): once
    // space is free the mock acknowledges writes again, with no restart.
    if (this.failure) return this.retry();
    const target = this.recorder.count;
    if (target <= this.durableCount) return undefined;
    return new Promise((resolve, reject) => this.waiters.push({ target, resolve, reject }));
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  private retry(): Promise<void> {
    this.retrying ??= (async () => {
      const failure = this.failure;
      // Syncs under way with the failed one end before the log is cut back.
      await this.syncs.settled();
      this.failure = null;
      await this.flush();
      if (this.failure) throw this.failure;
      await this.whenDurable();
      if (failure) this.warn(`state dir ${this.dir}: writing works again; every change since the failure is saved`);
    })().finally(() => {
      this.retrying = null;
    });
    return this.retrying;
  }

  /** Writes what is pending and closes the log. */
  async close(): Promise<void> {
    await this.running;
    if (this.recorder.count > this.writtenCount && !this.failure) await this.flush();
    await this.syncs.settled();
    if (this.logFd >= 0) closeSync(this.logFd);
    this.logFd = -1;
    this.lock.release();
  }

  private schedule(): void {
    if (this.running || this.scheduled || this.logFd < 0) return;
    this.scheduled = true;
    // After the current tick: every change the running handler makes joins one batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    this.running ??= this.flushLoop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Writes what changed; the syncs that make it durable run on behind it. */
  private async flushLoop(): Promise<void> {
    try {
      while (this.recorder.count > this.writtenCount && !this.failure && this.logFd >= 0) {
        if (this.rewriteAll || (this.logBytes > this.compactAfterBytes && this.logBytes > this.snapshotBytes)) {
          // The switch closes the old log: its syncs end first (what they cover, the snapshot holds too).
          await this.syncs.settled();
          if (this.failure) return;
          const count = await this.compact();
          this.writtenCount = count;
          this.markDurable(count);
        } else {
          // Read the count and the changes in the same tick: the batch holds at least everything counted.
          const count = this.recorder.count;
          await this.appendBatch(this.recorder.drain(), count);
          // A sync failed while a big batch was written: that batch is written again on retry.
          if (this.failure) return;
          this.writtenCount = count;
          this.syncs.request({ count, bytes: this.logBytes });
        }
      }
    } catch (error) {
      this.fail(error as Error);
    }
  }

  /** Nothing counts as saved any more; every waiting answer is a 503 and the next one tries again. */
  private fail(error: Error): void {
    if (this.failure) return;
    this.cutBack = true;
    // What was written since the last good sync counts as unwritten: the next flush writes it again.
    this.writtenCount = this.durableCount;
    this.failure = new Error(`could not save state to ${this.dir}: ${error.message}`);
    this.warn(this.failure.message);
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
  }

  private synced(mark: SyncMark): void {
    this.syncedBytes = mark.bytes;
    while (this.unsynced.length > 0 && this.unsynced[0]!.count <= mark.count) this.unsynced.shift();
    this.markDurable(mark.count);
  }

  private markDurable(count: number): void {
    if (count > this.durableCount) this.durableCount = count;
    while (this.waiters.length > 0 && this.waiters[0]!.target <= this.durableCount) this.waiters.shift()!.resolve();
  }

  /**
   * Appends one batch. After a failure the log may end in part of a batch, or in batches no
   * sync vouched for: it is cut back to what the last good sync covered, and every change
   * written since (kept, never dropped) is written again with the new ones, as one batch.
   */
  private async appendBatch(changes: Change[], count: number): Promise<void> {
    if (this.cutBack) {
      ftruncateSync(this.logFd, this.syncedBytes);
      this.logBytes = this.syncedBytes;
      this.unsynced = [{ count, changes: [...this.unsynced.flatMap((batch) => batch.changes), ...changes] }];
      this.cutBack = false;
    } else {
      this.unsynced.push({ count, changes });
    }
    await this.append(this.unsynced.at(-1)!.changes);
  }

  /**
   * One batch: lines of changes, the last one marked as the commit. A batch without its commit
   * line is ignored on load. Written synchronously (the page cache takes it at once; the
   * fdatasync is what takes time), a few MiB at a time with the event loop let go in between,
   * so a batch of a million records neither fills memory with one string nor stalls the mock.
   */
  private async append(changes: Change[]): Promise<void> {
    if (changes.length === 0) return;
    let text = '';
    const writeText = () => {
      const buffer = Buffer.from(text, 'utf8');
      text = '';
      // A failed write leaves part of the batch: the cut back after the failure removes it.
      for (let offset = 0; offset < buffer.length; ) {
        const written = writeSync(this.logFd, buffer, offset, buffer.length - offset);
        offset += written;
        this.logBytes += written;
      }
    };
    for (let i = 0; i < changes.length; i += CHANGES_PER_LINE) {
      const last = i + CHANGES_PER_LINE >= changes.length;
      text += frame(last ? { c: changes.slice(i, i + CHANGES_PER_LINE), commit: true } : { c: changes.slice(i, i + CHANGES_PER_LINE) });
      if (text.length > WRITE_CHUNK_CHARS) {
        writeText();
        await nextTurn();
      }
    }
    writeText();
  }

  /** A new generation: the whole state at this instant, then an empty log. Answers the change count it holds. */
  private async compact(): Promise<number> {
    const next = this.generation + 1;
    // Taken synchronously, before the first await: one consistent instant.
    const count = this.recorder.count;
    const lines = this.snapshot(next);
    this.recorder.clear();
    this.rewriteAll = false;
    const tmp = join(this.dir, `${snapshotName(next)}.tmp`);
    let logFd = -1;
    try {
      logFd = openSync(join(this.dir, changesName(next)), 'a', 0o600);
      this.snapshotBytes = await writeFileDurably(tmp, lines);
      renameSync(tmp, join(this.dir, snapshotName(next)));
      fsyncDir(this.dir);
    } catch (error) {
      // Nothing of the new generation counts: the next attempt writes the whole state again.
      if (logFd >= 0) closeSync(logFd);
      rmSync(tmp, { force: true });
      rmSync(join(this.dir, changesName(next)), { force: true });
      this.rewriteAll = true;
      throw error;
    }
    this.switchTo(next, logFd);
    return count;
  }

  private snapshot(generation: number): string[] {
    const clock = this.clock;
    const clockState = clock ? { offsetMs: clock.offsetMs(), nowMs: clock.now() } : null;
    return snapshotLines(this.world(), clockState, { format: STATE_FORMAT, version: STATE_VERSION, generation, queueMode: this.queueMode });
  }

  /** Uses the new generation's log and deletes every older file. */
  private switchTo(generation: number, logFd: number): void {
    if (this.logFd >= 0) closeSync(this.logFd);
    this.logFd = logFd;
    this.logBytes = 0;
    this.syncedBytes = 0;
    this.unsynced = [];
    this.cutBack = false;
    this.generation = generation;
    for (const name of listStateDir(this.dir).owned) {
      if (name !== snapshotName(generation) && name !== changesName(generation)) rmSync(join(this.dir, name), { force: true });
    }
  }

  private load(): { entities: Entities; summary: StateDirSummary } {
    const entities: Entities = new Map(ENTITY_KINDS.map((kind) => [kind, new Map<string, unknown>()]));
    const listing = listStateDir(this.dir);
    const empty = { entities, summary: { dir: this.dir, loadedGeneration: null, entities: 0, batchesReplayed: 0, repaired: null } };
    if (listing.snapshots.length === 0) return empty;
    for (const generation of listing.snapshots) {
      const fresh: Entities = new Map(ENTITY_KINDS.map((kind) => [kind, new Map<string, unknown>()]));
      const problem = this.readSnapshot(generation, fresh);
      if (problem) {
        this.warn(`state dir ${this.dir}: ${snapshotName(generation)} is unusable (${problem}); trying an older one`);
        continue;
      }
      const { batches, repaired } = this.replayChanges(generation, fresh);
      this.generation = generation;
      let count = 0;
      for (const map of fresh.values()) count += map.size;
      return { entities: fresh, summary: { dir: this.dir, loadedGeneration: generation, entities: count, batchesReplayed: batches, repaired } };
    }
    // Snapshots exist but none is whole: only a damaged disk does that. Refuse rather than
    // silently start from the demo data over someone's state.
    throw new Error(`state dir ${this.dir} holds no complete snapshot (${listing.snapshots.map(snapshotName).join(', ')}); move them away to start from the demo data`);
  }

  /** Reads one snapshot into `into`; answers what is wrong with it, or null. */
  private readSnapshot(generation: number, into: Entities): string | null {
    let header: Record<string, unknown> | null = null;
    let ended = false;
    let count = 0;
    let problem: string | null = null;
    const end = readFramedFile(join(this.dir, snapshotName(generation)), ({ payload, start }) => {
      if (problem || ended) return;
      const record = payload as Record<string, unknown>;
      if (!header) {
        header = record;
        if (record.format !== STATE_FORMAT) problem = 'not a mock-concur state file';
        else if (record.version !== STATE_VERSION) problem = `format version ${String(record.version)}, this mock reads ${STATE_VERSION}`;
        else if (record.queueMode !== this.queueMode) {
          throw new Error(`state dir ${this.dir} was written with --queue-mode ${String(record.queueMode)}; start with that mode or another state dir`);
        }
        return;
      }
      if (record.end === true) {
        ended = record.entities === count;
        if (!ended) problem = `it says ${String(record.entities)} records but holds ${count}`;
        return;
      }
      if (!isChangeList(record.c)) {
        problem = `a record at byte ${start} is not a state record`;
        return false;
      }
      count += applyChanges(into, record.c);
    });
    if (problem) return problem;
    if (end.state !== 'clean') return `damaged at byte ${end.goodBytes}`;
    if (!ended) return 'it ends before its last record';
    return null;
  }

  /** Replays committed batches; a batch cut short by a crash is dropped, a damaged log set aside. */
  private replayChanges(generation: number, into: Entities): { batches: number; repaired: StateDirSummary['repaired'] } {
    const path = join(this.dir, changesName(generation));
    let batches = 0;
    let pending: unknown[] = [];
    let end;
    try {
      end = readFramedFile(path, ({ payload }) => {
        const record = payload as { c?: unknown; commit?: unknown };
        // A whole line around nonsense is damage like a bad checksum: set aside below.
        if (!isChangeList(record.c)) return false;
        pending.push(record.c);
        if (record.commit === true) {
          for (const changes of pending) applyChanges(into, changes);
          pending = [];
          batches++;
        }
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { batches: 0, repaired: null };
      throw error;
    }
    if (end.state === 'corrupt') {
      const aside = `${path}.corrupt-${Date.now()}`;
      renameSync(path, aside);
      this.warn(`state dir ${this.dir}: ${changesName(generation)} is damaged at byte ${end.goodBytes}; loaded the changes before it, kept the file as ${aside}`);
      return { batches, repaired: 'corrupt-log' };
    }
    return { batches, repaired: end.state === 'torn' || pending.length > 0 ? 'torn-tail' : null };
  }
}

/** Applies a line's changes (upserts, and removals as null); answers how many. */
function applyChanges(into: Entities, changes: unknown): number {
  if (!Array.isArray(changes)) return 0;
  for (const change of changes as Change[]) {
    const map = into.get(change[0])!;
    if (change[2] === null) map.delete(change[1]);
    else map.set(change[1], change[2]);
  }
  return changes.length;
}
