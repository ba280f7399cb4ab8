import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FixtureError, type FixtureProblem } from '../../contracts/src/fixtures/fixture-error.js';
import type { FixtureFile } from '../../contracts/src/fixtures/fixture-types.js';
import { CONTRACTS_DIR, loadFixtures } from 'concur-contracts';

/** The coverage list, each item with the fixtures that cover it. */
const REQUIRED_COVERAGE: Record<string, string[]> = {
  'token exchange, XML and JSON': ['oauth-token-exchange/exchanges-request-token-xml', 'oauth-token-exchange/exchanges-request-token-json'],
  refresh: ['oauth-refresh/refreshes-access-token-xml', 'oauth-refresh/refreshes-access-token-json'],
  'native flow': ['oauth-native-flow/issues-token-for-credentials-xml', 'oauth-native-flow/issues-token-for-credentials-json'],
  'revoke, single and per user': ['oauth-revoke/revokes-one-token', 'oauth-revoke/revokes-every-token-of-a-user'],
  'request token expired': ['oauth-token-exchange/refuses-expired-request-token'],
  'wrong secret': ['oauth-token-exchange/refuses-wrong-client-secret'],
  "other app's token": ['oauth-token-exchange/refuses-request-token-of-another-application'],
  'list per version and format': [
    'connection-requests-list/v3-0-json-page',
    'connection-requests-list/v3-0-xml-page',
    'connection-requests-list/v3-1-json-page',
    'connection-requests-list/v3-1-xml-page',
    'connection-requests-list/v3-2-json-page',
    'connection-requests-list/v3-2-xml-page',
  ],
  'paging with NextPage': ['connection-requests-list/v3-2-json-page-first-of-two', 'connection-requests-list/v3-2-json-page-last-of-two'],
  'the 10-item cap': ['connection-requests-list/v3-2-json-page-capped-at-10'],
  'get by id': ['connection-requests-get/v3-2-json-by-id', 'connection-requests-get/v3-2-xml-by-id'],
  create: ['connection-requests-create/v3-2-json-creates'],
  'every PUT code': ['CRSUC', 'CREU1', 'CREU2', 'CREU3', 'CRPA1', 'CRPA2', 'CRRET'].map((c) => `connection-requests-update/v3-2-${c.toLowerCase()}`),
  'invalid code': ['connection-requests-update/invalid-code'],
  'unknown id': ['connection-requests-get/unknown-id', 'connection-requests-update/unknown-id'],
  'missing, unknown, expired, revoked token': ['missing-token', 'unknown-token', 'expired-token', 'revoked-token'].map((t) => `connection-requests-authorization/${t}`),
  'wrong role': ['connection-requests-authorization/wrong-role-list', 'connection-requests-authorization/wrong-role-update', 'oauth-revoke/requires-web-services-administrator'],
};

