/**
 * The TripLink auto-connect worker: polls Concur's Connection Requests, exchanges each request
 * token before it expires, asks your matcher which member the traveller is, answers Concur with
 * exactly one status code per hand-out and revokes every token that did not connect. Built on
 * concur-partner-client's public API only.
 */
export { createAutoConnectWorker, workerDefaults } from './worker.js';
export type { AutoConnectWorker, AutoConnectWorkerOptions, WorkerAuth, WorkerSettings } from './worker.js';
export type { AdminAuth } from './admin-session.js';
export type { CycleSummary, PossibleLeakCause, RevocationResult, WorkerEvent } from './events.js';
export { STATUS_CODES, type Matcher, type MatchCandidate, type MatchContext, type MatchResult } from './match-result.js';
export { loadMembers, membersMatcher, MembersFileError, parseMembers, type Member } from './members-matcher.js';
export { toPrometheus, type WorkerMetrics } from './metrics.js';
export type { Connection, WorkerFlow } from './process-request.js';
export { APP_TOKEN_RENEWAL_MARGIN_MS } from './app-session.js';
export type { WorkerLogger } from './worker-logger.js';
export { runCli, type CliIo } from './cli-main.js';
export { InvalidWorkerOptionsError } from './invalid-options-error.js';
