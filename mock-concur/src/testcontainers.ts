/**
 * `mock-concur/testcontainers`: the mock in a container through Testcontainers (an optional
 * peer dependency: install `testcontainers` to use this entry).
 */
export { buildMockConcurImage, startMockConcurContainer, type MockConcurContainerOptions, type StartedMockConcurContainer } from './testing/mock-concur-container.js';
export type { MockConcurHandle, MockConcurServer } from './testing/start-mock-concur.js';
export type { MockConcurSandbox } from './testing/sandbox-handle.js';
export type { SandboxOptions } from './sandbox-options.js';
export { MockControlClient, MockControlError } from './testing/control-client.js';
