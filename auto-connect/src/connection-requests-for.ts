import type { AccessToken, ConcurClient, ConnectionRequestsApi } from 'concur-partner-client';

/**
 * The Connection Requests API for the token the worker holds, made once per token rather than
 * once per call: every page read and every PUT would otherwise build its own (its URLs, its
 * header, a dozen closures). A renewed token gets a new one. No signal: the worker never cuts a
 * call to Concur short (see `RequestContext.signal`).
 */
export function connectionRequestsFor(client: ConcurClient): (token: string | AccessToken) => ConnectionRequestsApi {
  let heldFor: string | AccessToken | null = null;
  let api: ConnectionRequestsApi | null = null;
  return (token) => {
    if (api === null || token !== heldFor) {
      api = client.connectionRequests(token);
      heldFor = token;
    }
    return api;
  };
}
