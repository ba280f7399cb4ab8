/**
 * Where a value differed and how. Paths are kept as segments and written in the body's own
 * notation: `$.Items[0].firstName` for JSON, `/ConnectionRequests/Items/ConnectionRequest[1]/firstName`
 * for XML (XPath counts from 1), so a report points straight at the spot.
 */
export type PathSegment = { key: string } | { index: number } | { attribute: string };

export type BodyNotation = 'json' | 'xml';

export interface Mismatch {
  /** `status`, `header Content-Type`, `query code`, or the body path. */
  where: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(path: readonly PathSegment[], notation: BodyNotation): string {
  if (notation === 'json') {
    let out = '$';
    for (const s of path) {
      if ('index' in s) out += `[${s.index}]`;
      else {
        const key = 'key' in s ? s.key : s.attribute;
        out += IDENTIFIER.test(key) ? `.${key}` : `['${key.replace(/'/g, "\\'")}']`;
      }
    }
    return out;
  }
  let out = '';
  for (const s of path) {
    if ('index' in s) out += `[${s.index + 1}]`;
    else if ('attribute' in s) out += `/@${s.attribute}`;
    else out += `/${s.key}`;
  }
  return out || '/';
}

/** A value as a report shows it: short, and JSON so that "5" and 5 look different. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
