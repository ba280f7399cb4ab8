import { MockControlClient, type MockControlClientOptions } from './control-client.js';
import { openSandbox } from './sandbox-handle.js';
import type { MockConcurServer } from './start-mock-concur.js';

/** Where a mock already runs: its URL, and its control token when it has one (a container does). */
export interface RunningMockConcur {
  url: string;
  controlToken?: string | undefined;
}

/**
 * A handle on a mock someone else started — a vitest `globalSetup`, the `npx mock-concur`
 * bin, a container — so a test file can take sandboxes of it. `close()` leaves the mock
 * running: it belongs to whoever started it.
 */
export function connectMockConcur(mock: string | RunningMockConcur, options: Omit<MockControlClientOptions, 'controlToken'> = {}): MockConcurServer {
  const { url, controlToken } = typeof mock === 'string' ? { url: mock, controlToken: undefined } : mock;
  const control = new MockControlClient(url, controlToken === undefined ? options : { ...options, controlToken });
  const close = async () => {};
  return { url: control.url, control, sandbox: (sandboxOptions) => openSandbox(control, sandboxOptions), close, [Symbol.asyncDispose]: close };
}
