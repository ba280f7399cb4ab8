import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesDateFormat } from '../../contracts/src/matching/date-format.js';
import { matchValue } from '../../contracts/src/matching/match-value.js';
import { formatPath } from '../../contracts/src/matching/mismatch.js';
import { parseXmlDocument } from '../../contracts/src/wire/xml-tree.js';
import { writeXmlDocument } from '../../contracts/src/wire/xml-writer.js';
import { concurDateTime, usTokenDate } from '../../mock-concur/src/wire/dates.js';

const report = (expected: Parameters<typeof matchValue>[0], actual: unknown, notation: 'json' | 'xml' = 'json') => matchValue(expected, actual, notation).map((m) => `${formatPath(m.path, notation)}: ${m.message}`);

describe('date formats', () => {
  it("checks Concur's two date styles field by field", () => {
    expect(matchesDateFormat('3/30/2013 2:19:10 PM', 'M/d/yyyy h:mm:ss a')).toBe(true);
    expect(matchesDateFormat('12/31/2026 12:00:00 AM', 'M/d/yyyy h:mm:ss a')).toBe(true);
    expect(matchesDateFormat('2/30/2013 2:19:10 PM', 'M/d/yyyy h:mm:ss a')).toBe(false);
    expect(matchesDateFormat('3/30/2013 0:19:10 PM', 'M/d/yyyy h:mm:ss a')).toBe(false);
    expect(matchesDateFormat('3/30/2013 14:19:10', 'M/d/yyyy h:mm:ss a')).toBe(false);
    expect(matchesDateFormat('2022-11-09T05:57:29', "yyyy-MM-dd'T'HH:mm:ss")).toBe(true);
    expect(matchesDateFormat('2022-11-09T05:57:29Z', "yyyy-MM-dd'T'HH:mm:ss")).toBe(false);
    expect(matchesDateFormat('2022-11-09T24:00:00', "yyyy-MM-dd'T'HH:mm:ss")).toBe(false);
  });

  it('accepts every instant the mock writes, in both styles', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2999, 11, 31) }), (ms) => {
        expect(matchesDateFormat(usTokenDate(ms), 'M/d/yyyy h:mm:ss a')).toBe(true);
        expect(matchesDateFormat(concurDateTime(ms), "yyyy-MM-dd'T'HH:mm:ss")).toBe(true);
      }),
    );
  });
});

describe('matching values', () => {
  it('names every difference by JSON path', () => {
    const expected = {
      Items: { $match: 'eachLike', like: { ID: { $match: 'regex', regex: '^\\d+$', example: '1' }, middleName: { $match: 'nullOrString', example: null }, userId: { $match: 'absent' } }, min: 1 },
      NextPage: null,
      'Server-Time': { $match: 'date', format: "yyyy-MM-dd'T'HH:mm:ss", example: '2022-11-09T05:57:29' },
    } as const;
    const actual = { Items: [{ ID: '7', middleName: null }, { ID: 'x', middleName: 5, userId: 'u' }], NextPage: 'next', 'Server-Time': 'yesterday' };
    expect(report(expected, actual)).toEqual([
      '$.Items[1].ID: expected a string matching /^\\d+$/ but got "x"',
      '$.Items[1].middleName: expected null or a string but got 5',
      '$.Items[1].userId: expected no such key but got "u"',
      '$.NextPage: expected null but got "next"',
      "$['Server-Time']: expected a date like 'yyyy-MM-dd'T'HH:mm:ss' (e.g. \"2022-11-09T05:57:29\") but got \"yesterday\"",
    ]);
  });

  it('matches type all the way down, and arrays item by item', () => {
    expect(report({ $match: 'type', example: { a: 'x', b: [1] } }, { a: 2, b: [3, 'four'] })).toEqual(['$.a: expected a string but got 2', '$.b[1]: expected a number but got "four"']);
    expect(report(['a', 'b'], ['a'])).toEqual(['$: expected 2 item(s) but got 1']);
    expect(report({ $match: 'eachLike', like: 'x', min: 0, max: 1 }, ['x', 'x'])).toEqual(['$: expected at most 1 item(s) but got 2']);
  });

  it('names every difference by XML path, counting from 1, attributes with @', () => {
    const expected = {
      Page: { '@xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', Items: { Item: { $match: 'eachLike', like: { name: { $match: 'type', example: 'x' }, gone: { $match: 'absent' } } } }, Next: null },
    } as const;
    const xml = '<Page xmlns:xsi="urn:wrong"><Items><Item><name>a</name></Item><Item><gone>b</gone></Item></Items><Next>n</Next></Page>';
    expect(report(expected, parseXmlDocument(xml), 'xml')).toEqual([
      '/Page/@xmlns:xsi: expected "http://www.w3.org/2001/XMLSchema-instance" but got "urn:wrong"',
      '/Page/Items/Item[2]/name: missing (expected a string)',
      '/Page/Items/Item[2]/gone: expected no such element but got "b"',
      '/Page/Next: expected null (xsi:nil) but got "n"',
    ]);
  });

  it('reads one XML element as a list of one, and an empty one as an empty list', () => {
    const expected = { Page: { Items: { Item: { $match: 'eachLike', like: 'a', min: 0 } } } } as const;
    expect(report(expected, parseXmlDocument('<Page><Items><Item>a</Item></Items></Page>'), 'xml')).toEqual([]);
    expect(report(expected, parseXmlDocument('<Page><Items></Items></Page>'), 'xml')).toEqual([]);
    expect(report(expected, parseXmlDocument('<Page><Items /></Page>'), 'xml')).toEqual([]);
  });

  it('writes XML it can read back: attributes, xsi:nil, repeated elements, escaping', () => {
    const document = { R: { '@xmlns:xsi': 'urn:x', A: ['1 & 2', '<3>'], B: null, C: { D: 'd' } } };
    const xml = writeXmlDocument(document);
    expect(xml).toBe('<R xmlns:xsi="urn:x"><A>1 &amp; 2</A><A>&lt;3&gt;</A><B xsi:nil="true" /><C><D>d</D></C></R>');
    expect(parseXmlDocument(xml)).toEqual(document);
  });

  it('refuses XML with a DOCTYPE rather than expanding entities', () => {
    expect(() => parseXmlDocument('<!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>')).toThrow(/DOCTYPE/);
  });
});
