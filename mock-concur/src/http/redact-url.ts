/**
 * Query parameters that carry credentials in Concur's flows: the request token (`code`, and
 * `requestToken` on the App Center's current redirect), the app's secret, refresh and access
 * tokens, a password. The client and the partner app redact the same list.
 */
const SECRET_PARAMS = new Set(['code', 'requesttoken', 'client_secret', 'refresh_token', 'token', 'access_token', 'password']);

const SECRET_PAIRS = /([?&])(code|requesttoken|client_secret|refresh_token|token|access_token|password)=[^&]*/gi;

/** The URL with every secret-bearing query value replaced, for the journal and the logs. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  // Names without escapes (every real client's) take one regex pass; an escaped name
  // (`c%6Fde=`) goes through the decoding path so it is redacted too.
  if (!url.includes('%', q)) return url.slice(0, q) + url.slice(q).replace(SECRET_PAIRS, '$1$2=REDACTED');
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      return eq >= 0 && SECRET_PARAMS.has(decoded.toLowerCase()) ? `${name}=REDACTED` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
