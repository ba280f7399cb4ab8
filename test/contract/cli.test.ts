import { SOURCE_NODE_ARGS } from '../support/node-args.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockConcur, type StartedMockConcur } from 'mock-concur';
import { startRewritingProxy, type RewritingProxy } from './support/rewriting-proxy.js';

const run = promisify(execFile);

/** Runs `concur-contracts <command>` from source, as `npm run contracts:…` does, answering its exit code and output. */
async function cli(command: 'verify' | 'export-pact', args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...SOURCE_NODE_ARGS, 'contracts/src/cli.ts', command, ...args], { cwd: process.cwd(), env: { ...process.env, CONTRACT_BASE_URL: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the contracts CLIs', () => {
  let mock: StartedMockConcur;
  let broken: RewritingProxy;
  const dirs: string[] = [];
  beforeAll(async () => {
    mock = await startMockConcur();
    broken = await startRewritingProxy(mock.url, ({ method, path }, response) => (method === 'PUT' && path.startsWith('/api/v3.2/') && response.status === 204 ? { ...response, status: 200 } : response));
  });
  afterAll(async () => {
    await broken.close();
    await mock.close();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('contracts:verify passes against the mock and exits 0', async () => {
    const { code, stdout } = await cli('verify', ['--base-url', mock.url]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Contract verification against ${mock.url}: the mock`);
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed, 0 skipped, 0 errored \(\d+ interactions\)$/);
  });

  it('contracts:verify fails with a precise report against a broken provider and exits 1', async () => {
    const { code, stdout } = await cli('verify', ['--base-url', broken.url, '--only', 'connection-requests-update/v3-2-cr']);
    expect(code).toBe(1);
    expect(stdout).toContain('FAIL  connection-requests-update/v3-2-crret — accepts CRRET (retry the connection later) and answers 204 No Content\n      status: expected 204 but got 200');
    expect(stdout.trim().split('\n').at(-1)).toBe('0 passed, 7 failed, 0 skipped, 0 errored (7 interactions)');
  });

  it('contracts:verify explains its usage when the base URL is missing, and exits 2', async () => {
    const { code, stderr } = await cli('verify', []);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^concur-contracts verify: --base-url is required\n\nUsage: concur-contracts verify --base-url URL/);
    expect(stderr).toContain('--consumer-secret VALUE         env CONCUR_CONSUMER_SECRET');
  });

  it('contracts:export-pact writes the Pact file where --out says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pacts-'));
    dirs.push(dir);
    const { code, stdout } = await cli('export-pact', ['--out', dir]);
    expect(code).toBe(0);
    const file = join(dir, 'concur-partner-client-concur.json');
    expect(stdout).toMatch(/^wrote \d+ interactions to /);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ metadata: { pactSpecification: { version: '3.0.0' } } });
  });
});
