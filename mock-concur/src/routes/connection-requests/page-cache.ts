import type { ConnectionRequestQueue, Page, PageValidity } from '../../domain/connection-requests.js';
import type { JournalSubject } from '../../http/journal-client.js';

interface CachedPage {
  validity: PageValidity;
  text: string;
  items: number;
  /** The journal's "handed out these": shared by every re-read of the page, nothing built per request. */
  subject: JournalSubject;
}

const MAX_ENTRIES = 1000;

/**
 * Written pages of pending requests, reused while the queue says a new read would give the
 * same page (`pageValidity`: no change since, no lease end, due request or token expiry). A poller that
 * re-reads its page costs a lookup instead of a render. Keyed per queue object, so a reset
 * (a new queue) never sees an old page.
 */
export class PageCache {
  private readonly byQueue = new WeakMap<ConnectionRequestQueue, Map<string, CachedPage>>();

  get(queue: ConnectionRequestQueue, key: string, now: number): CachedPage | undefined {
    const hit = this.byQueue.get(queue)?.get(key);
    return hit && queue.stillValid(hit.validity, now) ? hit : undefined;
  }

  /** Stores the page just written; call right after the read that produced it. */
  put(queue: ConnectionRequestQueue, appKey: string, key: string, now: number, page: Page, text: string): CachedPage {
    let pages = this.byQueue.get(queue);
    if (!pages) this.byQueue.set(queue, (pages = new Map()));
    if (pages.size >= MAX_ENTRIES) pages.clear();
    const cached = { validity: queue.pageValidity(appKey, page, now), text, items: page.items.length, subject: { requests: page.items.map((item) => item.id) } };
    pages.set(key, cached);
    return cached;
  }
}
