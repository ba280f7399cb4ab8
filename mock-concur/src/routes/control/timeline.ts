import type { FastifyInstance } from 'fastify';
import type { ConnectionRequestRecord } from '../../domain/connection-requests.js';
import { mask } from '../../domain/secrets.js';
import { toEntry, type SequencedRecord } from '../../http/journal.js';
import type { MockState } from '../../state.js';
import { errors } from '../../wire/errors.js';
import { appKeyParam, textParam } from './console-params.js';
import { iso, requestBody } from './views.js';

export type TimelineEventKind = 'created' | 'handed-out' | 'read' | 'exchanged' | 'put' | 'revoked' | 'deleted' | 'token-deadline' | 'lease-ends' | 'available' | 'connected' | 'failed';

export interface TimelineEvent {
  atMs: number;
  at: string;
  kind: TimelineEventKind;
  label: string;
  /** The journal entry it comes from, if any (the record's own fields otherwise). */
  seq?: number;
  status?: number;
  /** Still ahead of the mock's clock. */
  future: boolean;
}

/** At most this many journal entries per timeline (the newest), whatever the journal holds. */
const MAX_JOURNAL = 100;
const REVOCATION_PATH = /\/net2\/oauth2\/revoketoken\.ashx|\/app-mgmt\/v0\/connections/i;
const TOKEN_PATH = /\/net2\/oauth2\/getaccesstoken\.ashx|\/oauth2\/v0\/token/i;
const LIST_PATH = /\/connectionrequests\/?(\?|$)/i;

/**
 * Whether a journal entry concerns the request: it names the request (a hand-out, a read, a
 * PUT, a token exchange), or it revoked tokens of the request's user for the request's app
 * after the request was made (the auto-connect worker's clean-up, a disconnect).
 */
function concerns(entry: SequencedRecord, record: ConnectionRequestRecord): boolean {
  if (entry.subject?.requests?.includes(record.id)) return true;
  return entry.atMs >= record.createdAt && entry.client?.app === record.appKey && entry.subject?.user?.toLowerCase() === record.user.loginId.toLowerCase() && REVOCATION_PATH.test(entry.url);
}

function journalEvent(entry: SequencedRecord, now: number): TimelineEvent | null {
  const path = entry.url.split('?')[0]!;
  let kind: TimelineEventKind;
  let label: string;
  if (REVOCATION_PATH.test(path)) [kind, label] = ['revoked', entry.note ?? 'tokens revoked'];
  else if (TOKEN_PATH.test(path)) [kind, label] = ['exchanged', entry.status < 400 ? 'request token exchanged for an access token' : 'request token refused'];
  else if (entry.method === 'PUT') [kind, label] = ['put', entry.note ?? 'PUT'];
  else if (entry.method === 'DELETE') [kind, label] = ['deleted', 'deleted (v3.0 DELETE)'];
  else if (entry.method === 'GET' && LIST_PATH.test(path)) [kind, label] = ['handed-out', 'handed out by a GET (request token minted or re-read)'];
  else if (entry.method === 'GET') [kind, label] = ['read', 'read by id'];
  else return null; // its creation: the record says when
  if (entry.status >= 400) label += ` (HTTP ${entry.status})`;
  return { atMs: entry.atMs, at: iso(entry.atMs), kind, label, seq: entry.seq, status: entry.status, future: entry.atMs > now };
}

/**
 * One request's life for the console: its record (state, counters, the current hand-out and
 * its request token's deadline, when it is next available) and the journal entries that
 * concern it, merged into one list of events in time order. Reads the record and at most the
 * journal's capacity, never the queue.
 */
