import { usTokenDate } from './dates.js';
import type { Entity } from './respond.js';
import { xmlDocument, type XmlFields } from './xml.js';

/**
 * Concur's documents spell two elements both ways (`Instance_Url`/`Instance_URL`,
 * `Expiration_date`/`Expiration_Date`); the mock writes one spelling, chosen by option.
 */
export type TokenElementSpelling = 'documented' | 'alternate';

export interface AccessTokenBody {
  instanceUrl: string;
  token: string;
  expiresAt: number;
  refreshToken: string;
}

export function accessTokenEntity(body: AccessTokenBody, spelling: TokenElementSpelling): Entity {
  const instance = spelling === 'documented' ? 'Instance_Url' : 'Instance_URL';
  const expiration = spelling === 'documented' ? 'Expiration_date' : 'Expiration_Date';
  const fields: XmlFields = [
    [instance, body.instanceUrl],
    ['Token', body.token],
    [expiration, usTokenDate(body.expiresAt)],
    ['Refresh_Token', body.refreshToken],
  ];
  return {
    // An object literal, not Object.fromEntries(fields): this runs on every token response.
    json: () => JSON.stringify({ Access_Token: { [instance]: body.instanceUrl, Token: body.token, [expiration]: fields[2]![1], Refresh_Token: body.refreshToken } }),
    xml: () => xmlDocument('Access_Token', fields),
  };
}
