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

export function parseConnectionRequest(raw: unknown): ConnectionRequest {
  if (!isRecord(raw)) throw new BodyShapeError('a ConnectionRequest is not an object');
  // Names match case-insensitively, which covers v3.0's capitals and v3.2's lower camel at once;
  // of two spellings of one field, the later wins. One pass: a page has ten of these.
  let id: unknown, uri: unknown, firstName: unknown, middleName: unknown, lastName: unknown, loyaltyNumber: unknown;
  let requestToken: unknown, status: unknown, lastModified: unknown, userId: unknown, emailAddresses: unknown;
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    switch (key.toLowerCase()) {
      case 'id': id = value; break;
      case 'uri': uri = value; break;
      case 'firstname': firstName = value; break;
      case 'middlename': middleName = value; break;
      case 'lastname': lastName = value; break;
      case 'loyaltynumber': loyaltyNumber = value; break;
      case 'requesttoken': requestToken = value; break;
      case 'status': status = value; break;
      case 'lastmodified': lastModified = value; break;
      case 'userid': userId = value; break;
      case 'emailaddresses': emailAddresses = value; break;
      // Anything the client does not know is kept under its wire name; XML attributes are not fields.
      default: if (!key.startsWith('@')) extra[key] = value;
    }
  }
  const requestId = stringOrNull(id);
  if (!requestId) throw new BodyShapeError('a ConnectionRequest has no ID');
  const modified = stringOrNull(lastModified);
  return {
    id: requestId,
    uri: stringOrNull(uri),
    firstName: stringOrNull(firstName),
    middleName: stringOrNull(middleName),
    lastName: stringOrNull(lastName),
    loyaltyNumber: stringOrNull(loyaltyNumber),
    requestToken: stringOrNull(requestToken),
    status: stringOrNull(status),
    lastModified: modified ? parseZonelessUtc(modified) : null,
    userId: stringOrNull(userId),
    emailAddresses: emails(emailAddresses),
    extra,
  };
}

const EMAIL_KEY = /^email\d$/i;

function emails(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  const keys = Object.keys(raw).filter((k) => EMAIL_KEY.test(k));
  if (keys.length > 1) keys.sort();
  const found: string[] = [];
  for (const k of keys) {
    const email = stringOrNull(raw[k]);
    if (email) found.push(email);
  }
  return found;
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
