/**
 * Sessions ended by signing out, remembered until they would have expired anyway: a session
 * cookie is signed and names its session, so ending it means refusing that name from then on
 * (a copy of the cookie kept elsewhere signs nobody in). Bounded: entries past their expiry go.
 */
export class SignedOutSessions {
  private readonly ended = new Map<string, number>();

  constructor(private readonly limit = 100_000) {}

  end(sessionId: string, expiresAt: number, now: number): void {
    if (this.ended.size >= this.limit) this.prune(now);
    // Still full of live entries: the oldest-ended go first (a Map iterates in insertion order).
    while (this.ended.size >= this.limit) this.ended.delete(this.ended.keys().next().value!);
    this.ended.set(sessionId, expiresAt);
  }

  has(sessionId: string): boolean {
    return this.ended.has(sessionId);
  }

  get size(): number {
    return this.ended.size;
  }

  private prune(now: number): void {
    for (const [id, expiresAt] of this.ended) if (expiresAt <= now) this.ended.delete(id);
  }
}
