/** One request as the journal remembers it: secrets already redacted by the caller. */
export interface JournalEntry {
  seq: number;
  /** The mock's clock at the request, ISO 8601. */
  at: string;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  /** The fault rule that fired, if any. */
  fault?: string;
  /** What the request did, in words: "CRSUC: Pending → Connected", "revoked 2 tokens". */
  note?: string;
}

/** What the request pipeline hands over: the clock as a number, formatted only when read. */
export interface JournalRecord {
  atMs: number;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  fault: string | undefined;
  note: string | undefined;
}

/**
 * A ring buffer of the most recent requests, oldest dropped first. Adding stores the record as
 * given (O(1), no formatting: it runs on every request); `list()` builds the public entries.
 */
export class Journal {
  private readonly records: (JournalRecord & { seq: number })[] = [];
  private seq = 0;

  constructor(private readonly capacity: number) {}

  add(record: JournalRecord): number {
    const seq = ++this.seq;
    if (this.capacity === 0) return seq;
    (record as JournalRecord & { seq: number }).seq = seq;
    // A ring: the slot of the oldest entry is reused.
    this.records[(seq - 1) % this.capacity] = record as JournalRecord & { seq: number };
    return seq;
  }

  /** Entries after `since` (a seq), oldest first, at most `limit`. */
  list(since = 0, limit = this.capacity): JournalEntry[] {
    const out = this.records.filter((r) => r.seq > since).sort((a, b) => a.seq - b.seq);
    return out.slice(Math.max(0, out.length - limit)).map(toEntry);
  }

  /** How many entries it holds now (at most its capacity). */
  get size(): number {
    return this.records.length;
  }

  clear(): void {
    this.records.length = 0;
  }
}

function toEntry(r: JournalRecord & { seq: number }): JournalEntry {
  const entry: JournalEntry = {
    seq: r.seq,
    at: new Date(r.atMs).toISOString(),
    method: r.method,
    url: r.url,
    status: r.status,
    durationMs: Math.round(r.durationMs * 100) / 100,
  };
  if (r.fault !== undefined) entry.fault = r.fault;
  if (r.note !== undefined && r.note !== '') entry.note = r.note;
  return entry;
}
