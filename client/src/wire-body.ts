import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type WireFormat = 'json' | 'xml';

// Keep every value a string (IDs and loyalty numbers look numeric but are not numbers), keep
// attributes so `xsi:nil="true"` can become null, and never expand entities.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (_name, jpath) => jpath === 'ConnectionRequests.Items.ConnectionRequest',
});

/** Reads a body as the format its Content-Type names (falling back to the one asked for). */
export function parseWireBody(text: string, contentType: string | null, asked: WireFormat): unknown {
  const format = contentType?.includes('json') ? 'json' : contentType?.includes('xml') ? 'xml' : asked;
  if (format === 'json') return JSON.parse(text) as unknown;
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`invalid XML at line ${valid.err.line}: ${valid.err.msg}`);
  if (/<!DOCTYPE/i.test(text)) throw new Error('XML with a DOCTYPE is refused');
  return unwrapXml(parser.parse(text));
}

/** `xsi:nil` elements become null, namespace declarations go; attributes otherwise stay as `@name`. */
function unwrapXml(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(unwrapXml);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>);
  if (entries.some(([k, v]) => k === '@xsi:nil' && v === 'true')) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    if (k.startsWith('@xmlns')) continue;
    out[k] = unwrapXml(v);
  }
  return out;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A field under any of its documented spellings. */
export function pick(record: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) if (name in record) return record[name];
  return undefined;
}

export function stringOrNull(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
