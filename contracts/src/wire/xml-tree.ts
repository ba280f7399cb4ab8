import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * XML as the matcher sees it: `{ Root: … }` where an element is its text, `null` when it
 * says `xsi:nil="true"`, or an object of its attributes (`@name`) and child elements (a
 * name that repeats becomes an array). Whitespace between elements is not content.
 */
export type XmlValue = string | null | XmlValue[] | { [name: string]: XmlValue };

export class XmlParseError extends Error {}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
});

type OrderedNode = { [name: string]: OrderedNode[] | string | Record<string, string> | undefined; ':@'?: Record<string, string> };

export function parseXmlDocument(text: string): Record<string, XmlValue> {
  // Never expand entities from a body we did not write (billion laughs, external entities).
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlParseError('XML with a DOCTYPE or ENTITY declaration is not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlParseError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const nodes = (parser.parse(text) as OrderedNode[]).filter((n) => elementName(n) !== undefined);
  if (nodes.length !== 1) throw new XmlParseError(`expected one root element, found ${nodes.length}`);
  const root = nodes[0]!;
  return { [elementName(root)!]: elementValue(root) };
}

function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text' && !k.startsWith('?') && k !== '#comment');
}

function elementValue(node: OrderedNode): XmlValue {
  const name = elementName(node)!;
  const attributes = node[':@'] ?? {};
  if (attributes['@xsi:nil'] === 'true') return null;
  const children = (node[name] as OrderedNode[] | undefined) ?? [];
  const elements = children.filter((c) => elementName(c) !== undefined);
  const text = children
    .filter((c) => '#text' in c)
    .map((c) => String(c['#text']))
    .join('');
  const attributeEntries = Object.entries(attributes);
  if (elements.length === 0 && attributeEntries.length === 0) return text;
  const out: Record<string, XmlValue> = {};
  for (const [k, v] of attributeEntries) out[k] = v;
  if (elements.length === 0) {
    out['#text'] = text;
    return out;
  }
  for (const child of elements) {
    const childName = elementName(child)!;
    const value = elementValue(child);
    const existing = out[childName];
    // An element's own value is never an array, so an array here means a repeated name.
    if (existing === undefined) out[childName] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[childName] = [existing, value];
  }
  return out;
}
