import { SOURCE_NODE_ARGS } from '../../support/node-args.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parsePartnerAppCommand, UsageError } from 'partner-app';
import { startMockConcur } from 'mock-concur';

describe('npm run partner-app options', () => {
  it('defaults to 127.0.0.1:3000 against the mock on :8080 with the demo app', () => {
    const command = parsePartnerAppCommand([], {});
    expect(command).toMatchObject({ help: false, host: '127.0.0.1', port: 3000 });
    expect(command.input).toMatchObject({ concurBaseUrl: undefined, consumerKey: undefined, storePath: undefined, logLevel: 'info' });
  });

  it('reads the environment, lets flags win, and treats an empty variable as unset', () => {
    const env = { PORT: '4000', HOST: '', CONCUR_BASE_URL: 'http://mock:8080', CONCUR_WEB_URL: 'http://127.0.0.1:8080', CONSUMER_KEY: 'env-key', CONSUMER_SECRET: 'env-secret', PARTNER_STORE: '/data/members.json', SESSION_SECRET: 's'.repeat(40) };
    const command = parsePartnerAppCommand(['--port', '5000', '--consumer-key', 'flag-key'], env);
    expect(command).toMatchObject({ host: '127.0.0.1', port: 5000 });
    expect(command.input).toMatchObject({
      concurBaseUrl: 'http://mock:8080',
      concurWebUrl: 'http://127.0.0.1:8080',
      consumerKey: 'flag-key',
      consumerSecret: 'env-secret',
      storePath: '/data/members.json',
      cookieSecret: 's'.repeat(40),
    });
  });

  it.each([
    [['--port', 'eighty']],
    [['--port', '70000']],
    [['--log-level', 'loud']],
    [['--no-such-flag']],
  ])('refuses %j with a usage error naming the problem', (argv) => {
    expect(() => parsePartnerAppCommand(argv, {})).toThrow(UsageError);
  });
});

describe('the partner app as a process', () => {
  it('starts with one command, prints its redirect URI, serves pages and stops cleanly on SIGTERM', async () => {
    const mock = await startMockConcur({ logLevel: 'silent' });
    const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, 'partner-app/src/server.ts', '--port', '0', '--log-level', 'warn'], {
      env: { ...process.env, CONCUR_BASE_URL: mock.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          const match = /redirect URI:\s+(http:\/\/127\.0\.0\.1:\d+)\/concur\/callback/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
      });
      expect(out).toContain(`App Center:    ${mock.url}/appcenter/apps/demo-consumer-key`);
      const home = await fetch(url);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('<h1>TripLink Demo Rewards</h1>');
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await mock.close();
    }
  });

  it('exits 2 with the usage text for a bad flag', async () => {
    const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, 'partner-app/src/server.ts', '--port', 'x'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err).toContain("--port must be a whole number from 0 to 65535, got 'x'");
    expect(err).toContain('Usage: npm run partner-app');
  });
});
