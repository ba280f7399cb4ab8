import type { Json } from '../fixtures/fixture-types.js';
import { isPlainObject } from '../matching/matcher-guards.js';

/**
 * The inverse of `parseXmlDocument`, for bodies a fixture describes: `{ Root: … }` with
 * `@name` keys as attributes, `null` as `xsi:nil="true"`, arrays as repeated elements.
 * Written without a declaration and without whitespace, as Concur's examples are.
 */
export function writeXmlDocument(document: Json): string {
  if (!isPlainObject(document) || Object.keys(document).length !== 1) throw new Error('an XML document is an object with exactly one key, the root element');
  const [root, value] = Object.entries(document)[0]!;
  return element(root, value);
}

function element(name: string, value: Json): string {
  if (value === null) return `<${name} xsi:nil="true" />`;
  if (Array.isArray(value)) return value.map((item) => element(name, item)).join('');
  if (isPlainObject(value)) {
    let attributes = '';
    let content = '';
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith('@')) attributes += ` ${key.slice(1)}="${escapeXml(String(child))}"`;
      else if (key === '#text') content += escapeXml(String(child));
      else content += element(key, child);
    }
    return `<${name}${attributes}>${content}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
