import { createHash } from 'node:crypto';
import type { AccessToken } from 'concur-partner-client';

const digest = (code: string) => createHash('sha256').update(code).digest('base64url');

/**
 * The request tokens this app has exchanged (as digests, never the codes) and the member each
 * was linked to, so a reused link is recognised on arrival and a double-submitted form links
 * once; plus the exchanges in flight, so two overlapping submissions share one exchange.
 * Bounded: the oldest digests go first.
 */
export class CodeLedger {
  private readonly spent = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<AccessToken>>();

  constructor(private readonly capacity = 10_000) {}

  wasSpent(code: string): boolean {
    return this.spent.has(digest(code));
  }

  /** The member a code was already linked to, if this app exchanged it. */
  linkedMember(code: string): string | undefined {
    return this.spent.get(digest(code));
  }

  /** Runs `exchange` once per code at a time; a success marks the code spent for `memberId`. */
  exchangeOnce(code: string, memberId: string, exchange: () => Promise<AccessToken>): Promise<AccessToken> {
    const key = digest(code);
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = exchange()
      .then((token) => {
        this.spent.set(key, memberId);
        if (this.spent.size > this.capacity) this.spent.delete(this.spent.keys().next().value!);
        return token;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
