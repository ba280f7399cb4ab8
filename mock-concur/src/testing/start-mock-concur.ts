import type { FastifyInstance } from 'fastify';
import { buildMockConcur } from '../app.js';
import type { Clock } from '../domain/clock.js';
import type { MockConcurInput } from '../options.js';
import type { SandboxOptions } from '../sandbox-options.js';
import { MockControlClient } from './control-client.js';
import { openSandbox, type MockConcurSandbox } from './sandbox-handle.js';

/** What `startMockConcur()` and `startMockConcurContainer()` both answer. */
export interface MockConcurHandle {
  /** Base URL, e.g. `http://127.0.0.1:51234`: point a client here. */
  readonly url: string;
  /** The control API (`/_mock/…`) over HTTP. */
  readonly control: MockControlClient;
  /** Stops the mock (idempotent). */
  close(): Promise<void>;
  /** `await using mock = await startMockConcur()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** A running mock (in-process or a container) that makes sandboxes. */
export interface MockConcurServer extends MockConcurHandle {
  /**
   * A sandbox of this mock: its own data, clock, faults and journal, seeded as at start,
   * with the per-world options `npm start` takes (`{ seed, travelers, clock, queueMode, … }`).
   * `close()` deletes it; `await using sandbox = await mock.sandbox()` does at the end of the scope.
   */
  sandbox(options?: SandboxOptions): Promise<MockConcurSandbox>;
}

export interface StartedMockConcur extends MockConcurServer {
  /** The mock's clock: `clock.advance(16 * 60_000)` expires request tokens at once. */
  readonly clock: Clock;
  /** The state behind the control API, for tests that want more than HTTP. */
  readonly state: FastifyInstance['mock'];
  /** The Fastify instance, for `inject()`. */
  readonly app: FastifyInstance;
}

export type StartMockConcurOptions = MockConcurInput & {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
};

/**
 * Starts the mock in this process on a free loopback port, for any test runner. Defaults
 * to a manual clock so time moves only when the test moves it.
 */
export async function startMockConcur(options: StartMockConcurOptions = {}): Promise<StartedMockConcur> {
  const { host = '127.0.0.1', port = 0, ...rest } = options;
  const app = await buildMockConcur({ clock: 'manual', ...rest });
  await app.listen({ host, port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('mock-concur did not bind a TCP port');
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      const closing = app.close();
      // A browser keeps speculative sockets open that Node never counts as idle: after a short
      // grace for requests in flight, cut whatever is left so close() cannot hang a test run.
      const cut = setTimeout(() => app.server.closeAllConnections(), 250);
      try {
        await closing;
      } finally {
        clearTimeout(cut);
      }
    })());
  const control = new MockControlClient(url, rest.controlToken === undefined ? {} : { controlToken: rest.controlToken });
  return {
    url,
    control,
    sandbox: (sandboxOptions) => openSandbox(control, sandboxOptions),
    clock: app.mock.clock,
    state: app.mock,
    app,
    close,
    [Symbol.asyncDispose]: close,
  };
}
