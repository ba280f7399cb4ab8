import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../wire/errors.js';
import { sendAccessToken } from './send-access-token.js';

/**
 * `accesstoken.ashx`, the Native flow: a user's own login and password (Basic) plus the app's
 * consumer key (`X-ConsumerKey`). How an auto-connect service gets its Web Services
 * Administrator's token. Bad credentials and an unknown consumer key are auth failures (403
 * by default: Concur's SDK's tests expect 403 for all three); no Authorization at all is 401.
 */
export function nativeFlow() {
  return (request: FastifyRequest, reply: FastifyReply): void => {
    const { mock } = request;
    const consumerKey = request.headers['x-consumerkey'];
    if (typeof consumerKey !== 'string' || consumerKey === '') throw errors.missingParameter('X-ConsumerKey');
    const credentials = basicCredentials(request.headers.authorization);
    const partner = mock.world.directory.app(consumerKey);
    if (!partner) throw errors.unknownConsumerKey();
    request.journalClient = { kind: 'api', app: partner.consumerKey, credential: 'password' };
    const user = mock.world.directory.authenticateUser(credentials.loginId, credentials.password);
    if (!user) throw errors.invalidCredentials();
    const issued = mock.world.tokens.issueAccessToken(partner.consumerKey, user.loginId, mock.clock.now(), 'native');
    request.journalNote = `native-flow token for ${user.loginId}`;
    request.journalClient = { kind: 'api', app: partner.consumerKey, credential: 'password', user: user.loginId };
    request.journalSubject = { user: user.loginId, token: issued.record.masked };
    sendAccessToken(request, reply, issued);
  };
}

function basicCredentials(header: string | undefined): { loginId: string; password: string } {
  if (!header) throw errors.missingCredentials();
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) throw errors.invalidCredentials();
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw errors.invalidCredentials();
  return { loginId: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
