import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import { ConcurApiError } from '../../wire/errors.js';
import { OAuth2Error } from '../../wire/oauth2-errors.js';
import { methodNotAllowed } from '../method-not-allowed.js';
import { connectionRoutes } from './connections.js';
import { jwksRoute } from './jwks.js';
import { legacyMigrationRoute } from './legacy-migration.js';
import { tokenRoute } from './token.js';

/**
 * The current Authentication API (`/oauth2/v0`) and the App Management calls beside it
 * (`/app-mgmt/v0/connections`, the legacy-token migration). Its own plugin: errors here are
 * the Authentication API's JSON `{ error, error_description, code }`, not Concur's legacy
 * envelope, and every answer carries the `concur-correlationid` the documents ask partners to log.
 */
export async function oauth2Routes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', (_request, reply, done) => {
    correlate(reply);
    done();
  });

  app.setErrorHandler((error: FastifyError | ConcurApiError | OAuth2Error, request, reply) => {
    // A fault injected before this plugin's hook ran still gets its correlation id.
    correlate(reply);
    if (error instanceof OAuth2Error) return reply.code(error.status).send(error.body());
    if (error instanceof ConcurApiError) {
      // The mock's own refusals (an injected fault, a chunked body, a wrong method) keep their
      // status and headers, in this API's body; code 0 marks them as not Concur's numbered ones.
      void reply.headers(error.headers);
      const kind = error.status >= 500 || error.status === 429 ? 'temporarily_unavailable' : 'invalid_request';
      return reply.code(error.status).send({ error: kind, error_description: error.message, code: 0 });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // A body that is not form-encoded (JSON the parser refused, an unknown type, too large).
      return reply.code(status === 413 ? 413 : 400).send(new OAuth2Error(400, 'invalid_request', 'unsupported request format', 135).body());
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send({ error: 'server_error', error_description: 'The mock hit an unexpected error.', code: 0 });
  });

  tokenRoute(app);
  jwksRoute(app);
  connectionRoutes(app);
  legacyMigrationRoute(app);
  methodNotAllowed(app, '/oauth2/v0/token', ['POST']);
  methodNotAllowed(app, '/oauth2/v0/jwks', ['GET']);
  methodNotAllowed(app, '/app-mgmt/v0/connections', ['DELETE']);
  methodNotAllowed(app, '/appmgmt/v0/legacyApps/:consumerKey/exchangeRefreshToken/me', ['POST']);
}

function correlate(reply: FastifyReply): void {
  if (!reply.hasHeader('concur-correlationid')) reply.header('concur-correlationid', randomBytes(16).toString('hex'));
}
