import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.js';

/** Who is calling (settled by the family's onRequest hook) and the mock's time now. */
export type Caller = (request: FastifyRequest) => { principal: Principal; now: number };
