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

/** A ring buffer of the most recent requests, oldest dropped first. */
export class Journal {
  private readonly entries: JournalEntry[] = [];
  private seq = 0;

  constructor(private readonly capacity: number) {}

  add(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const full = { seq: ++this.seq, ...entry };
    if (this.capacity === 0) return full;
    // A ring: the slot of the oldest entry is reused, so adding is O(1) on the hot path.
    this.entries[(full.seq - 1) % this.capacity] = full;
    return full;
  }

  /** Entries after `since` (a seq), oldest first, at most `limit`. */
  list(since = 0, limit = this.capacity): JournalEntry[] {
    const out = this.entries.filter((e) => e.seq > since).sort((a, b) => a.seq - b.seq);
    return out.slice(Math.max(0, out.length - limit));
  }

  clear(): void {
    this.entries.length = 0;
  }
}

const SECRET_PARAMS = new Set(['code', 'client_secret', 'refresh_token', 'token', 'password', 'access_token']);

/** The URL with every secret-bearing query value replaced, for the journal and the logs. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      return eq >= 0 && SECRET_PARAMS.has(decoded.toLowerCase()) ? `${name}=REDACTED` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
