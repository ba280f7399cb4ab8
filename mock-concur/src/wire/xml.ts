import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * XML as Concur writes it: an ordered list of child elements; `null` is written
 * `<name xsi:nil="true" />`; repeated names (list items) are simply repeated entries.
 */
export type XmlValue = string | null | XmlFields;
export type XmlFields = ReadonlyArray<readonly [name: string, value: XmlValue]>;

export const XSI_NAMESPACES: Readonly<Record<string, string>> = {
  'xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
  'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
};

export function xmlDocument(root: string, fields: XmlFields, attributes: Readonly<Record<string, string>> = {}): string {
  return xmlElement(root, writeFields(fields), attributes);
}

/** An element around already-written XML (cached fragments are spliced in this way). */
export function xmlElement(root: string, innerXml: string, attributes: Readonly<Record<string, string>> = {}): string {
  let attrs = '';
  for (const [k, v] of Object.entries(attributes)) attrs += ` ${k}="${escapeXml(v)}"`;
  // No XML declaration: Concur's documented bodies start with the root element.
  return `<${root}${attrs}>${innerXml}</${root}>`;
}

export function writeFields(fields: XmlFields): string {
  let out = '';
  for (const [name, value] of fields) {
    if (value === null) out += `<${name} xsi:nil="true" />`;
    else if (typeof value === 'string') out += `<${name}>${escapeXml(value)}</${name}>`;
    else out += `<${name}>${writeFields(value)}</${name}>`;
  }
  return out;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeXml(text: string): string {
  // Most values (ids, tokens, dates) need nothing: one test instead of two replaces.
  if (!NEEDS_ESCAPE.test(text)) return text;
  // Characters XML 1.0 cannot carry at all are dropped rather than written broken.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

export class XmlRejected extends Error {}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  // Only the five predefined entities can occur: documents with a DOCTYPE are refused first.
  processEntities: true,
  ignoreDeclaration: true,
  removeNSPrefix: true,
});

/**
 * Parses a request body. A DOCTYPE is refused before parsing, so entity-expansion bombs
 * ("billion laughs") and external entities cost one scan of the text, never an expansion.
 */
export function parseXml(text: string): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlRejected('XML documents with a DOCTYPE or ENTITY declaration are not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlRejected(`Malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (error) {
    // The parser's own limits (nesting depth, reserved names such as __proto__).
    throw new XmlRejected(`Unacceptable XML: ${(error as Error).message}`.slice(0, 200));
  }
  if (!parsed || typeof parsed !== 'object') throw new XmlRejected('Malformed XML: no root element');
  return parsed as Record<string, unknown>;
}
