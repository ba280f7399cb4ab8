import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.js';
import type { MockState } from '../../state.js';

/** Who is calling (settled by the family's onRequest hook), the sandbox it called and its time now. */
export type Caller = (request: FastifyRequest) => { principal: Principal; now: number; mock: MockState };
