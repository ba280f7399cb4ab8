import { BodyShapeError } from './body-shape.js';
import { parseUsUtcDate } from './us-date.js';
import { isRecord, pick, stringOrNull } from './wire-body.js';

/** A user's (or administrator's) access token, whatever spelling or format it came in. */
export interface AccessToken {
  token: string;
  /** Absent from some documented responses (web-flow examples). */
  refreshToken: string | null;
  expiresAt: Date;
  /** Where every later call for this user goes; absent from some documented responses. */
  instanceUrl: string | null;
}

/** `Access_Token` in either format; the documents spell two of its elements two ways each. */
export function parseAccessToken(body: unknown): AccessToken {
  const root = isRecord(body) ? body['Access_Token'] : undefined;
  if (!isRecord(root)) throw new BodyShapeError('response has no Access_Token');
  const token = stringOrNull(root['Token']);
  if (!token) throw new BodyShapeError('Access_Token has no Token');
  const expiry = stringOrNull(pick(root, 'Expiration_date', 'Expiration_Date'));
  if (!expiry) throw new BodyShapeError('Access_Token has no Expiration_date');
  return {
    token,
    refreshToken: stringOrNull(root['Refresh_Token']) || null,
    expiresAt: parseUsUtcDate(expiry),
    instanceUrl: stringOrNull(pick(root, 'Instance_Url', 'Instance_URL')) || null,
  };
}
