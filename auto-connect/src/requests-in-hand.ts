interface Waiter {
  count: number;
  /** `idle()` waits for the work to end even after a failure; `atMost()` stops at the first. */
  untilIdle: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The requests a cycle has taken from pages and not yet finished, so the next page can be read
 * while they run: the cycle waits until few enough are left (`atMost`), and at its end until
 * none is (`idle`). Work that rejects (an event listener that throws) makes the next `atMost`
 * reject with it, as the `Promise.all` over a page did.
 */
export class RequestsInHand {
  private readonly ids = new Set<string>();
  private waiters: Waiter[] = [];
  private failure: { error: unknown } | null = null;

  get size(): number {
    return this.ids.size;
  }

  /** The ids in hand now: a page read from this moment on may still show them. */
  snapshot(): ReadonlySet<string> {
    return new Set(this.ids);
  }

  /** Tracks `work` under `id` until it settles. */
  add(id: string, work: Promise<void>): void {
    this.ids.add(id);
    work.then(
      () => this.done(id),
      (error: unknown) => {
        this.failure ??= { error };
        this.done(id);
      },
    );
  }

  /** Resolves once at most `count` requests are in hand; rejects with the first failure. */
  atMost(count: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.ids.size <= count) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ count, untilIdle: false, resolve, reject }));
  }

  /** Resolves once nothing is in hand, whether or not something failed. */
  idle(): Promise<void> {
    if (this.ids.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ count: 0, untilIdle: true, resolve, reject }));
  }

  private done(id: string): void {
    this.ids.delete(id);
    if (this.waiters.length === 0) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (this.failure && !waiter.untilIdle) waiter.reject(this.failure.error);
      else if (this.ids.size <= waiter.count) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }
}
