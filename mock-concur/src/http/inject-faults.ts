import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { setTimeout as sleep } from 'node:timers/promises';
import { errors } from '../wire/errors.js';
import { isControl } from './control-path.js';
import { journalRequest } from './record-requests.js';

/**
 * Fault injection: a request matching a rule gets its latency, status, connection reset or
 * malformed body. The hook is callback-style with a fast path: with no rules it costs a
 * function call, not a promise per request.
 */
export const injectFaults = fp(
  async function injectFaults(app: FastifyInstance) {
    app.addHook('onRequest', (request, reply, done) => {
      const { faults } = request.mock;
      if (!faults.active || isControl(request)) return done();
      const rule = faults.match(request.method, request.url.split('?')[0]!);
      if (!rule) return done();
      request.fault = rule;
      if (rule.malformedBody) malformSuccessfulBodies(reply);
      const act = () => {
        if (rule.reset) {
          journalRequest(request, 0, 'connection reset');
          reply.hijack();
          request.raw.socket?.destroy();
          return;
        }
        if (rule.status !== null) {
          const headers: Record<string, string> = rule.retryAfterSeconds !== null ? { 'Retry-After': String(rule.retryAfterSeconds) } : {};
          return done(errors.injected(rule.status, headers));
        }
        done();
      };
      if (rule.latencyMs > 0) void sleep(rule.latencyMs).then(act);
      else act();
    });
  },
  { name: 'mock-concur-faults' },
);

/**
 * A malformed-body fault cuts the successful body mid-element and adds junk, so neither XML
 * nor JSON parsers accept it. Only a faulted reply's `send` is wrapped: an `onSend` hook
 * would cost every request a hook run.
 */
function malformSuccessfulBodies(reply: FastifyReply): void {
  const send = reply.send.bind(reply);
  reply.send = (payload?: unknown) => {
    if (reply.statusCode >= 400) return send(payload);
    // A route that answers an object (the /oauth2/v0 JSON) is cut like a written string.
    const text = typeof payload === 'string' ? payload : isPlainObject(payload) ? JSON.stringify(payload) : undefined;
    if (text === undefined || text.length === 0) return send(payload);
    if (typeof payload !== 'string') reply.type('application/json; charset=utf-8');
    return send(text.slice(0, Math.max(1, Math.floor(text.length / 2))) + '<<{"truncated');
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && typeof (value as { pipe?: unknown }).pipe !== 'function';
}