export function timelineBody(mock: MockState, record: ConnectionRequestRecord) {
  const now = mock.clock.now();
  const { queue, tokens } = mock.world;
  const view = queue.view(record, now);
  const policy = queue.policySettings;
  const ttl = tokens.requestTokenTtlMs;
  const at = (ms: number, kind: TimelineEventKind, label: string): TimelineEvent => ({ atMs: ms, at: iso(ms), kind, label, future: ms > now });

  const journal: SequencedRecord[] = [];
  for (const entry of mock.journal.newestFirst()) {
    if (!concerns(entry, record)) continue;
    journal.push(entry);
    if (journal.length === MAX_JOURNAL) break;
  }
  journal.reverse();

  const events: TimelineEvent[] = [at(record.createdAt, 'created', `created for ${record.user.loginId}`)];
  for (const entry of journal) {
    const event = journalEvent(entry, now);
    if (event) events.push(event);
  }
  const handout = record.handout;
  let requestToken = null;
  if (handout) {
    if (!events.some((e) => e.kind === 'handed-out' && e.atMs === handout.handedOutAt)) events.push(at(handout.handedOutAt, 'handed-out', 'handed out (Pending → Processing)'));
    const spent = tokens.peekRequestToken(handout.token);
    const expired = now >= handout.tokenExpiresAt;
    requestToken = {
      token: mask(handout.token),
      issuedAt: iso(handout.tokenExpiresAt - ttl),
      expiresAt: iso(handout.tokenExpiresAt),
      expiresAtMs: handout.tokenExpiresAt,
      ttlSeconds: ttl / 1000,
      secondsLeft: Math.max(0, (handout.tokenExpiresAt - now) / 1000),
      state: expired ? 'expired' : spent?.usedAt != null ? 'used' : 'live',
      usedAt: spent?.usedAt != null ? iso(spent.usedAt) : null,
    };
    events.push(at(handout.tokenExpiresAt, 'token-deadline', expired ? 'request token expired' : 'request token expires'));
    events.push(at(handout.leaseKey[0], 'lease-ends', `lease ends: requeued unless PUT back (${record.leaseRequeues}/${policy.maxLeaseRequeues} so far)`));
  } else if (!record.outcome && record.queueKey) {
    const when = record.queueKey[0];
    events.push(at(when, 'available', when > now ? 'available again (requeued after the wait)' : 'available (Pending)'));
  }
  if (record.outcome) events.push(at(record.lastModified, record.outcome === 'Connected' ? 'connected' : 'failed', record.outcome === 'Connected' ? `Connected (${record.lastCode ?? 'CRSUC'})` : `Failed${record.lastCode ? ` (last code ${record.lastCode})` : ''}`));
  events.sort((a, b) => a.atMs - b.atMs);

  return {
    now: iso(now),
    nowMs: now,
    request: {
      ...requestBody(record, view),
      createdAt: iso(record.createdAt),
      user: { loginId: record.user.loginId, name: [record.user.firstName, record.user.middleName, record.user.lastName].filter(Boolean).join(' '), loyaltyNumber: record.user.loyaltyNumber },
      handedOutAt: handout ? iso(handout.handedOutAt) : null,
      leaseEndsAt: handout ? iso(handout.leaseKey[0]) : null,
      requestToken,
      limits: { userError: policy.maxUserErrorRequeues, retry: policy.maxRetryRequeues, lease: policy.maxLeaseRequeues },
    },
    events,
    journal: journal.map(toEntry),
  };
}

export type TimelineBody = ReturnType<typeof timelineBody>;

/** A request by its id, or the latest of the user with this login id or loyalty number (for one app, if given). */
export function findRequest(mock: MockState, text: string, appKey?: string): ConnectionRequestRecord | undefined {
  const { queue, directory } = mock.world;
  const now = mock.clock.now();
  const byId = text.length <= 128 ? queue.inspect(text, now)?.record : undefined;
  if (byId && (appKey === undefined || byId.appKey === appKey)) return byId;
  const user = directory.user(text) ?? directory.userByLoyaltyNumber(text);
  const latest = user && queue.latestOf(user.loginId, appKey);
  // Settled for now like every other read.
  return latest && queue.inspect(latest.id, now)?.record;
}

/** `GET /_mock/connection-requests/{id}/timeline` and `GET /_mock/timeline?find=` (id, login id or loyalty number). */
export async function timelineRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { id: string } }>('/_mock/connection-requests/:id/timeline', async (request) => {
    const found = request.mock.world.queue.inspect(request.params.id, request.mock.clock.now());
    if (!found) throw errors.connectionRequestNotFound(request.params.id.slice(0, 128));
    return timelineBody(request.mock, found.record);
  });

  app.get('/_mock/timeline', async (request) => {
    const { mock } = request;
    const query = request.query as Record<string, unknown>;
    const text = textParam(query, 'find', 256);
    if (text === undefined) throw errors.missingParameter('find');
    const record = findRequest(mock, text, appKeyParam(mock, query));
    if (!record) throw errors.noConnectionRequestFor(JSON.stringify(text.slice(0, 64)));
    return timelineBody(mock, record);
  });
}
