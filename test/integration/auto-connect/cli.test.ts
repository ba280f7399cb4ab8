import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StartedMockConcur } from 'mock-concur';
import { runCli } from 'concur-auto-connect';
import { ADMIN, APP, mockWith, tokens } from './support.js';

const DEMO_MEMBERS = new URL('../../../auto-connect/demo-members.csv', import.meta.url).pathname;

function capture(isTTY = false) {
  let text = '';
  const listeners: ((t: string) => void)[] = [];
  return {
    out: { isTTY, write: (t: string) => ((text += t), listeners.forEach((l) => l(text))) },
    text: () => text,
    when: (pattern: RegExp) => new Promise<string>((resolve) => listeners.push((t) => pattern.test(t) && resolve('SIGTERM'))),
  };
}

describe('npm run auto-connect', () => {
  let mock: StartedMockConcur;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'auto-connect-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => mock?.close());

  const args = (extra: string[] = []) => ['--base-url', mock.url, '--consumer-key', APP.consumerKey, '--consumer-secret', APP.consumerSecret, '--admin-login', ADMIN.loginId, '--members', DEMO_MEMBERS, ...extra];
  const never = new Promise<string>(() => {});

  it('runs one cycle with --once, prints a line per request and a summary table, and exits 0', async () => {
    mock = await mockWith();
    const stdout = capture();
    const stderr = capture();
    const code = await runCli(args(['--once', '--concurrency', '3']), { stdout: stdout.out, stderr: stderr.out, env: { ADMIN_PASSWORD: ADMIN.password }, stopRequested: never });
    expect(code).toBe(0);
    expect(stderr.text()).toBe('');
    const text = stdout.text();
    expect(text.match(/^[0-9a-f-]{36} (CRSUC|CREU1|CREU2) /gm)).toHaveLength(12);
    expect(text).toMatch(/cycle 1: 12 request\(s\) in [\d.]+ s \(CRSUC 8, CREU1 2, CREU2 2\)/);
    expect(text).toMatch(/│ CRSUC +│ connected +│ +8 │/);
    expect(text).toMatch(/tokens revoked \(failed connections\) +│ +4 │/);
    // No secret and no token reaches the output.
    expect(text).not.toContain(ADMIN.password);
    expect(text).not.toContain(APP.consumerSecret);
    for (const t of await tokens(mock)) expect(text).not.toContain(t.token.replace('…', ''));
    expect(text).not.toMatch(/0_[A-Za-z0-9_-]{20,}/);
  });

  it('shows one live status line on a terminal', async () => {
    mock = await mockWith();
    const stdout = capture(true);
    const code = await runCli(args(['--once', '--admin-password', ADMIN.password]), { stdout: stdout.out, stderr: capture().out, env: {}, stopRequested: never });
    expect(code).toBe(0);
    const text = stdout.text();
    expect(text).toContain('\r\x1b[K');
    expect(text).toMatch(/cycle 1 · 12 settled · CRSUC 8 · CREU1 2 · CREU2 2 · \d+\/s/);
    expect(text).not.toMatch(/^[0-9a-f-]{36} CRSUC/m);
  });

  it('keeps polling until it is told to stop, then finishes and prints the table', async () => {
    mock = await mockWith();
    const stdout = capture();
    const started = Date.now();
    const code = await runCli(args(['--poll-interval', '3600']), { stdout: stdout.out, stderr: capture().out, env: { ADMIN_PASSWORD: ADMIN.password }, stopRequested: stdout.when(/cycle 1: /) });
    expect(code).toBe(0);
    // The hour-long wait between cycles ended at once.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stdout.text()).toMatch(/SIGTERM: finishing the requests in hand/);
    expect(stdout.text()).toMatch(/total settled +│ +12 │/);
  });

  it('reads members from JSON as well as CSV', async () => {
    mock = await mockWith({ demoTravelers: 2 });
    const file = join(dir, 'members.json');
    writeFileSync(file, JSON.stringify([{ loyaltyNumber: '9609691196', lastName: 'Larkin', memberId: 'M-1' }]));
    const stdout = capture();
    const code = await runCli(['--base-url', mock.url, '--consumer-key', APP.consumerKey, '--consumer-secret', APP.consumerSecret, '--admin-login', ADMIN.loginId, '--admin-password', ADMIN.password, '--members', file, '--once'], { stdout: stdout.out, stderr: capture().out, env: {}, stopRequested: never });
    expect(code).toBe(0);
    expect(stdout.text()).toMatch(/\(CRSUC 1, CREU1 1\)/);
  });

  it.each([
    [[], /--consumer-key is required/],
    [['--consumer-key', 'k', '--consumer-secret', 's', '--admin-login', 'a', '--admin-password', 'p', '--members', 'm.csv', '--concurrency', '0'], /--concurrency must be between 1 and 256/],
    [['--consumer-key', 'k', '--consumer-secret', 's', '--admin-login', 'a', '--admin-password', 'p', '--members', 'm.csv', '--format', 'yaml'], /--format must be json or xml/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses bad arguments with exit code 2 and the usage: %j', async (argv, message) => {
    const stderr = capture();
    expect(await runCli(argv, { stdout: capture().out, stderr: stderr.out, env: {}, stopRequested: never })).toBe(2);
    expect(stderr.text()).toMatch(message);
    expect(stderr.text()).toContain('Usage: concur-auto-connect [options]');
  });

  it('refuses a members file it cannot use, naming it', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'loyaltyNumber,lastName\n123,\n');
    for (const [file, message] of [
      [join(dir, 'missing.csv'), /cannot read members file .*missing\.csv/],
      [bad, /member 1 needs loyaltyNumber and lastName/],
    ] as const) {
      const stderr = capture();
      const code = await runCli(['--consumer-key', 'k', '--consumer-secret', 's', '--admin-login', 'a', '--admin-password', 'p', '--members', file], { stdout: capture().out, stderr: stderr.out, env: {}, stopRequested: never });
      expect(code).toBe(2);
      expect(stderr.text()).toMatch(message);
    }
  });

  it('exits 1 when the cycle cannot run (wrong administrator password)', async () => {
    mock = await mockWith();
    const stdout = capture();
    const code = await runCli(args(['--once', '--admin-password', 'not-it']), { stdout: stdout.out, stderr: capture().out, env: {}, stopRequested: never });
    expect(code).toBe(1);
    expect(stdout.text()).toMatch(/cycle 1 ended early: a page could not be read/);
    expect(stdout.text()).not.toContain('not-it');
  });
});
