import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockConcur, type StartedMockConcur } from 'mock-concur';

const run = promisify(execFile);
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The ```sh blocks after a `<!-- snippet: tested (sh) … -->` marker, verbatim. */
const shellSnippets = [...README.matchAll(/<!-- snippet: tested \(sh\)[^>]*-->\s*```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("the README's curl sessions, run with bash against a mock", () => {
  let mock: StartedMockConcur;
  beforeAll(async () => {
    mock = await startMockConcur({ logLevel: 'silent' });
  });
  afterAll(() => mock.close());

  it('finds the legacy session and the OAuth 2.0 supplier-flow session', () => {
    expect(shellSnippets).toHaveLength(2);
  });

  it('runs the legacy session as written (in a scratch folder: it writes page.json)', async () => {
    const script = shellSnippets[0]!.replace(/^B=http:\/\/127\.0\.0\.1:8080$/m, `B=${mock.url}`);
    const cwd = mkdtempSync(join(tmpdir(), 'readme-curl-'));
    try {
      const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd, timeout: 60_000 });
      expect(stdout).toMatch(/^<Access_Token><Instance_Url>/);
      expect(stdout).toContain('HTTP/1.1 204');
      expect(stdout).toContain('<status>Connected</status>');
      expect(stdout).toContain('<Message>Request token has expired</Message>');
      expect(stdout).toMatch(/"Retry":1\b/);
      expect(stdout).toMatch(/revoked \d+ token\(s\) of traveler@demo\.example/);
      // Step 9: a sandbox of its own, untouched by steps 1–8, deleted at the end.
      expect(stdout).toContain('"connectionRequests":{"Pending":3,"Processing":0,"Retry":0,"Connected":0,"Failed":0}');
      expect(stdout.trim()).toMatch(/\}204$/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('runs the OAuth 2.0 supplier flow as written: every step answers as its comment says', async () => {
    const script = shellSnippets[1]!.replace(/^B=http:\/\/127\.0\.0\.1:8080$/m, `B=${mock.url}`);
    expect(script).toContain(`B=${mock.url}`);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { timeout: 60_000 });
    expect(stdout.trim().split('\n')).toEqual([
      'expires_in scope token_type access_token refresh_token refresh_expires_in geolocation id_token',
      '204',
      '{"error":"invalid_grant","error_description":"bad or expired refresh token","code":108}',
      '200',
      'RS256 43',
    ]);
  });
});
