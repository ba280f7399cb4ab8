/** How far a log had been written when an fdatasync of it started: what its success makes durable. */
export interface SyncMark {
  /** The change count the written bytes hold. */
  readonly count: number;
  /** The log's length. */
  readonly bytes: number;
}

/**
 * The fdatasyncs of one append-only log, one at a time, behind the writes: an fdatasync makes
 * everything written before it started durable, so writes go on while it runs and the next
 * one starts the moment it ends, covering every batch written meanwhile (group commit). A
 * change thus waits for at most the sync under way and its own, never for a write's round
 * trip through the thread pool. (Writing only when the sync ends, one write per sync,
 * measured slower: the next sync then waits for that write.) One at a time on purpose: the kernel commits a file's syncs
 * one after another anyway (overlapping them measured no faster), and Linux reports a
 * writeback error to one fdatasync only, so a success that overlapped a failure would prove
 * nothing.
 */
export class SyncPipeline {
  /** What has been written and not yet covered by a sync that started. */
  private wanted: SyncMark | null = null;
  private syncing = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly sync: () => Promise<void>,
    private readonly onSynced: (mark: SyncMark) => void,
    /** After a failure nothing requested before it is synced: the writer writes it again. */
    private readonly onFailed: (error: Error) => void,
  ) {}

  /** The log has been written up to `mark`: sync it now, or as soon as the sync under way ends. */
  request(mark: SyncMark): void {
    this.wanted = mark;
    if (!this.syncing) this.start();
  }

  /** Resolves once every sync requested has run (before the log's descriptor is cut back or closed). */
  settled(): Promise<void> {
    if (!this.syncing) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private start(): void {
    if (this.syncing) return;
    const mark = this.wanted;
    if (!mark) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    this.wanted = null;
    this.syncing = true;
    this.sync().then(
      () => {
        this.syncing = false;
        this.onSynced(mark);
        this.start();
      },
      (error: Error) => {
        this.syncing = false;
        this.wanted = null;
        this.onFailed(error);
        this.start();
      },
    );
  }
}
