import { fileURLToPath } from 'node:url';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { FaultRuleInput } from './domain/faults.js';

/**
 * The mock in a container, for test suites in any language's CI that can run Testcontainers
 * for Node (or as a pattern for the others): it builds the image from this project's
 * Dockerfile (or takes one already built), starts it on a free port and waits for health.
 */
export interface MockConcurContainerOptions {
  /** An image already built, e.g. `mock-concur:local` from `npm run image`. Default: build one. */
  image?: string;
  /** The directory holding the Dockerfile and the bundles (`npm run build`). Default: this project. */
  context?: string;
  /** The Dockerfile's base (its NODE_IMAGE build arg). Default: env NODE_IMAGE, else node:20-bookworm-slim. */
  nodeImage?: string;
  /** Flags for the mock, e.g. `['--seed', '7', '--queue-mode', 'lease', '--clock', 'manual']`. */
  args?: readonly string[];
  /**
   * Extra environment, e.g. `{ LOG_LEVEL: 'info' }`. The state is kept in memory (a test's
   * mock starts fresh); `{ STATE_DIR: '/data' }` keeps it in the container's volume instead.
   */
  env?: Record<string, string>;
}

export interface StartedMockConcurContainer {
  /** Base URL on the host, e.g. `http://127.0.0.1:32768`: point your client here. */
  readonly url: string;
  /** The control API (`/_mock/…`) over HTTP. */
  readonly control: MockConcurControl;
  readonly container: StartedTestContainer;
  stop(): Promise<void>;
}

const MOCK_PORT = 8080;
const BUILT_IMAGE = 'mock-concur:testcontainers';
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds the project's Dockerfile into `tag` on the `NODE_IMAGE` base. A base that cannot be
 * pulled (a machine without a registry) fails with the way out, not only Docker's message.
 */
export async function buildMockConcurImage(options: { context?: string; nodeImage?: string; tag?: string } = {}): Promise<GenericContainer> {
  const nodeImage = options.nodeImage ?? process.env.NODE_IMAGE ?? 'node:20-bookworm-slim';
  try {
    return await GenericContainer.fromDockerfile(options.context ?? PROJECT_ROOT)
      .withBuildArgs({ NODE_IMAGE: nodeImage })
      .build(options.tag ?? BUILT_IMAGE, { deleteOnExit: false });
  } catch (error) {
    throw new Error(
      `building the mock-concur image on ${nodeImage} failed: ${(error as Error).message}. ` +
        'Without access to a registry, make a local base (.ci/docker-setup.sh builds local/node-min:20 from this machine\'s node) and set NODE_IMAGE to it.',
      { cause: error },
    );
  }
}

export async function startMockConcurContainer(options: MockConcurContainerOptions = {}): Promise<StartedMockConcurContainer> {
  const image = options.image ? new GenericContainer(options.image) : await buildMockConcurImage({ context: options.context, nodeImage: options.nodeImage });
  const container = await image
    .withExposedPorts(MOCK_PORT)
    .withEnvironment({ LOG_LEVEL: 'warn', STATE_DIR: '', ...options.env })
    .withCommand(['node', 'dist/mock-concur/server.js', ...(options.args ?? [])])
    .withWaitStrategy(Wait.forHttp('/_mock/health', MOCK_PORT).forStatusCode(200))
    .start();
  const url = `http://${container.getHost()}:${container.getMappedPort(MOCK_PORT)}`;
  return {
    url,
    control: new MockConcurControl(url),
    container,
    stop: async () => {
      await container.stop();
    },
  };
}

export interface MockHealth {
  status: string;
  now: string;
  queueMode: string;
  connectionRequests: Record<'Pending' | 'Processing' | 'Retry' | 'Connected' | 'Failed', number>;
}

/** The mock's control API, as `startMockConcur().control` offers in-process. */
export class MockConcurControl {
  constructor(readonly url: string) {}

  health(): Promise<MockHealth> {
    return this.call('GET', '/_mock/health');
  }

  /** Moves the mock's clock forward: `advanceClock(16 * 60)` expires every request token handed out. */
  advanceClock(seconds: number): Promise<{ now: string; nowMs: number }> {
    return this.call('POST', '/_mock/clock/advance', { seconds });
  }

  addUser(user: { loginId: string; password: string; firstName: string; lastName: string; middleName?: string; loyaltyNumber?: string; emails?: string[]; roles?: string[] }): Promise<{ id: string; loginId: string }> {
    return this.call('POST', '/_mock/users', user);
  }

  addApp(app: { name: string; scopes: string[]; consumerKey?: string; consumerSecret?: string; redirectUris?: string[] }): Promise<{ consumerKey: string; consumerSecret: string }> {
    return this.call('POST', '/_mock/apps', app);
  }

  /** One request for a user, or `count` generated travellers with pending requests. */
  addConnectionRequests(input: { loginId: string; consumerKey?: string } | { count: number; consumerKey?: string }): Promise<{ ids?: string[]; count?: number }> {
    return this.call('POST', '/_mock/connection-requests', input);
  }

  connectionRequest(id: string): Promise<{ id: string; status: string; lastCode: string | null }> {
    return this.call('GET', `/_mock/connection-requests/${encodeURIComponent(id)}`);
  }

  addFault(rule: FaultRuleInput): Promise<{ id: string }> {
    return this.call('POST', '/_mock/faults', rule);
  }

  clearFaults(): Promise<void> {
    return this.call('DELETE', '/_mock/faults');
  }

  journal(): Promise<{ method: string; url: string; status: number; note?: string }[]> {
    return this.call('GET', '/_mock/journal');
  }

  /** Back to the seeded demo data. */
  reset(): Promise<unknown> {
    return this.call('POST', '/_mock/reset');
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
