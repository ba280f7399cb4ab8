/**
 * The contract harness's public surface. Fixtures live in `interactions/*.json` (format:
 * `schema/interaction.schema.json`); the mock, the client and the auto-connect worker share
 * nothing else.
 */
export type { Expected, FixtureSet, Interaction, LoadedInteraction, Matcher, MatcherKind } from './fixtures/fixture-types.js';
export { FixtureError, type FixtureProblem } from './fixtures/fixture-error.js';
export { CONTRACTS_DIR, loadFixtures } from './fixtures/load-fixtures.js';

// Provider side: replay the fixtures against any base URL.
export type { ConcurCredentials } from './provider/credentials.js';
export { formatReport, formatResult } from './provider/format-report.js';
export { verifyProvider, type InteractionResult, type Outcome, type VerificationReport, type VerifyOptions } from './provider/verify-provider.js';

// Consumer side: the same fixtures as nock interceptors (nock is a dev dependency: tests only).
export { contractExamples, explainUnmatched, interceptInteraction, interceptInteractions, InteractionsNotUsedError, throughInteractions, type ContractInterceptor, type InterceptOptions } from './consumer/nock.js';
export { ConsumerUsage, consumerUsage, formatUnused, readRecordedUsage, unusedInteractions } from './consumer/usage-registry.js';

export { exportPact } from './pact/export-pact.js';
