// Concur's credential parameters (the list the client and the mock redact), plus `state`: the
// Web flow's state binds a browser session here, so it is a secret of this app's.
const SECRET_PARAMS = /([?&](?:code|requestToken|client_secret|refresh_token|token|access_token|password|state)=)[^&#]*/gi;

/** A URL as it may be logged: the values of credential-bearing parameters replaced. */
export function redactQuery(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}
