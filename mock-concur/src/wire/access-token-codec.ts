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

const SPELLINGS: Record<TokenElementSpelling, { instance: string; expiration: string }> = {
  documented: { instance: 'Instance_Url', expiration: 'Expiration_date' },
  alternate: { instance: 'Instance_URL', expiration: 'Expiration_Date' },
};

/** The JSON answer's text up to each value, per spelling: every token response is this shape. */
const JSON_KEYS: Record<TokenElementSpelling, readonly [string, string, string, string]> = {
  documented: jsonKeys('documented'),
  alternate: jsonKeys('alternate'),
};

function jsonKeys(spelling: TokenElementSpelling): [string, string, string, string] {
  const { instance, expiration } = SPELLINGS[spelling];
  return [`{"Access_Token":{"${instance}":`, ',"Token":', `,"${expiration}":`, ',"Refresh_Token":'];
}

export function accessTokenEntity(body: AccessTokenBody, spelling: TokenElementSpelling): Entity {
  const { instance, expiration } = SPELLINGS[spelling];
  const expires = usTokenDate(body.expiresAt);
  return {
    // Written from fixed key text with each value JSON-escaped: the same bytes as
    // JSON.stringify of the object, without building one on every token response.
    json: () => {
      const [a, b, c, d] = JSON_KEYS[spelling];
      return `${a}${JSON.stringify(body.instanceUrl)}${b}${JSON.stringify(body.token)}${c}${JSON.stringify(expires)}${d}${JSON.stringify(body.refreshToken)}}}`;
    },
    xml: () => {
      const fields: XmlFields = [
        [instance, body.instanceUrl],
        ['Token', body.token],
        [expiration, expires],
        ['Refresh_Token', body.refreshToken],
      ];
      return xmlDocument('Access_Token', fields);
    },
  };
}
