import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyProvider } from 'concur-contracts';
import { startMockConcurContainer, type StartedMockConcurContainer } from 'mock-concur/testcontainers';

/**
 * The image as users get it: built from the Dockerfile with Testcontainers (the base from
 * NODE_IMAGE: a public Node image, or CI's local one), started, and verified against every
 * contract interaction, exactly as the in-process mock is.
 */
export function mockImageSuite(): void {
  let mock: StartedMockConcurContainer;
  let startMs: number;

  beforeAll(async () => {
    // The image holds the bundles: make them from the sources under test.
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    const started = performance.now();
    // With its state dir, as the image runs by default: the contracts hold with persistence on.
    mock = await startMockConcurContainer({ env: { STATE_DIR: '/data' } });
    startMs = performance.now() - started;
    console.log(`[containers] image built and mock started in ${Math.round(startMs)} ms`);
  }, 180_000);

  afterAll(async () => {
    await mock?.close();
  });

  it('passes the full contract verification, with nothing skipped', async () => {
    const report = await verifyProvider({ baseUrl: mock.url, mockControlToken: mock.controlToken });
    const problems = report.results.filter((r) => r.outcome !== 'passed').map((r) => `${r.key}: ${r.outcome} ${r.reason ?? ''} ${JSON.stringify(r.mismatches).slice(0, 300)}`);
    expect(problems).toEqual([]);
    expect(report.target).toBe('mock');
    expect(report.counts.passed).toBeGreaterThanOrEqual(60);
  }, 120_000);

  it('runs as an unprivileged numeric user, listens on 0.0.0.0 and keeps its state in /data', async () => {
    const inspect = JSON.parse(execFileSync('docker', ['inspect', mock.container.getId()]).toString()) as [{ Config: { User: string; Env: string[]; Healthcheck: { Test: string[] } } }];
    expect(inspect[0].Config.User).toBe('10001:10001');
    expect(inspect[0].Config.Env).toEqual(expect.arrayContaining(['HOST=0.0.0.0', 'STATE_DIR=/data']));
    // Exec form, no shell: the health check is node itself.
    expect(inspect[0].Config.Healthcheck.Test.slice(0, 2)).toEqual(['CMD', 'node']);
    const files = execFileSync('docker', ['exec', mock.container.getId(), 'node', '-e', "console.log(require('fs').readdirSync('/data').join(' '))"]).toString();
    expect(files).toMatch(/snapshot-\d{8}\.ndjson/);
  });

  // The README's "Testcontainers" snippet, verbatim.
  it('README snippet: startMockConcurContainer with flags, the control API, stop', async () => {
    const mock = await startMockConcurContainer({ args: ['--seed', '7', '--travelers', '3'] }); // { url, control, close, container }
    const { connectionRequests } = await mock.control.health(); // 3 pending demo requests
    await mock.control.addFault({ path: '/api/v3.2/*', status: 503, times: 1 });
    const answer = await fetch(`${mock.url}/api/v3.2/common/connectionrequests`); // point your client at mock.url
    await mock.close();
    expect(connectionRequests.Pending).toBe(3);
    expect(answer.status).toBe(503);
  }, 120_000);

  it('makes sandboxes through the container handle: each its own world, dropped on close', async () => {
    const before = await mock.control.health();
    const sandbox = await mock.sandbox({ seed: 7, travelers: 3, clock: 'manual' });
    expect(sandbox.url).toBe(`${mock.url}/sandboxes/${sandbox.id}`);
    expect((await sandbox.control.health()).connectionRequests.Pending).toBe(3);
    await sandbox.control.advanceClock(3600);
    expect((await sandbox.control.clock()).offsetSeconds).toBe(3600);
    // The root saw none of it.
    expect((await mock.control.health()).connectionRequests).toEqual(before.connectionRequests);
    const report = await verifyProvider({ baseUrl: sandbox.url, mockControlToken: mock.controlToken });
    expect(report.results.filter((r) => r.outcome !== 'passed').map((r) => r.key)).toEqual([]);
    await sandbox.close();
    await sandbox.close(); // twice is fine
    expect((await mock.control.sandboxes()).items.map((s) => s.id)).not.toContain(sandbox.id);
    expect((await fetch(`${sandbox.url}/_mock/health`)).status).toBe(404);
  }, 120_000);

  it('stops cleanly on SIGTERM, well before docker would kill it', async () => {
    const starting = performance.now();
    const other = await startMockConcurContainer({ image: 'mock-concur:testcontainers' });
    console.log(`[containers] mock container started (image already built) and healthy in ${Math.round(performance.now() - starting)} ms`);
    const started = performance.now();
    await other.container.stop({ timeout: 10_000 });
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 60_000);
}
