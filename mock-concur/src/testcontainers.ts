/**
 * `mock-concur/testcontainers`: the mock in a container through Testcontainers (an optional
 * peer dependency: install `testcontainers` to use this entry).
 */
export { buildMockConcurImage, startMockConcurContainer, type MockConcurContainerOptions, type StartedMockConcurContainer } from './testing/mock-concur-container.js';
export type { MockConcurHandle } from './testing/start-mock-concur.js';
export { MockControlClient, MockControlError } from './testing/control-client.js';
