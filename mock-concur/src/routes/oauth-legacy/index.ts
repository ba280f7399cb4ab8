import type { FastifyInstance } from 'fastify';
import { methodNotAllowed } from '../method-not-allowed.js';
import { nativeFlow } from './native-flow.js';
import { revokeTokens } from './revoke.js';
import { exchangeOrRefresh } from './token-exchange.js';

/**
 * Concur's legacy OAuth 2.0 endpoints (the ones the App Center and Auto-Connect seeds use):
 * request-token exchange and refresh, the Native flow, and revocation.
 */
export async function oauthLegacyRoutes(app: FastifyInstance): Promise<void> {
  const exchange = exchangeOrRefresh();
  app.get('/net2/oauth2/getaccesstoken.ashx', exchange);
  app.post('/net2/oauth2/getaccesstoken.ashx', exchange);
  const native = nativeFlow();
  app.get('/net2/oauth2/accesstoken.ashx', native);
  app.post('/net2/oauth2/accesstoken.ashx', native);
  app.post('/net2/oauth2/revoketoken.ashx', revokeTokens());

  methodNotAllowed(app, '/net2/oauth2/getaccesstoken.ashx', ['GET', 'POST']);
  methodNotAllowed(app, '/net2/oauth2/accesstoken.ashx', ['GET', 'POST']);
  methodNotAllowed(app, '/net2/oauth2/revoketoken.ashx', ['POST']);
}
