import type { SandboxRegistry } from './sandbox-registry.js';
import type { MockState } from './state.js';
import type { Principal } from './auth/principal.js';
import type { FaultRule } from './http/faults.js';
import type { JournalClient, JournalSubject } from './http/journal-client.js';
import type { WireFormat } from './wire/negotiate.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The root's state (the default sandbox). Routes read `request.mock`, which may be a sandbox's. */
    mock: MockState;
    /** The sandboxes under `/sandboxes/{id}`. */
    sandboxes: SandboxRegistry;
  }
  interface FastifyRequest {
    /** The state this request reads and changes: the root's, or its sandbox's (set by the first hook). */
    mock: MockState;
    /** The format every answer to this request is written in (errors included). */
    wireFormat: WireFormat;
    /** A line for the journal about what this request did (never a secret). */
    journalNote: string | undefined;
    /** Who called, for the journal's lanes (set where a route learns it; never a secret). */
    journalClient: JournalClient | undefined;
    /** What the request concerned (requests, a user, a token), for timelines and filters. */
    journalSubject: JournalSubject | undefined;
    /** Whether this is a control-API call (`isControl`, worked out once). */
    controlCall: boolean | undefined;
    /** The fault rule that fired for this request, if any. */
    fault: FaultRule | undefined;
    /** The authenticated caller of a Connection Requests route. */
    principal: Principal | undefined;
  }
}
