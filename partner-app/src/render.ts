import type { FastifyReply } from 'fastify';
import type { SafeHtml } from './html.js';
import { layout } from './views/layout.js';
import type { PartnerMember } from './member-store.js';

/** Sends a whole page in the app's frame; pages carry state, so no cache keeps them. */
export function sendPage(reply: FastifyReply, status: number, page: { title: string; body: SafeHtml; member?: PartnerMember | undefined; csrfToken?: string | undefined }): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(layout(page));
}

/** One string field of a parsed form; a missing or repeated field reads as empty. */
export function formField(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}
