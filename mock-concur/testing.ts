import type { FastifyInstance } from 'fastify';
import type { Clock } from './domain/clock.js';
import { buildMockConcur } from './app.js';
import type { MockConcurInput } from './options.js';

export interface StartedMockConcur {
  /** Base URL, e.g. `http://127.0.0.1:51234`: point a client here. */
  readonly url: string;
  /** The mock's clock: `clock.advance(16 * 60_000)` expires request tokens at once. */
  readonly clock: Clock;
  /** The state behind the control API, for tests that want more than HTTP. */
  readonly control: FastifyInstance['mock'];
  /** The Fastify instance, for `inject()`. */
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Starts the mock in this process on a free loopback port, for any test runner. Defaults
 * to a manual clock so time moves only when the test moves it.
 */
export async function startMockConcur(options: MockConcurInput & { host?: string; port?: number } = {}): Promise<StartedMockConcur> {
  const { host = '127.0.0.1', port = 0, ...rest } = options;
  const app = await buildMockConcur({ clock: 'manual', ...rest });
  await app.listen({ host, port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('mock-concur did not bind a TCP port');
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    url,
    clock: app.mock.clock,
    control: app.mock,
    app,
    close: async () => {
      const closing = app.close();
      // A browser keeps speculative sockets open that Node never counts as idle: after a short
      // grace for requests in flight, cut whatever is left so close() cannot hang a test run.
      const cut = setTimeout(() => app.server.closeAllConnections(), 250);
      try {
        await closing;
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
