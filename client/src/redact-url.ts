/**
 * Query parameters that carry credentials in Concur's flows (the same list the mock and the
 * partner app redact): they must never reach an error message or a log.
 */
const SECRET_PARAMS = new Set(['code', 'requesttoken', 'client_secret', 'refresh_token', 'token', 'access_token', 'password']);

export function redactUrl(url: URL | string): string {
  const u = new URL(String(url));
  for (const key of [...u.searchParams.keys()]) {
    if (SECRET_PARAMS.has(key.toLowerCase())) u.searchParams.set(key, 'REDACTED');
  }
  return u.toString();
}
