import type { FastifyInstance } from 'fastify';
import { mask } from '../../domain/secrets.js';
import type { JournalClient } from '../../http/journal-client.js';
import { toEntry, type SequencedRecord } from '../../http/journal.js';
import type { MockState } from '../../state.js';
import { integerParam } from '../../wire/params.js';
import { textParam } from './console-params.js';

/** One participant of the sequence diagram besides Concur itself. */
export interface Lane {
  id: string;
  label: string;
}

export interface ConversationFilter {
  /** A connection request's id: entries that handed it out, read, PUT or exchanged its token. */
  request?: string | undefined;
  /** A login id: entries by or about that user. */
  user?: string | undefined;
  /** A token, masked as the console shows it (`0_ab…xyz`) or whole (compared masked, never stored). */
  token?: string | undefined;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

const BROWSER_LANE: Lane = { id: 'browser', label: 'Browser (Concur pages)' };
const UNKNOWN_LANE: Lane = { id: 'unidentified', label: 'Unidentified caller' };

/**
 * The lane a call is drawn in: the browser, or per app and credential kind — one lane per
 * user behind a user token or password (an auto-connect worker's administrator signs in and
 * polls in one lane), one for the app's own token, one for its client secret (token exchanges
 * and refreshes, whoever makes them).
 */
export function laneOf(client: JournalClient | undefined): Lane {
  if (!client) return UNKNOWN_LANE;
  if (client.kind === 'browser') return BROWSER_LANE;
  if (client.app === undefined) return UNKNOWN_LANE;
  switch (client.credential) {
    case 'user-token':
    case 'password':
      return client.user === undefined ? { id: `${client.app}|user`, label: `${client.app} · user credentials` } : { id: `${client.app}|user|${client.user.toLowerCase()}`, label: `${client.app} · ${client.user}` };
    case 'app-token':
      return { id: `${client.app}|app`, label: `${client.app} · app token` };
    case 'client-secret':
      return { id: `${client.app}|secret`, label: `${client.app} · client secret` };
    default:
      return { id: `${client.app}|other`, label: client.app };
  }
}

function matches(record: SequencedRecord, filter: ConversationFilter, maskedToken: string | undefined): boolean {
  const { client, subject } = record;
  if (filter.request !== undefined && !subject?.requests?.includes(filter.request)) return false;
  if (filter.user !== undefined) {
    const wanted = filter.user.toLowerCase();
    if (client?.user?.toLowerCase() !== wanted && subject?.user?.toLowerCase() !== wanted) return false;
  }
  if (maskedToken !== undefined && client?.token !== maskedToken && subject?.token !== maskedToken) return false;
  return true;
}

/**
 * The journal as the sequence diagram reads it: entries after `since` (the head the last
 * answer gave), oldest first, at most `limit` (the latest), each with its lane. Unfiltered it
 * costs what it returns; a filter reads at most the journal's capacity (200 by default),
 * never anything that grows with the queue.
 */
export function conversationBody(mock: MockState, since: number, limit: number, filter: ConversationFilter = {}) {
  const maskedToken = filter.token === undefined ? undefined : filter.token.includes('…') ? filter.token : mask(filter.token);
  const found: SequencedRecord[] = [];
  let more = false;
  for (const record of mock.journal.newestFirst(since)) {
    if (!matches(record, filter, maskedToken)) continue;
    if (found.length === limit) {
      more = true;
      break;
    }
    found.push(record);
  }
  found.reverse();
  const lanes = new Map<string, Lane>();
  const entries = found.map((record) => {
    const lane = laneOf(record.client);
    if (!lanes.has(lane.id)) lanes.set(lane.id, lane);
    return { ...toEntry(record), atMs: record.atMs, lane: lane.id };
  });
  return { head: mock.journal.head, since, more, lanes: [...lanes.values()], entries };
}

export type ConversationBody = ReturnType<typeof conversationBody>;

/** The conversation's filter and cursor from a query string. */
export function conversationQuery(query: Record<string, unknown>): { since: number; limit: number; filter: ConversationFilter } {
  return {
    since: integerParam(query, 'since', 0, 0, Number.MAX_SAFE_INTEGER),
    limit: integerParam(query, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
    // Not `token=`: that is where the console page takes the control token.
    filter: { request: textParam(query, 'request', 128), user: textParam(query, 'user', 256), token: textParam(query, 'maskedToken', 4096) },
  };
}

/** `GET /_mock/conversation?since=&limit=&request=&user=&maskedToken=`. */
export async function conversationRoutes(app: FastifyInstance): Promise<void> {
  app.get('/_mock/conversation', async (request) => {
    const { since, limit, filter } = conversationQuery(request.query as Record<string, unknown>);
    return conversationBody(request.mock, since, limit, filter);
  });
}
