/**
 * mock-concur: SAP Concur's partner-connection APIs on your machine. `buildMockConcur()` is the
 * Fastify app for `inject()`; `startMockConcur()` listens on a free port and answers a handle
 * with a typed control client; `DEMO` holds the credentials the demo data is seeded with.
 * The container helper is `mock-concur/testcontainers`.
 */
import './fastify-types.js';

export { buildMockConcur } from './app.js';
export { defaultOptions, InvalidMockOptionsError, type MockConcurInput, type MockConcurOptions } from './options.js';
export { DEMO } from './domain/demo-accounts.js';
export type { Clock, ClockMode } from './domain/clock.js';
export type { QueueMode } from './domain/connection-requests.js';
export type { FaultRule, FaultRuleInput } from './http/faults.js';
export type { JournalEntry } from './http/journal.js';
export type { Role } from './domain/roles.js';
export type { TokenElementSpelling } from './wire/access-token-codec.js';
export { startMockConcur, type MockConcurHandle, type MockConcurServer, type StartedMockConcur, type StartMockConcurOptions } from './testing/start-mock-concur.js';
export type { MockConcurSandbox } from './testing/sandbox-handle.js';
export { connectMockConcur, type RunningMockConcur } from './testing/connect-mock-concur.js';
export type { SandboxOptions } from './sandbox-options.js';
export {
  MockControlClient,
  MockControlError,
  type ConnectionRequestStatus,
  type MockAccessToken,
  type MockApp,
  type MockAppInput,
  type MockClock,
  type MockConnectionRequest,
  type MockControlClientOptions,
  type MockHealth,
  type PageQuery,
  type MockSandbox,
  type MockTokenState,
  type MockUser,
  type MockUserInput,
} from './testing/control-client.js';
