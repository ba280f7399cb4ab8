import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concurDateTime, usTokenDate } from '../../../mock-concur/src/wire/dates.js';
import { responseFormat } from '../../../mock-concur/src/wire/negotiate.js';
import { parseXml, xmlDocument, XmlRejected } from '../../../mock-concur/src/wire/xml.js';
import { redactUrl } from '../../../mock-concur/src/http/redact-url.js';

describe('dates', () => {
  it('writes lastModified and Server-Time as UTC with no zone suffix', () => {
    expect(concurDateTime(Date.UTC(2022, 10, 9, 5, 57, 29, 999))).toBe('2022-11-09T05:57:29');
  });

  it.each([
    [Date.UTC(2013, 2, 30, 14, 19, 10), '3/30/2013 2:19:10 PM'],
    [Date.UTC(2027, 0, 5, 0, 4, 9), '1/5/2027 12:04:09 AM'],
    [Date.UTC(2027, 11, 31, 12, 0, 0), '12/31/2027 12:00:00 PM'],
  ])('writes Expiration_date in the US style: %s → %s', (ms, text) => {
    expect(usTokenDate(ms)).toBe(text);
  });
});

describe('content negotiation', () => {
  it.each([
    [undefined, 'xml'],
    ['*/*', 'xml'],
    ['application/json', 'json'],
    ['application/xml', 'xml'],
    ['text/html', 'xml'],
    ['application/xml, application/json', 'xml'],
    ['application/xml;q=0.5, application/json', 'json'],
    ['application/json;q=0', 'xml'],
    ['application/json;q=abc', 'xml'],
  ])('Accept %s answers %s', (accept, format) => {
    expect(responseFormat(accept)).toBe(format);
  });
});

describe('XML', () => {
  it('writes nulls as xsi:nil and escapes text', () => {
    expect(xmlDocument('R', [['a', null], ['b', 'x<&>"'], ['c', [['d', '1']]]])).toBe('<R><a xsi:nil="true" /><b>x&lt;&amp;&gt;&quot;</b><c><d>1</d></c></R>');
  });

  it('refuses a DOCTYPE before parsing, so a billion-laughs body costs one scan', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    expect(() => parseXml(bomb)).toThrow(XmlRejected);
  });

  it('refuses malformed XML with the parser’s reason', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/Malformed XML/);
  });

  it('reads the seed’s PUT body', () => {
    expect(parseXml('<ConnectionRequest><Message/><Status>CRSUC</Status></ConnectionRequest>')).toEqual({ ConnectionRequest: { Message: '', Status: 'CRSUC' } });
  });
});

describe('redaction', () => {
  it('hides every secret-bearing query value, whatever its case or encoding', () => {
    expect(redactUrl('/x?code=0_a&client_id=k&Client_Secret=s&refresh%5Ftoken=r&token=t&limit=5')).toBe('/x?code=REDACTED&client_id=k&Client_Secret=REDACTED&refresh%5Ftoken=REDACTED&token=REDACTED&limit=5');
  });

  it('redacts exactly the secret-bearing parameters, whatever their case or position', () => {
    const secretNames = ['code', 'client_secret', 'refresh_token', 'token', 'password', 'access_token'];
    const name = fc.oneof(
      fc.constantFrom(...secretNames).chain((n) => fc.array(fc.boolean(), { minLength: n.length, maxLength: n.length }).map((up) => [...n].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''))),
      fc.constantFrom('client_id', 'limit', 'offset', 'codes', 'xtoken', 'token_', 'user', ''),
    );
    const value = fc.stringMatching(/^[A-Za-z0-9_.~=-]{0,12}$/);
    const pair = fc.tuple(name, fc.boolean(), value);
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 8 }), (pairs) => {
        const query = pairs.map(([n, withValue, v]) => (withValue ? `${n}=${v}` : n)).join('&');
        const expected = pairs.map(([n, withValue, v]) => (!withValue ? n : secretNames.includes(n.toLowerCase()) ? `${n}=REDACTED` : `${n}=${v}`)).join('&');
        expect(redactUrl(`/net2/oauth2/getaccesstoken.ashx?${query}`)).toBe(`/net2/oauth2/getaccesstoken.ashx?${expected}`);
      }),
      { numRuns: 500 },
    );
  });
});
