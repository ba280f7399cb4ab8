import { createHash } from 'node:crypto';
import type { AccessToken } from '../index.js';

const digest = (code: string) => createHash('sha256').update(code).digest('base64url');

/**
 * The request tokens this app has exchanged (as digests, never the codes), so a reused link is
 * recognised on arrival, and the exchanges in flight, so a double-submitted form exchanges a
 * code once and both submissions share the answer. Bounded: the oldest digests go first.
 */
export class CodeLedger {
  private readonly spent = new Set<string>();
  private readonly inFlight = new Map<string, Promise<AccessToken>>();

  constructor(private readonly capacity = 10_000) {}

  wasSpent(code: string): boolean {
    return this.spent.has(digest(code));
  }

  /** Runs `exchange` once per code at a time; a success marks the code spent. */
  exchangeOnce(code: string, exchange: () => Promise<AccessToken>): Promise<AccessToken> {
    const key = digest(code);
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = exchange()
      .then((token) => {
        this.spent.add(key);
        if (this.spent.size > this.capacity) this.spent.delete(this.spent.values().next().value!);
        return token;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
