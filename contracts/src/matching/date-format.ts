/**
 * Dates written in a pattern, checked field by field (a regex alone would take 2/30/2013).
 * The letters are Java DateTimeFormatter's, so the same pattern goes into a Pact
 * `timestamp` rule unchanged. Concur writes two: `yyyy-MM-dd'T'HH:mm:ss` (lastModified,
 * Server-Time) and `M/d/yyyy h:mm:ss a` (Access_Token Expiration_date).
 */

type Field = 'year' | 'month' | 'day' | 'hour24' | 'hour12' | 'minute' | 'second' | 'ampm';

const TOKENS: ReadonlyArray<readonly [string, Field, string]> = [
  ['yyyy', 'year', '(\\d{4})'],
  ['MM', 'month', '(\\d{2})'],
  ['M', 'month', '(\\d{1,2})'],
  ['dd', 'day', '(\\d{2})'],
  ['d', 'day', '(\\d{1,2})'],
  ['HH', 'hour24', '(\\d{2})'],
  ['H', 'hour24', '(\\d{1,2})'],
  ['hh', 'hour12', '(\\d{2})'],
  ['h', 'hour12', '(\\d{1,2})'],
  ['mm', 'minute', '(\\d{2})'],
  ['ss', 'second', '(\\d{2})'],
  ['a', 'ampm', '(AM|PM)'],
];

interface CompiledFormat {
  regex: RegExp;
  fields: Field[];
}

const cache = new Map<string, CompiledFormat>();

export class DateFormatError extends Error {}

/** Compiles a pattern; unknown letters fail, so a typo in a fixture is caught at load. */
export function compileDateFormat(format: string): CompiledFormat {
  const cached = cache.get(format);
  if (cached) return cached;
  let source = '';
  const fields: Field[] = [];
  for (let i = 0; i < format.length; ) {
    const ch = format[i]!;
    if (ch === "'") {
      const end = format.indexOf("'", i + 1);
      if (end < 0) throw new DateFormatError(`unclosed quote in date format '${format}'`);
      source += escape(format.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    const token = TOKENS.find(([t]) => format.startsWith(t, i));
    if (token) {
      source += token[2];
      fields.push(token[1]);
      i += token[0].length;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) throw new DateFormatError(`unsupported letter '${ch}' in date format '${format}'`);
    source += escape(ch);
    i++;
  }
  const compiled = { regex: new RegExp(`^${source}$`), fields };
  cache.set(format, compiled);
  return compiled;
}

/** Whether `value` is a real date in `format` (month 1–12, day within the month, and so on). */
export function matchesDateFormat(value: string, format: string): boolean {
  const { regex, fields } = compileDateFormat(format);
  const m = regex.exec(value);
  if (!m) return false;
  const got: Partial<Record<Field, string>> = {};
  fields.forEach((field, i) => (got[field] = m[i + 1]));
  const num = (f: Field) => (got[f] === undefined ? undefined : Number(got[f]));
  const year = num('year') ?? 2000;
  const month = num('month') ?? 1;
  const day = num('day') ?? 1;
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  const h24 = num('hour24');
  const h12 = num('hour12');
  if (h24 !== undefined && h24 > 23) return false;
  if (h12 !== undefined && (h12 < 1 || h12 > 12)) return false;
  if ((num('minute') ?? 0) > 59 || (num('second') ?? 0) > 59) return false;
  return true;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
