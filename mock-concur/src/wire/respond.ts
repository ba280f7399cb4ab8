import type { FastifyReply } from 'fastify';
import { newErrorId } from '../domain/secrets.js';
import { concurDateTime } from './dates.js';
import type { ConcurApiError } from './errors.js';
import type { WireFormat } from './negotiate.js';
import { xmlDocument } from './xml.js';

/** A body that can be written in either format, as text; only the chosen one is built. */
export interface Entity {
  json(): string;
  xml(): string;
}

export const CONTENT_TYPES: Record<WireFormat, string> = {
  xml: 'application/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export function sendXml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', CONTENT_TYPES.xml).send(body);
}

export function sendJson(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', CONTENT_TYPES.json).send(body);
}

export function sendEntity(reply: FastifyReply, format: WireFormat, status: number, entity: Entity): FastifyReply {
  return format === 'json' ? sendJson(reply, status, entity.json()) : sendXml(reply, status, entity.xml());
}

/**
 * Concur's error envelope: `Message`, `Server-Time` (the mock's clock), `Id`. In JSON wrapped
 * in `Error` as the XML is (`wrapJson`, the status-code page), or flat.
 */
export function errorEntity(message: string, now: number, wrapJson = false): Entity {
  const id = newErrorId();
  const serverTime = concurDateTime(now);
  return {
    json: () => {
      const fields = { Message: message, 'Server-Time': serverTime, Id: id };
      return JSON.stringify(wrapJson ? { Error: fields } : fields);
    },
    xml: () => xmlDocument('Error', [['Message', message], ['Server-Time', serverTime], ['Id', id]]),
  };
}

export function sendError(reply: FastifyReply, format: WireFormat, error: ConcurApiError, now: number, wrapJson = false): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return sendEntity(reply, format, error.status, errorEntity(error.message, now, wrapJson));
}
