import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { MockControlClient } from './control-client.js';
import { openSandbox } from './sandbox-handle.js';
import type { MockConcurServer } from './start-mock-concur.js';

/**
 * The mock in a container, for test suites in any language's CI that can run Testcontainers
 * for Node (or as a pattern for the others): it builds the image from this project's
 * Dockerfile (or takes one already built), starts it on a free port and waits for health.
 */
export interface MockConcurContainerOptions {
  /** An image already built, e.g. `mock-concur:local` from `npm run image`. Default: build one. */
  image?: string;
  /** The directory holding the Dockerfile and the bundle it copies. Default: this package. */
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

export interface StartedMockConcurContainer extends MockConcurServer {
  readonly container: StartedTestContainer;
  /**
   * The container listens on all its interfaces, so its control API needs a token: made up
   * per start (or `env.MOCK_CONTROL_TOKEN`), already set in `control`; send it as
   * `X-Mock-Control-Token` when calling `/_mock/…` yourself.
   */
  readonly controlToken: string;
}

const MOCK_PORT = 8080;
const BUILT_IMAGE = 'mock-concur:testcontainers';
/** The package's own folder: its Dockerfile and the self-contained bundle beside it (dist/bundle/). */
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the project's Dockerfile into `tag` on the `NODE_IMAGE` base. A base that cannot be
 * pulled (a machine without a registry) fails with the way out, not only Docker's message.
 */
export async function buildMockConcurImage(options: { context?: string; nodeImage?: string; tag?: string } = {}): Promise<GenericContainer> {
  const nodeImage = options.nodeImage ?? process.env.NODE_IMAGE ?? 'node:20-bookworm-slim';
  try {
    return await GenericContainer.fromDockerfile(options.context ?? PACKAGE_ROOT)
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
  const controlToken = options.env?.['MOCK_CONTROL_TOKEN'] || randomBytes(18).toString('base64url');
  const container = await image
    .withExposedPorts(MOCK_PORT)
    .withEnvironment({ LOG_LEVEL: 'warn', STATE_DIR: '', MOCK_CONTROL_TOKEN: controlToken, ...options.env })
    .withCommand(['node', 'dist/mock-concur.js', ...(options.args ?? [])])
    .withWaitStrategy(Wait.forHttp('/_mock/health', MOCK_PORT).forStatusCode(200))
    .start();
  const url = `http://${container.getHost()}:${container.getMappedPort(MOCK_PORT)}`;
  let stopped: Promise<void> | undefined;
  const close = () => (stopped ??= container.stop().then(() => undefined));
  const control = new MockControlClient(url, { controlToken });
  return { url, control, controlToken, container, sandbox: (sandboxOptions) => openSandbox(control, sandboxOptions), close, [Symbol.asyncDispose]: close };
}
