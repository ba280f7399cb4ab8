import { shortAgent, type JournalClient, type JournalSubject } from './journal-client.js';

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
  /** Who called (see `JournalClient`), with a short User-Agent. */
  client: JournalClient & { agent?: string };
  /** What it concerned, when the route said (see `JournalSubject`). */
  subject?: JournalSubject;
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
  client: JournalClient | undefined;
  subject: JournalSubject | undefined;
  /** The raw User-Agent header (a reference, shortened when read). */
  userAgent: string | undefined;
}

export type SequencedRecord = JournalRecord & { seq: number };

const UNKNOWN_CLIENT: JournalClient = Object.freeze({ kind: 'api' });

/**
 * A ring buffer of the most recent requests, oldest dropped first. Adding stores the record as
 * given (O(1), no formatting: it runs on every request); reads build the public entries.
 * Sequence numbers are consecutive, so entry `seq` sits in slot `(seq - 1) % capacity` and
 * reading "everything since" costs what it returns, not the buffer's size.
 */
export class Journal {
  private readonly records: SequencedRecord[] = [];
  private seq = 0;
  /** How many of the latest sequence numbers are held (at most the capacity; 0 after a clear). */
  private held = 0;

  constructor(private readonly capacity: number) {}

  add(record: JournalRecord): number {
    const seq = ++this.seq;
    if (this.capacity === 0) return seq;
    (record as SequencedRecord).seq = seq;
    // A ring: the slot of the oldest entry is reused.
    this.records[(seq - 1) % this.capacity] = record as SequencedRecord;
    if (this.held < this.capacity) this.held++;
    return seq;
  }

  /** Entries after `since` (a seq), oldest first, at most `limit` (the latest ones). */
  list(since = 0, limit = this.capacity): JournalEntry[] {
    const out: JournalEntry[] = [];
    const first = Math.max(since + 1, this.seq - this.held + 1, this.seq - limit + 1);
    for (let seq = first; seq <= this.seq; seq++) out.push(toEntry(this.at(seq)));
    return out;
  }

  /** Held records after `since`, newest first: for filtered views that stop early. */
  *newestFirst(since = 0): Generator<SequencedRecord> {
    const oldest = Math.max(since + 1, this.seq - this.held + 1);
    for (let seq = this.seq; seq >= oldest; seq--) yield this.at(seq);
  }

  /** The sequence number of the latest request (0 before the first): a cursor for `since`. */
  get head(): number {
    return this.seq;
  }

  /** How many entries it holds now (at most its capacity). */
  get size(): number {
    return this.held;
  }

  clear(): void {
    this.records.length = 0;
    this.held = 0;
  }

  private at(seq: number): SequencedRecord {
    return this.records[(seq - 1) % this.capacity]!;
  }
}

export function toEntry(r: SequencedRecord): JournalEntry {
  const agent = shortAgent(r.userAgent);
  const entry = {
    seq: r.seq,
    at: new Date(r.atMs).toISOString(),
    method: r.method,
    url: r.url,
    status: r.status,
    durationMs: Math.round(r.durationMs * 100) / 100,
  } as JournalEntry;
  if (r.fault !== undefined) entry.fault = r.fault;
  if (r.note !== undefined && r.note !== '') entry.note = r.note;
  // Added after the fields the journal always had, which keep their order.
  entry.client = agent === undefined ? (r.client ?? UNKNOWN_CLIENT) : { ...(r.client ?? UNKNOWN_CLIENT), agent };
  if (r.subject !== undefined) entry.subject = r.subject;
  return entry;
}
