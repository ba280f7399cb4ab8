import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleResponse } from '../../contracts/src/consumer/example-response.js';
import { bindVariables, exampleValues } from '../../contracts/src/fixtures/bind-variables.js';
import { CONTRACTS_DIR, loadFixtures } from 'concur-contracts';
import { interpolate } from '../../contracts/src/fixtures/placeholders.js';
import { matchValue } from '../../contracts/src/matching/match-value.js';
import { formatPath } from '../../contracts/src/matching/mismatch.js';
import { checkAgainstSwagger, swaggerFile, swaggerTarget } from '../../contracts/src/swagger/swagger-schema.js';
import { parseXmlDocument } from '../../contracts/src/wire/xml-tree.js';

const fixtures = loadFixtures();
const examples = exampleValues(fixtures.variables);

describe("golden fixtures hold to Concur's documented examples", () => {
  const golden = fixtures.interactions.filter((i) => i.golden);

  it('there are golden fixtures for the token, the error envelope and the v3.2 XML page', () => {
    expect(golden.map((i) => i.golden!.example).sort()).toEqual(['access-token.xml', 'connection-requests-v3.2-page.xml', 'error-invalid-user.xml', 'error-invalid-user.xml']);
  });

  it.each(golden.map((i) => [i.key, i] as const))('%s accepts its documented example as it stands', (_, interaction) => {
    const text = readFileSync(join(CONTRACTS_DIR, 'reference', 'concur-examples', interaction.golden!.example), 'utf8');
    const body = interaction.response.body!;
    const notation = 'xml' in body ? 'xml' : 'json';
    const documented = notation === 'xml' ? parseXmlDocument(text) : JSON.parse(text);
    const expected = bindVariables('xml' in body ? body.xml : 'json' in body ? body.json : null, examples);
    expect(matchValue(expected, documented, notation).map((m) => `${formatPath(m.path, notation)}: ${m.message}`)).toEqual([]);
  });
});

describe("Concur's published Swagger", () => {
  it('still declares Items as a single object, the quirk the check corrects', () => {
    for (const version of ['3.0', '3.1', '3.2'] as const) expect(swaggerFile(version).definitions['ConnectionRequestCollection']!.properties!['Items']).toEqual({ $ref: '#/definitions/ConnectionRequestGet' });
  });

  it('accepts the example body of every fixture it documents', () => {
    const checked: string[] = [];
    const violations: string[] = [];
    for (const i of fixtures.interactions) {
      const target = swaggerTarget(i.request.method, interpolate(i.request.path, examples), i.response.status);
      const body = i.response.body;
      if (!target || !body || 'empty' in body) continue;
      const text = exampleResponse(i.response, examples).body;
      const notation = 'xml' in body ? 'xml' : 'json';
      const value = notation === 'xml' ? parseXmlDocument(text) : JSON.parse(text);
      checked.push(i.key);
      for (const v of checkAgainstSwagger(target, { notation, value })) violations.push(`${i.key} ${v.path}: ${v.message}`);
    }
    expect(violations).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(20);
  });

  it('rejects Items as the single object the Swagger literally declares, and fields of another version', () => {
    const target = swaggerTarget('GET', '/api/v3.1/common/connectionrequests', 200)!;
    expect(target).toEqual({ version: '3.1', path: '/common/connectionrequests', method: 'GET', definition: 'ConnectionRequestCollection' });
    expect(checkAgainstSwagger(target, { notation: 'json', value: { Items: { ID: 'x' }, NextPage: null } })).toEqual([{ path: '$.Items', message: 'must be array (v3.1 ConnectionRequestCollection)' }]);
    expect(checkAgainstSwagger(target, { notation: 'json', value: { Items: [{ ID: 'x', userId: 'u' }], NextPage: null } })).toEqual([{ path: '$.Items[0]', message: "'userId' is not a field of the v3.1 ConnectionRequestGet definition" }]);
  });

  it('has nothing to say about operations it does not document', () => {
    expect(swaggerTarget('DELETE', '/api/v3.2/common/connectionrequests/x', 200)).toBeUndefined();
    expect(swaggerTarget('PUT', '/api/v3.2/common/connectionrequests/x', 200)).toBeUndefined();
    expect(swaggerTarget('GET', '/net2/oauth2/getaccesstoken.ashx', 200)).toBeUndefined();
  });
});