describe('contract fixtures', () => {
  it('load and validate, covering every item of the required list', () => {
    const keys = new Set(loadFixtures().interactions.map((i) => i.key));
    const missing = Object.entries(REQUIRED_COVERAGE).flatMap(([item, needed]) => needed.filter((k) => !keys.has(k)).map((k) => `${item}: ${k}`));
    expect(missing).toEqual([]);
  });

  it('cover API versions 3.0, 3.1 and 3.2 in both XML and JSON', () => {
    const interactions = loadFixtures().interactions;
    for (const version of ['3.0', '3.1', '3.2']) {
      for (const format of ['json', 'xml'] as const) {
        const hit = interactions.some((i) => i.request.path.startsWith(`/api/v${version}/`) && i.response.body !== undefined && format in i.response.body && i.response.status === 200);
        expect(hit, `v${version} ${format}`).toBe(true);
      }
    }
  });

  describe('a malformed fixture fails loudly, naming the file and the field', () => {
    const roots: string[] = [];
    afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

    /** A copy of contracts/ whose oauth-refresh.json is changed by `edit` (or replaced by raw text). */
    function problemsWith(edit: ((file: FixtureFile) => void) | string): FixtureProblem[] {
      const root = mkdtempSync(join(tmpdir(), 'contracts-'));
      roots.push(root);
      for (const part of ['schema', 'reference', 'variables.json']) cpSync(join(CONTRACTS_DIR, part), join(root, part), { recursive: true });
      mkdirSync(join(root, 'interactions'));
      const original = readFileSync(join(CONTRACTS_DIR, 'interactions', 'oauth-refresh.json'), 'utf8');
      const edited = (): string => {
        if (typeof edit === 'string') return edit;
        const data = JSON.parse(original) as FixtureFile;
        edit(data);
        return JSON.stringify(data);
      };
      const text = edited();
      writeFileSync(join(root, 'interactions', 'oauth-refresh.json'), text);
      try {
        loadFixtures({ root });
      } catch (error) {
        expect(error).toBeInstanceOf(FixtureError);
        expect((error as Error).message).toContain('oauth-refresh.json');
        return [...(error as FixtureError).problems].map((p) => ({ ...p, file: p.file.replace(/^.*interactions/, 'interactions') }));
      }
      throw new Error('the malformed fixture loaded');
    }

    const file = 'interactions/oauth-refresh.json';
    const first = 'interactions[0] (refreshes-access-token-xml)';

    it('a wrong type', () => {
      expect(problemsWith((f) => ((f.interactions[0]!.response as unknown as Record<string, unknown>).status = '200'))).toEqual([{ file, field: `${first}.response.status`, message: 'must be integer' }]);
    });

    it('a missing field and an unknown one', () => {
      expect(
        problemsWith((f) => {
          delete (f.interactions[0] as unknown as Record<string, unknown>).name;
          (f.interactions[0] as unknown as Record<string, unknown>).nmae = 'typo';
        }),
      ).toEqual([
        { file, field: `${first}.name`, message: 'is required' },
        { file, field: first, message: "unknown field 'nmae'" },
      ]);
    });

    it('an unknown matcher', () => {
      const problems = problemsWith((f) => {
        const body = f.interactions[0]!.response.body as { xml: { Access_Token: Record<string, unknown> } };
        body.xml.Access_Token['Token'] = { $match: 'regexp', regex: '.' };
      });
      expect(problems).toEqual([{ file, field: `${first}.response.body.xml.Access_Token.Token`, message: 'unknown matcher "regexp" (known: type, regex, date, eachLike, nullOrString, absent)' }]);
    });

    it("a regex its own example does not match, and a date format with a letter it does not know", () => {
      const problems = problemsWith((f) => {
        const token = (f.interactions[0]!.response.body as { xml: { Access_Token: Record<string, unknown> } }).xml.Access_Token;
        token['Token'] = { $match: 'regex', regex: '^1_', example: '0_abc' };
        token['Expiration_date'] = { $match: 'date', format: 'M/d/yyyy Q', example: '1/1/2020' };
      });
      expect(problems).toEqual([
        { file, field: `${first}.response.body.xml.Access_Token.Token`, message: 'example "0_abc" does not match /^1_/' },
        { file, field: `${first}.response.body.xml.Access_Token.Expiration_date`, message: "unsupported letter 'Q' in date format 'M/d/yyyy Q'" },
      ]);
    });

    it('an undeclared variable, and one no provider state of the interaction provides', () => {
      expect(
        problemsWith((f) => {
          f.interactions[0]!.request.query!['client_id'] = '{{clientIdentifier}}';
          f.interactions[0]!.request.query!['refresh_token'] = '{{travelerToken}}';
        }),
      ).toEqual([
        { file, field: `${first}.request.query['refresh_token']`, message: "{{travelerToken}} is neither a credential nor provided by this interaction's provider states" },
        { file, field: `${first}.request.query['client_id']`, message: '{{clientIdentifier}} is not declared in contracts/variables.json' },
      ]);
    });

    it('an unknown provider state, and bad params for a known one', () => {
      const problems = problemsWith((f) => {
        f.interactions[0]!.given = [{ state: 'a token for the admin' }, { state: 'a request token issued {ageSeconds} seconds ago', params: { ageSeconds: 'ten' } }];
      });
      expect(problems.map((p) => [p.field, p.message.slice(0, 60)])).toEqual([
        [`${first}.given[0].state`, "unknown provider state 'a token for the admin' (known: 'an a"],
        [`${first}.given[1].params`, 'params/ageSeconds must be integer'],
        // The administrator's state is gone, so nothing provides its refresh token any more.
        [`${first}.request.query['refresh_token']`, '{{adminRefreshToken}} is neither a credential nor provided b'],
      ]);
    });

    it('a duplicate id, a family that is not the file name, and text that is not JSON', () => {
      expect(
        problemsWith((f) => {
          f.family = 'oauth-refreshes';
          f.interactions[1]!.id = f.interactions[0]!.id;
        }).map((p) => [p.field, p.message]),
      ).toEqual([
        ['family', "must be 'oauth-refresh', the file's name"],
        ['interactions[1] (refreshes-access-token-xml).id', "duplicate id 'refreshes-access-token-xml' in this file"],
      ]);
      const [syntax] = problemsWith('{ "family": "oauth-refresh", ');
      expect(syntax).toMatchObject({ file, field: '(file)' });
      expect(syntax!.message).toMatch(/^not valid JSON: /);
    });
  });
});
