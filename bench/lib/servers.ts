import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../../scripts/bundle-options.mjs';
import { spawnChild, waitForOutput, type Child } from './children.js';
import { pinnedCommand } from './cpus.js';

/** The two kinds of server under test, each started as its own process on 127.0.0.1. */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The bundle `npm run build` makes: what `npm start` runs, so what users start.
 * BENCH_MOCK_ENTRY measures another build instead (an older commit's, for a before/after).
 */
export const MOCK_ENTRY = process.env.BENCH_MOCK_ENTRY ?? join(REPO_ROOT, 'mock-concur/dist/bundle/mock-concur.js');
export const BARE_SOURCE = join(REPO_ROOT, 'bench/bare-fastify-server.ts');

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
const START_TIMEOUT_MS = 20_000;

export interface RunningServer {
  readonly url: string;
  readonly child: Child;
}

export function assertMockBuilt(): void {
  if (!existsSync(MOCK_ENTRY)) throw new Error(`${MOCK_ENTRY} is missing: run \`npm run build\` first (npm run bench does)`);
}

/** The mock CLI's arguments for a quiet local instance; `extra` adds or overrides flags. */
export function mockArgs(port: number, extra: readonly string[] = []): string[] {
  return [MOCK_ENTRY, '--host', '127.0.0.1', '--port', String(port), '--log-level', 'silent', ...extra];
}

export interface StartMockOptions {
  /** Runs the child on this CPU only (taskset). */
  cpu?: number;
  /** Node's own flags, before the entry (e.g. --expose-gc). */
  nodeFlags?: readonly string[];
}

export async function startMock(extra: readonly string[] = [], options: StartMockOptions = {}): Promise<RunningServer> {
  const args = [...(options.nodeFlags ?? []), ...mockArgs(0, ['--clock', 'system', ...extra])];
  const child = spawnChild('mock-concur', ...pinnedCommand(options.cpu, process.execPath, args), { cwd: REPO_ROOT });
  return { url: await listeningUrl(child), child };
}

export interface BareBody {
  body: string;
  contentType: string;
  /** The route, in Fastify's syntax. */
  path?: string;
  status?: number;
  /** One RS256 signature per request, as an endpoint minting a JWT must make. */
  rs256?: boolean;
}

export function bareEnv({ body, contentType, path = '/', status = 200, rs256 = false }: BareBody): NodeJS.ProcessEnv {
  return {
    ...process.env,
    BARE_BODY_BASE64: Buffer.from(body, 'utf8').toString('base64'),
    BARE_CONTENT_TYPE: contentType,
    BARE_PATH: path,
    BARE_STATUS: String(status),
    ...(rs256 ? { BARE_RS256: '1' } : {}),
  };
}

/** The bare server from its TypeScript source through the tsx loader. */
export function bareTsxArgs(port: number): string[] {
  return ['--import', 'tsx', BARE_SOURCE, '--port', String(port)];
}

export interface StartBareOptions extends StartMockOptions {
  /** A bundle of the bare server (bundleBare) to run instead of its source through tsx. */
  bundle?: string;
}

export async function startBare(response: BareBody, options: StartBareOptions = {}): Promise<RunningServer> {
  const args = [...(options.nodeFlags ?? []), ...(options.bundle ? [options.bundle, '--port', '0'] : bareTsxArgs(0))];
  const child = spawnChild('bare-fastify', ...pinnedCommand(options.cpu, process.execPath, args), { cwd: REPO_ROOT, env: bareEnv(response) });
  return { url: await listeningUrl(child), child };
}

/**
 * The bare server bundled the way scripts/build.mjs bundles the mock, into a temporary
 * directory: the cold-start baseline must not pay for the tsx loader when the mock does not.
 */
export async function bundleBare(): Promise<{ entry: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mock-concur-bench-'));
  const entry = join(dir, 'bare-fastify-server.mjs');
  try {
    await build({ ...NODE_BUNDLE, entryPoints: [BARE_SOURCE], outfile: entry });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { entry, dispose: () => rm(dir, { recursive: true, force: true }) };
}

async function listeningUrl(child: Child): Promise<string> {
  try {
    return (await waitForOutput(child, LISTENING, START_TIMEOUT_MS))[1]!;
  } catch (error) {
    await child.stop();
    throw error;
  }
}
