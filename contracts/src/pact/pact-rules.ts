import type { Expected, Matcher } from '../fixtures/fixture-types.js';
import { hasPlaceholder } from '../fixtures/placeholders.js';
import { isMatcher, isPlainObject } from '../matching/matcher-guards.js';

/** Pact v3 matching rules and generators for one part of a request or response. */
export interface PactRules {
  matchingRules: Record<string, { matchers: Record<string, unknown>[]; combine?: 'AND' | 'OR' }>;
  generators: Record<string, { type: 'ProviderState'; expression: string }>;
  /** Fixture matchers Pact v3 cannot express (reported in the export's metadata). */
  dropped: string[];
}

/** `{{name}}` → `${name}`: Pact's provider-state expression syntax. */
export function pactExpression(text: string): string {
  return text.replace(/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g, '${$1}');
}

/**
 * Walks an expected body and writes its matchers at Pact's JSON paths (`$.Items[*].status`).
 * XML bodies use Pact-JVM's XML paths: element names, `['@attr']`, and `['#text']` for text.
 */
export function pactBodyRules(expected: Expected, notation: 'json' | 'xml'): PactRules {
  const rules: PactRules = { matchingRules: {}, generators: {}, dropped: [] };
  walk(expected, '$', notation, rules);
  return rules;
}

function key(path: string, name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `${path}.${name}` : `${path}['${name}']`;
}

function walk(expected: Expected, path: string, notation: 'json' | 'xml', rules: PactRules): void {
  const leaf = notation === 'xml' ? `${path}['#text']` : path;
  if (typeof expected === 'string') {
    if (hasPlaceholder(expected)) rules.generators[leaf] = { type: 'ProviderState', expression: pactExpression(expected) };
    return;
  }
  if (Array.isArray(expected)) return expected.forEach((item, i) => walk(item, `${path}[${i}]`, notation, rules));
  if (isMatcher(expected)) {
    if (expected.$match === 'eachLike') {
      rules.matchingRules[path] = { matchers: [{ match: 'type', ...(expected.min !== undefined ? { min: expected.min } : {}), ...(expected.max !== undefined ? { max: expected.max } : {}) }] };
      return walk(expected.like, `${path}[*]`, notation, rules);
    }
    if (expected.$match === 'type' && (isPlainObject(expected.example) || Array.isArray(expected.example))) {
      rules.matchingRules[path] = { matchers: [{ match: 'type' }] };
      return;
    }
    const rule = leafRule(expected);
    if (rule) rules.matchingRules[leaf] = rule;
    else rules.dropped.push(`${path}: ${expected.$match}`);
    return;
  }
  if (isPlainObject(expected)) {
    for (const [name, value] of Object.entries(expected as Record<string, Expected>)) {
      walk(value, notation === 'xml' && name.startsWith('@') ? `${path}['${name}']` : key(path, name), notation, rules);
    }
  }
}

/** One matcher as a Pact rule, or undefined when Pact v3 has no equivalent. */
export function leafRule(m: Matcher): PactRules['matchingRules'][string] | undefined {
  switch (m.$match) {
    case 'type':
      return { matchers: [{ match: 'type' }] };
    case 'regex':
      return { matchers: [{ match: 'regex', regex: m.regex }] };
    case 'date':
      return { matchers: [{ match: 'timestamp', timestamp: m.format }] };
    case 'nullOrString':
      return { matchers: [{ match: 'null' }, { match: 'type' }], combine: 'OR' };
    default:
      // eachLike is handled by the walk; `absent` has no Pact counterpart.
      return undefined;
  }
}
