import type { ConnectionRequestQueue, Page } from '../domain/connection-requests.js';

interface CachedPage {
  revision: number;
  validUntil: number;
  text: string;
  items: number;
}

const MAX_ENTRIES = 1000;

/**
 * Written pages of pending requests, reused while nothing could make a new read differ:
 * the queue's revision is unchanged (no create, PUT, hand-out or requeue happened) and the
 * clock has not reached the next lease end, deferred request or token expiry. A poller that
 * re-reads its page costs a lookup instead of a render. Keyed per queue object, so a reset
 * (a new queue) never sees an old page.
 */
export class PageCache {
  private readonly byQueue = new WeakMap<ConnectionRequestQueue, Map<string, CachedPage>>();

  get(queue: ConnectionRequestQueue, key: string, now: number): CachedPage | undefined {
    const hit = this.byQueue.get(queue)?.get(key);
    return hit && hit.revision === queue.revision && now < hit.validUntil ? hit : undefined;
  }

  /** Stores the page just written; call right after the read that produced it. */
  put(queue: ConnectionRequestQueue, appKey: string, key: string, now: number, page: Page, text: string): void {
    let pages = this.byQueue.get(queue);
    if (!pages) this.byQueue.set(queue, (pages = new Map()));
    if (pages.size >= MAX_ENTRIES) pages.clear();
    let validUntil = queue.stableUntil(appKey, now);
    for (const item of page.items) validUntil = Math.min(validUntil, queue.tokenExpiresAt(item.id));
    pages.set(key, { revision: queue.revision, validUntil, text, items: page.items.length });
  }
}
