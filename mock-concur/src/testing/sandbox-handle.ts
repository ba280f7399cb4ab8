import type { SandboxOptions } from '../sandbox-options.js';
import { MockControlError, type MockControlClient } from './control-client.js';
import type { MockConcurHandle } from './start-mock-concur.js';

/** A sandbox of a running mock: the handle shape of the mock itself, where `close()` deletes it. */
export interface MockConcurSandbox extends MockConcurHandle {
  readonly id: string;
}

/**
 * Makes a sandbox through the root's control API and answers its handle. Closing it twice,
 * or after the mock dropped it, is not an error: the sandbox is gone either way.
 */
export async function openSandbox(root: MockControlClient, options: SandboxOptions = {}): Promise<MockConcurSandbox> {
  const made = await root.createSandbox(options);
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= root.deleteSandbox(made.id).catch((error: unknown) => {
      if (error instanceof MockControlError && error.status === 404) return;
      throw error;
    }));
  return { id: made.id, url: made.url, control: root.at(made.url), close, [Symbol.asyncDispose]: close };
}
