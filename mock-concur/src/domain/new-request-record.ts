import type { ConnectionRequestRecord } from './connection-requests.js';
import type { ConcurUser } from './directory.js';
import type { TimeKey } from './ordered-index.js';

/** A connection request as it is created: not handed out, no code, no requeues yet. */
export function newRequestRecord(id: string, appKey: string, user: ConcurUser, createdAt: number, queueKey: TimeKey | null): ConnectionRequestRecord {
  return {
    id,
    appKey,
    user,
    createdAt,
    lastModified: createdAt,
    queueKey,
    handout: null,
    outcome: null,
    lastCode: null,
    userErrorRequeues: 0,
    retryRequeues: 0,
    leaseRequeues: 0,
  };
}
