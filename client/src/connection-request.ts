import { BodyShapeError } from './body-shape.js';
import { parseZonelessUtc } from './us-date.js';
import { isRecord, stringOrNull } from './wire-body.js';

/**
 * One shape for every wire: v3.0/v3.1 write `FirstName`, v3.2 `firstName`; XML and JSON carry
 * the same fields. Anything the client does not know is kept in `extra`, under its wire name.
 */
export interface ConnectionRequest {
  id: string;
  uri: string | null;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  loyaltyNumber: string | null;
  requestToken: string | null;
  status: string | null;
  /** `lastModified` is UTC without a zone suffix on the wire. */
  lastModified: Date | null;
  /** v3.2 only. */
  userId: string | null;
  /** `Email1`…`Email5` (v3.1) / `email1`…`email5` (v3.2), the null ones left out. */
  emailAddresses: string[];
  extra: Record<string, unknown>;
}

export interface ConnectionRequestPage {
  items: ConnectionRequest[];
  /** As Concur wrote it, or null on the last page. */
  nextPage: string | null;
}

const KNOWN = new Set(['id', 'uri', 'firstname', 'middlename', 'lastname', 'loyaltynumber', 'requesttoken', 'status', 'lastmodified', 'userid', 'emailaddresses']);

export function parseConnectionRequest(raw: unknown): ConnectionRequest {
  if (!isRecord(raw)) throw new BodyShapeError('a ConnectionRequest is not an object');
  // Matching names case-insensitively covers v3.0's capitals and v3.2's lower camel at once.
  const byLower = new Map(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v]));
  const field = (name: string) => stringOrNull(byLower.get(name));
  const id = field('id');
  if (!id) throw new BodyShapeError('a ConnectionRequest has no ID');
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!KNOWN.has(k.toLowerCase()) && !k.startsWith('@')) extra[k] = v;
  const modified = field('lastmodified');
  return {
    id,
    uri: field('uri'),
    firstName: field('firstname'),
    middleName: field('middlename'),
    lastName: field('lastname'),
    loyaltyNumber: field('loyaltynumber'),
    requestToken: field('requesttoken'),
    status: field('status'),
    lastModified: modified ? parseZonelessUtc(modified) : null,
    userId: field('userid'),
    emailAddresses: emails(byLower.get('emailaddresses')),
    extra,
  };
}

function emails(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  return Object.keys(raw)
    .filter((k) => /^email\d$/i.test(k))
    .sort()
    .map((k) => stringOrNull(raw[k]))
    .filter((e): e is string => !!e);
}

/** `ConnectionRequests { Items, NextPage }`; the XML form nests items under `Items/ConnectionRequest`. */
export function parseConnectionRequestPage(body: unknown): ConnectionRequestPage {
  const root = isRecord(body) && isRecord(body['ConnectionRequests']) ? body['ConnectionRequests'] : body;
  if (!isRecord(root)) throw new BodyShapeError('response is not a ConnectionRequests page');
  let items = root['Items'];
  if (isRecord(items)) items = items['ConnectionRequest'] ?? [];
  // `<Items />` reads as an empty string.
  if (items === '' || items === null || items === undefined) items = [];
  if (!Array.isArray(items)) items = [items];
  return { items: (items as unknown[]).map(parseConnectionRequest), nextPage: stringOrNull(root['NextPage']) || null };
}

/** A single request, as GET by id answers: JSON is the object, XML wraps it in `<ConnectionRequest>`. */
export function unwrapConnectionRequest(body: unknown): unknown {
  return isRecord(body) && isRecord(body['ConnectionRequest']) ? body['ConnectionRequest'] : body;
}
