import { SOURCE_NODE_ARGS } from '../support/node-args.js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';

/** Runs the CLI from source (through tsx), as `npm start` runs its bundle. */
function startCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...SOURCE_NODE_ARGS, 'mock-concur/src/cli.ts', ...args], { cwd: process.cwd(), env: { ...process.env, PORT: '', HOST: '' } });
}

async function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in: ${out}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${out}`));
    });
  });
}

describe('the mock-concur CLI', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints its URL and the demo credentials, serves, and shuts down cleanly on SIGTERM', async () => {
    child = startCli(['--port', '0', '--seed', '3', '--travelers', '4', '--log-level', 'silent']);
    const out = await waitForOutput(child, /Health\s+\S+/);
    for (const text of ['demo-consumer-key', 'demo-consumer-secret', 'wsadmin@demo.example', 'traveler@demo.example', 'demo-password', 'Pending requests       4 (seed 3']) expect(out).toContain(text);
    const url = /listening on (\S+)/.exec(out)![1]!;
    const health = (await (await fetch(`${url}/_mock/health`)).json()) as { connectionRequests: { Pending: number } };
    expect(health.connectionRequests.Pending).toBe(4);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('bound to every interface, makes up a control token, prints it, and the control API needs it', async () => {
    child = startCli(['--host', '0.0.0.0', '--port', '0', '--log-level', 'silent']);
    const out = await waitForOutput(child, /Control token\s+\S+/);
    const token = /Control token\s+(\S+)/.exec(out)![1]!;
    expect(token.length).toBeGreaterThanOrEqual(16);
    const port = /listening on http:\/\/[^:]+:(\d+)/.exec(out)![1]!;
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/_mock/health`)).status).toBe(200);
    expect((await fetch(`${url}/_mock/reset`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${url}/_mock/reset`, { method: 'POST', headers: { 'x-mock-control-token': token } })).status).toBe(200);
    expect(out).toContain(`/_mock/console?token=${encodeURIComponent(token)}`);
  });

  it('takes --max-sandboxes and --sandbox-idle-ttl, and says where sandboxes are made', async () => {
    child = startCli(['--port', '0', '--max-sandboxes', '1', '--sandbox-idle-ttl', '5', '--log-level', 'silent']);
    const out = await waitForOutput(child, /Sandboxes\s+POST \S+/);
    const url = /listening on (\S+)/.exec(out)![1]!;
    expect(out).toContain(`POST ${url}/_mock/sandboxes`);
    const make = () => fetch(`${url}/_mock/sandboxes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const first = await make();
    expect(first.status).toBe(201);
    const made = (await first.json()) as { createdAt: string; expiresAt: string; url: string };
    expect(Date.parse(made.expiresAt) - Date.parse(made.createdAt)).toBe(5 * 60_000);
    expect((await fetch(`${made.url}/_mock/health`)).status).toBe(200);
    expect((await make()).status).toBe(429);
  });

  it('refuses an unknown flag or a bad value with exit code 2 and the usage', async () => {
    for (const args of [['--nope'], ['--port', 'abc'], ['--clock', 'sideways'], ['--max-sandboxes', 'many'], ['--sandbox-idle-ttl', '-5']]) {
      const proc = startCli(args);
      let err = '';
      proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const [code] = await once(proc, 'exit');
      expect(code).toBe(2);
      expect(err).toContain('Usage: mock-concur [options]');
    }
  });

  it('prints its package version for --version and -v, and exits 0 without starting', async () => {
    const { version } = JSON.parse(readFileSync('mock-concur/package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const proc = startCli([flag, '--port', '0']);
      let out = '';
      proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const [code] = await once(proc, 'exit');
      expect(code).toBe(0);
      expect(out).toBe(`${version}\n`);
    }
  });
});
