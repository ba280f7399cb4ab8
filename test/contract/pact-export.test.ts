import { describe, expect, it } from 'vitest';
import { loadFixtures } from 'concur-contracts';
import { BASE_STATE, exportPact } from '../../contracts/src/pact/export-pact.js';

type PactInteraction = {
  description: string;
  providerStates: { name: string; params?: Record<string, unknown> }[];
  request: Record<string, unknown>;
  response: { status: number; headers?: Record<string, string>; body?: unknown; matchingRules?: Record<string, Record<string, unknown>>; generators?: Record<string, unknown> };
};

describe('Pact v3 export', () => {
  const fixtures = loadFixtures();
  const pact = exportPact(fixtures, { consumer: 'partner-app', provider: 'concur' }) as { consumer: unknown; provider: unknown; interactions: PactInteraction[]; metadata: Record<string, Record<string, unknown>> };
  const byKey = (key: string) => pact.interactions.find((i) => i.description.startsWith(`${key}:`))!;

  it('writes one Pact v3 interaction per fixture, named by key', () => {
    expect(pact.consumer).toEqual({ name: 'partner-app' });
    expect(pact.provider).toEqual({ name: 'concur' });
    expect(pact.metadata['pactSpecification']).toEqual({ version: '3.0.0' });
    expect(pact.interactions).toHaveLength(fixtures.interactions.length);
  });

  it('carries provider states with params, and variables as ProviderState generators', () => {
    const exchange = byKey('oauth-token-exchange/exchanges-request-token-xml');
    expect(exchange.providerStates).toEqual([{ name: BASE_STATE }, { name: 'a request token issued {ageSeconds} seconds ago', params: { ageSeconds: 0 } }]);
    expect(exchange.request).toMatchObject({
      method: 'GET',
      path: '/net2/oauth2/getaccesstoken.ashx',
      query: { code: ['0_XI1GL5BTe05Wr76W0bkK3hPg2sF7gcZ'], client_id: ['VDV5Y532NafpmDLtbve7Md'], client_secret: ['3ukkqMSIPORvMmXQqQ7QFJnDckLzmO5Z'] },
      generators: { query: { code: { type: 'ProviderState', expression: '${requestToken}' }, client_id: { type: 'ProviderState', expression: '${consumerKey}' }, client_secret: { type: 'ProviderState', expression: '${consumerSecret}' } } },
    });
    const byId = byKey('connection-requests-get/v3-2-json-by-id');
    expect(byId.request['generators']).toMatchObject({ path: { type: 'ProviderState', expression: '/api/v3.2/common/connectionrequests/${connectionRequestId}' } });
  });

  it('writes matchers as Pact matching rules, XML text under #text', () => {
    const exchange = byKey('oauth-token-exchange/exchanges-request-token-xml');
    expect(exchange.response.body).toMatch(/^<Access_Token><Instance_Url>https:\/\/www\.concursolutions\.com\/<\/Instance_Url>/);
    expect(exchange.response.matchingRules!['body']).toMatchObject({
      "$.Access_Token.Token['#text']": { matchers: [{ match: 'regex', regex: '^\\S+$' }] },
      "$.Access_Token.Expiration_date['#text']": { matchers: [{ match: 'timestamp', timestamp: 'M/d/yyyy h:mm:ss a' }] },
    });
    expect(exchange.response.matchingRules!['header']).toEqual({ 'Content-Type': { matchers: [{ match: 'regex', regex: '^application/xml' }] } });
    const page = byKey('connection-requests-list/v3-2-json-page');
    expect(page.response.matchingRules!['body']).toMatchObject({
      '$.Items': { matchers: [{ match: 'type', min: 2, max: 2 }] },
      '$.Items[*].middleName': { matchers: [{ match: 'null' }, { match: 'type' }], combine: 'OR' },
    });
  });

  it('says which fixture matchers Pact v3 cannot express', () => {
    const notExported = pact.metadata['mock-concur']!['notExported'] as string[];
    expect(notExported).toContain('connection-requests-list/v3-0-json-page response body $.Items[0].EmailAddresses: absent');
  });
});
