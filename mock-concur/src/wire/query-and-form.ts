type Params = Record<string, unknown>;

/**
 * The parameters of a legacy OAuth call: the query string and a form (or JSON) body together,
 * as ASP.NET's `Request[name]` reads them. A body that repeats a query parameter with the same
 * value is one parameter (Concur's Passport strategy sends the code exchange's parameters in
 * both); a different value becomes a list, which `param()` refuses as "given more than once"
 * only if the endpoint reads that name, so unknown extras (`grant_type`, `redirect_uri`) are
 * ignored whatever they hold.
 */
export function queryAndForm(query: unknown, body: unknown): Params {
  const merged: Params = Object.create(null) as Params;
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(isRecord(query) ? query : {})) {
    merged[key] = value;
    seen.set(key.toLowerCase(), key);
  }
  if (!isRecord(body)) return merged;
  for (const [key, value] of Object.entries(body)) {
    const existing = seen.get(key.toLowerCase());
    if (existing === undefined) {
      merged[key] = value;
      seen.set(key.toLowerCase(), key);
    } else if (!sameValue(merged[existing], value)) {
      merged[existing] = [merged[existing], value].flat();
    }
  }
  return merged;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'string' && Array.isArray(b) && b.length > 0 && b.every((v) => v === a));
}

function isRecord(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
