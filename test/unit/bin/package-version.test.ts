import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PACKAGE_VERSION as autoConnectVersion } from '../../../auto-connect/src/package-version.js';
import { runCli } from '../../../auto-connect/src/cli-main.js';
import { PACKAGE_VERSION as contractsVersion } from '../../../contracts/src/package-version.js';
import { PACKAGE_VERSION as mockVersion } from '../../../mock-concur/src/package-version.js';
import { mockConcur } from '../../support/mock.js';

const packageVersion = (dir: string) => (JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { version: string }).version;

describe('the version each bin prints', () => {
  it.each([
    ['mock-concur', mockVersion],
    ['auto-connect', autoConnectVersion],
    ['contracts', contractsVersion],
  ])('%s: the compiled-in version is its package.json’s (bump package-version.ts with it)', (dir, compiledIn) => {
    expect(compiledIn).toBe(packageVersion(dir));
  });

  it('GET /_mock/health names the mock’s version', async () => {
    const app = await mockConcur();
    try {
      expect((await app.inject({ url: '/_mock/health' })).json()).toMatchObject({ status: 'ok', version: packageVersion('mock-concur') });
    } finally {
      await app.close();
    }
  });

  it('concur-auto-connect --version prints it without asking for the worker’s settings', async () => {
    for (const flag of ['--version', '-v']) {
      const out: string[] = [];
      const err: string[] = [];
      const io = { stdout: { write: (t: string) => void out.push(t), isTTY: false }, stderr: { write: (t: string) => void err.push(t), isTTY: false }, env: {}, stopRequested: new Promise<string>(() => {}) };
      expect(await runCli([flag], io)).toBe(0);
      expect(out.join('')).toBe(`${packageVersion('auto-connect')}\n`);
      expect(err).toEqual([]);
    }
  });
});
