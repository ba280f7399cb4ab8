const SECRET_PARAMS = /([?&](?:code|state|refresh_token|token|client_secret)=)[^&#]*/gi;

/** A URL as it may be logged: the values of credential-bearing parameters replaced. */
export function redactQuery(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}
