import type { FastifyInstance } from 'fastify';
import { buildPartnerApp, type PartnerAppInput } from 'partner-app';
import { startMockConcur, type MockAccessToken, type StartedMockConcur, DEMO } from 'mock-concur';

export const DEMO_KEY = DEMO.app.consumerKey;
export const TRAVELER = DEMO.traveler.loginId;
export const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

export interface Pair {
  mock: StartedMockConcur;
  partner: FastifyInstance;
  /** The partner app's base URL. */
  url: string;
  close(): Promise<void>;
}

/** A real mock on a manual clock and the partner app over HTTP, both on free loopback ports. */
export async function startPair(input: PartnerAppInput = {}): Promise<Pair> {
  const mock = await startMockConcur({ clockStartMs: T0, logLevel: 'silent' });
  const partner = await buildPartnerApp({ concurBaseUrl: mock.url, logLevel: 'silent', now: () => mock.clock.now(), ...input });
  await partner.listen({ host: '127.0.0.1', port: 0 });
  const address = partner.server.address();
  if (!address || typeof address === 'string') throw new Error('partner app did not bind a TCP port');
  return {
    mock,
    partner,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      // A browser keeps idle keep-alive sockets open; close() alone would wait for them.
      const closing = [partner.close(), mock.close()];
      partner.server.closeAllConnections();
      mock.app.server.closeAllConnections();
      await Promise.all(closing);
    },
  };
}

/** A request token as the App Center's Connect would hand it to the browser. */
export async function requestToken(mock: StartedMockConcur, loginId = TRAVELER, consumerKey = DEMO_KEY): Promise<string> {
  return (await mock.control.issueRequestToken({ consumerKey, loginId })).code;
}

export function mockTokens(mock: StartedMockConcur): Promise<MockAccessToken[]> {
  return mock.control.tokens();
}
