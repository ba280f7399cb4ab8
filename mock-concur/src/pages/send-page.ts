import type { FastifyReply } from 'fastify';
import type { Html } from './html.js';

/** Every page leaves through here: HTML with its status, already escaped by the template. */
export function sendPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.text);
}
