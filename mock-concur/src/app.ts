import formbody from '@fastify/formbody';
import { createServer } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { prepareDemoPeople } from './domain/demo-people.js';
import './fastify-types.js';
import { compileOnFirstUse } from './http/compile-on-first-use.js';
import { answerFormat, isControl } from './http/control-path.js';
import { holdRepliesUntilDurable } from './http/durable-replies.js';
import { guardControl } from './http/guard-control.js';
import { injectFaults } from './http/inject-faults.js';
import { recordRequests } from './http/record-requests.js';
import { redactUrl } from './http/redact-url.js';
import { requestBodyRules } from './http/request-body-rules.js';
import { resolveSandbox, routeInsideSandbox } from './http/sandbox-routing.js';
import { resolveOptions, type MockConcurInput } from './options.js';
import { webPages } from './pages/plugin.js';
import { connectionRequestRoutes } from './routes/connection-requests/index.js';
import { controlRoutes } from './routes/control/index.js';
import { oauthLegacyRoutes } from './routes/oauth-legacy/index.js';
import { oauth2Routes } from './routes/oauth2/index.js';
import { SandboxRegistry } from './sandbox-registry.js';
import { MockState } from './state.js';
import { API_VERSIONS } from './wire/connection-request-codec.js';
import { ConcurApiError, errors, withAuthFailureStatus } from './wire/errors.js';
import { sendError } from './wire/respond.js';
import { parseXml, XmlRejected } from './wire/xml.js';

/**
 * The mock as a Fastify instance that never listens: tests use `inject()`, `cli.ts` and
 * `startMockConcur()` call `listen()`. The state is built in one place (`state.ts`); this
 * file only registers: parsers, the cross-cutting plugins (`http/`), the error handlers and
 * the endpoint families (`routes/`, `pages/`).
 */
export async function buildMockConcur(input: MockConcurInput = {}): Promise<FastifyInstance> {
  const options = resolveOptions(input);
  const app = Fastify({
    // Concur's paths are case-insensitive (GetAccessToken.ashx and getaccesstoken.ashx).
    // A doubled slash (`//api/v3.2/…`, from a base URL with a trailing slash) routes like one.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 512 },
    // `/sandboxes/{id}/…` routes as `/…` against the sandbox's own state (resolveSandbox).
    rewriteUrl: routeInsideSandbox,
    bodyLimit: options.bodyLimit,
    // Silent means no logger at all: a per-request child logger is measurable on the hot path.
    logger:
      options.logLevel === 'silent'
        ? false
        : {
            level: options.logLevel,
            // Request tokens, secrets and refresh tokens travel in query strings: never log them.
            serializers: { req: (req) => ({ method: req.method, url: redactUrl(req.url) }) },
            redact: ['req.headers.authorization'],
          },
    return503OnClosing: true,
    // Headers that never finish are cut (408) after headersTimeoutMs; the whole request
    // after three times that. Node checks open connections once a second.
    serverFactory: (handler) =>
      createServer({ headersTimeout: options.headersTimeoutMs, requestTimeout: options.headersTimeoutMs * 3, connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs) }, handler),
    // Validate control-API bodies as they are: no type coercion, no silently dropped fields.
    // Each schema is compiled on its first request, not at start (compileOnFirstUse).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false }, onCreate: compileOnFirstUse },
    // Errors Fastify raises before routing (a bad %-escape, an over-long parameter) are
    // answered in Concur's envelope too.
    frameworkErrors: (error, request, reply) => {
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      const message = status === 414 ? 'Request URI is too long' : 'Malformed request URL';
      void sendError(reply, answerFormat(request), new ConcurApiError(status, message), reply.server.mock.clock.now(), wrapJsonErrors(request));
    },
  });
  // Concur's endpoints answer JSON errors as {"Error": {…}} (or flat: --json-errors flat); the control API is the mock's own, flat.
  const wrapJsonErrors = (request: FastifyRequest) => (request.mock ?? app.mock).options.jsonErrors === 'wrapped' && !isControl(request);
  await prepareDemoPeople(options.seed, options.demoTravelers);
  const root = new MockState(options);
  app.decorate('mock', root);
  app.decorate('sandboxes', await SandboxRegistry.open(root, { maxSandboxes: options.maxSandboxes, idleTtlMs: options.sandboxIdleTtlMs, wallClock: options.wallClock }));
  app.addHook('onClose', async () => {
    await app.sandboxes.closeAll();
    await root.close();
  });
  app.decorateRequest('mock', null as unknown as MockState);
  app.decorateRequest('wireFormat', 'xml');
  app.decorateRequest('journalNote', undefined);
  app.decorateRequest('journalClient', undefined);
  app.decorateRequest('journalSubject', undefined);
  // Connection Requests' hook sets it; declared here so every request has the same shape.
  app.decorateRequest('principal', undefined);
  app.decorateRequest('fault', undefined);
  app.decorateRequest('controlCall', undefined);

  await app.register(formbody, { bodyLimit: options.bodyLimit });
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseXml(body as string));
    } catch (error) {
      done(error instanceof XmlRejected ? errors.invalidBody(error.message) : (error as Error), undefined);
    }
  });

  await app.register(resolveSandbox);
  await app.register(guardControl, { controlToken: options.controlToken, allowedHosts: options.allowedHosts, publicUrl: options.publicUrl });
  await app.register(injectFaults);
  await app.register(requestBodyRules);
  // With a state dir, no answer leaves before the changes it could show are on disk.
  if (options.stateDir !== undefined) await app.register(holdRepliesUntilDurable);
  await app.register(recordRequests);

  app.setErrorHandler((error: FastifyError | ConcurApiError, request, reply) => {
    const mock = request.mock ?? app.mock;
    const now = mock.clock.now();
    if (error instanceof ConcurApiError) return sendError(reply, request.wireFormat, withAuthFailureStatus(error, mock.options.authFailureStatus), now, wrapJsonErrors(request));
    if ((error as FastifyError).validation) return sendError(reply, request.wireFormat, errors.invalidBody(error.message), now, wrapJsonErrors(request));
    const status = (error as FastifyError).statusCode ?? 500;
    if (status === 413) return sendError(reply, request.wireFormat, errors.bodyTooLarge(options.bodyLimit), now, wrapJsonErrors(request));
    if (status === 415) return sendError(reply, request.wireFormat, errors.unsupportedMediaType(String(request.headers['content-type'] ?? '').slice(0, 100)), now, wrapJsonErrors(request));
    if (status >= 400 && status < 500) return sendError(reply, request.wireFormat, new ConcurApiError(status, clientErrorMessage(error as FastifyError)), now, wrapJsonErrors(request));
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, request.wireFormat, errors.internal(), now, wrapJsonErrors(request));
  });

  app.setNotFoundHandler((request, reply) => sendError(reply, request.wireFormat, errors.notFound(request.originalUrl.split('?')[0]!.slice(0, 200)), request.mock.clock.now(), wrapJsonErrors(request)));

  await app.register(oauthLegacyRoutes);
  await app.register(oauth2Routes);
  for (const version of API_VERSIONS) await app.register(connectionRequestRoutes(version));
  await app.register(controlRoutes);
  await app.register(webPages);
  return app;
}

/** Fastify's own 4xx messages, minus its error-code prefixes. */
function clientErrorMessage(error: FastifyError): string {
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'Invalid request body: empty JSON body';
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) return 'Invalid request body: malformed JSON';
  return `Bad request: ${error.message}`.slice(0, 300);
}
