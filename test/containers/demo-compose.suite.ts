import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
import { buildMockConcurImage } from 'mock-concur/testcontainers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { composeEnvironment, detectCompose, serviceContainer } from './compose-environment.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IMAGE = `mock-concur:compose-test-${randomBytes(4).toString('hex')}`;
const PROJECT = `mockconcur${randomBytes(4).toString('hex')}`;
/** The compose demo's mock guards its control API with a token: the test sets its own. */
const CONTROL_TOKEN = randomBytes(18).toString('base64url');
const CONTROL = { 'x-mock-control-token': CONTROL_TOKEN };
const PROGRAMS = ['dist/image/mock-concur.js', 'dist/image/partner-app.js', 'dist/image/concur-auto-connect.js', 'dist/image/demo-members.csv'];

interface Health {
  connectionRequests: Record<'Pending' | 'Processing' | 'Retry' | 'Connected' | 'Failed', number>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function health(url: string): Promise<Health> {
  return (await (await fetch(`${url}/_mock/health`, { signal: AbortSignal.timeout(5_000) })).json()) as Health;
}

/** Polls until `done` holds (or fails after `timeoutMs`, showing the last value). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * docker-compose.yml as a user runs it (`docker compose up` or `docker-compose up`): the mock,
 * the partner app and the worker start in health order, the worker connects the demo
 * travellers end to end, and the mock's state outlives a restart on its named volume.
 */
export function demoComposeSuite(): void {
  const flavour = detectCompose();
  let environment: StartedDockerComposeEnvironment | undefined;
  let mockUrl: string;
  let partnerUrl: string;

  beforeAll(async () => {
    if (!flavour) throw new Error('neither `docker compose` (v2) nor `docker-compose` (v1) is installed');
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    const missing = PROGRAMS.filter((path) => !existsSync(`${ROOT}${path}`));
    if (missing.length > 0) throw new Error(`the demo needs ${missing.join(', ')} (npm run build makes them from their sources)`);
    await buildMockConcurImage({ context: ROOT, tag: IMAGE });
    const [mockPort, partnerPort] = [await freePort(), await freePort()];
    mockUrl = `http://127.0.0.1:${mockPort}`;
    partnerUrl = `http://127.0.0.1:${partnerPort}`;
    const started = performance.now();
    environment = await composeEnvironment(flavour, ROOT, 'docker-compose.yml')
      .withProjectName(PROJECT)
      .withEnvironment({ MOCK_CONCUR_IMAGE: IMAGE, MOCK_CONCUR_PORT: String(mockPort), PARTNER_APP_PORT: String(partnerPort), LOG_LEVEL: 'warn', MOCK_CONTROL_TOKEN: CONTROL_TOKEN })
      .withWaitStrategy(serviceContainer(flavour, PROJECT, 'mock'), Wait.forHealthCheck())
      .withWaitStrategy(serviceContainer(flavour, PROJECT, 'partner-app'), Wait.forHealthCheck())
      .withStartupTimeout(120_000)
      .up();
    console.log(`[containers] compose v${flavour.version}: mock, partner app and worker up and healthy in ${Math.round(performance.now() - started)} ms`);
  }, 240_000);

  afterAll(async () => {
    await environment?.down({ removeVolumes: true, timeout: 10_000 });
    execFileSync('docker', ['rmi', '-f', IMAGE], { stdio: 'ignore' });
  }, 60_000);

  it('serves the partner app and the mock on their published ports', async () => {
    expect((await fetch(`${partnerUrl}/health`)).status).toBe(200);
    expect((await fetch(`${partnerUrl}/`)).status).toBe(200);
    const { connectionRequests } = await health(mockUrl);
    expect(connectionRequests.Pending + connectionRequests.Processing + connectionRequests.Connected).toBeGreaterThan(0);
  });

  it('lets the worker connect the demo travellers end to end: none is left pending', async () => {
    const settled = await eventually(
      () => health(mockUrl),
      (h) => h.connectionRequests.Pending === 0 && h.connectionRequests.Processing === 0,
      90_000,
    );
    expect(settled.connectionRequests.Connected).toBeGreaterThan(0);
    // Every outcome came from the worker's PUTs: the journal shows them.
    const journal = (await (await fetch(`${mockUrl}/_mock/journal`, { headers: CONTROL })).json()) as { method: string; url: string; status: number }[];
    expect(journal.filter((entry) => entry.method === 'PUT' && entry.status < 300).length).toBeGreaterThanOrEqual(settled.connectionRequests.Connected);
  }, 120_000);

  it('keeps the mock state on its named volume across a restart of the mock', async () => {
    const user = { loginId: `kept-${PROJECT}@example.com`, password: 'pw', firstName: 'Kept', lastName: 'Across' };
    expect((await fetch(`${mockUrl}/_mock/users`, { method: 'POST', headers: { 'content-type': 'application/json', ...CONTROL }, body: JSON.stringify(user) })).status).toBe(201);
    const before = await health(mockUrl);
    await environment!.getContainer(serviceContainer(flavour!, PROJECT, 'mock')).restart();
    const after = await eventually(() => health(mockUrl), () => true, 30_000);
    expect(after.connectionRequests.Connected).toBe(before.connectionRequests.Connected);
    const users = (await (await fetch(`${mockUrl}/_mock/users`, { headers: CONTROL })).json()) as { loginId: string }[];
    expect(users.map((u) => u.loginId)).toContain(user.loginId);
  }, 60_000);
}
