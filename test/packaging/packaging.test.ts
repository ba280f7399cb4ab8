import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The packages as a partner gets them: every public package is built and `npm pack`ed, the
 * tarballs are installed into scratch projects outside the repository (their third-party
 * dependencies from the registry), and everything a partner's project does with them is done
 * there, on whichever Node runs this file (.ci/run runs it on 20, 22 and 24).
 */
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const PACKAGES = { 'mock-concur': 'mock-concur', 'concur-partner-client': 'client', 'concur-auto-connect': 'auto-connect', 'concur-contracts': 'contracts' } as const;
type PackageName = keyof typeof PACKAGES;
/** What a production install of the client must never drag in. */
const SERVER_ONLY = ['fastify', '@faker-js/faker', 'testcontainers', 'nock', 'p-limit', 'csv-parse', 'cli-table3', 'ajv', 'mock-concur'];
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const INSTALL_FLAGS = ['--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];

let scratch: string;
const tarballs = {} as Record<PackageName, string>;
/** The project with every tarball; `clientOnly` has only concur-partner-client. */
let full: string;
let clientOnly: string;

function sh(command: string, args: string[], cwd: string, timeoutMs = 240_000) {
  return run(command, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
}

function project(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }, null, 2));
  return dir;
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

function installedPackages(dir: string): string[] {
  const names: string[] = [];
  const walk = (modules: string) => {
    let entries;
    try {
      entries = readdirSync(modules, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(join(modules, entry.name))) {
          names.push(`${entry.name}/${scoped}`);
          walk(join(modules, entry.name, scoped, 'node_modules'));
        }
      } else {
        names.push(entry.name);
        walk(join(modules, entry.name, 'node_modules'));
      }
    }
  };
  walk(join(dir, 'node_modules'));
  return names;
}

/** Starts `command` and resolves with the URL it prints once listening (and the ms it took). */
async function startServer(command: string, args: string[], cwd: string): Promise<{ child: ChildProcess; url: string; readyMs: number }> {
  const started = performance.now();
  // Its own process group: `npx` starts the mock as a child of npm, and stop() must end both.
  const child = spawn(command, args, { cwd, detached: true, env: { ...process.env, PORT: '', HOST: '', STATE_DIR: '', npm_config_update_notifier: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} printed no URL in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}:\n${output}`)));
  });
  for (;;) {
    const ok = await fetch(`${url}/_mock/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return { child, url, readyMs: performance.now() - started };
}

/** Ends the whole process group (npm and the mock it started), and waits for the leader. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

describe(`the npm packages, installed from their tarballs (node ${process.version})`, () => {
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'mock-concur-packaging-'));
    await sh(process.execPath, ['scripts/build.mjs'], ROOT);
    const packed = join(scratch, 'tarballs');
    mkdirSync(packed);
    const { stdout } = await sh(NPM, ['pack', '--json', '--pack-destination', packed, ...Object.values(PACKAGES).flatMap((dir) => ['--workspace', dir])], ROOT);
    for (const entry of JSON.parse(stdout) as { name: PackageName; filename: string; size: number; unpackedSize: number; entryCount: number }[]) {
      tarballs[entry.name] = join(packed, entry.filename);
      console.log(`[packaging] ${entry.filename}: ${(entry.size / 1024).toFixed(1)} KiB packed, ${(entry.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${entry.entryCount} files`);
    }
    full = project('partner-project');
    clientOnly = project('production-service');
    await Promise.all([
      sh(NPM, ['install', ...INSTALL_FLAGS, ...Object.values(tarballs), 'typescript@~5.9.3', '@types/node@^20.19.0'], full),
      sh(NPM, ['install', ...INSTALL_FLAGS, tarballs['concur-partner-client']], clientOnly),
    ]);
  }, 600_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('ships built JavaScript, declarations and source maps, never tests or TypeScript sources', async () => {
    for (const [name, tarball] of Object.entries(tarballs)) {
      const { stdout } = await sh('tar', ['-tzf', tarball], scratch);
      const files = stdout.split('\n').filter(Boolean);
      const offenders = files.filter((f) => /\/(test|tests|src)\//.test(f) || (/\.(ts|mts|cts)$/.test(f) && !/\.d\.(ts|mts|cts)$/.test(f)) || /\.test\./.test(f) || /tsbuildinfo$/.test(f));
      expect(offenders, name).toEqual([]);
      expect(files, name).toContain('package/dist/index.js');
      expect(files, name).toContain('package/dist/index.d.ts');
      expect(files, name).toContain('package/dist/index.js.map');
      expect(files, name).toContain('package/README.md');
      expect(files, name).toContain('package/LICENSE');
    }
  });

  it('npx mock-concur starts the mock, which answers /_mock/health (cold start printed beside node on its files)', async () => {
    const variants = [
      ['npx mock-concur', NPM, ['exec', '--offline', '--', 'mock-concur']],
      ['node …/dist/bundle/mock-concur.js (the bin)', process.execPath, ['node_modules/mock-concur/dist/bundle/mock-concur.js']],
      ['node …/dist/cli.js (unbundled)', process.execPath, ['node_modules/mock-concur/dist/cli.js']],
    ] as const;
    const times = new Map<string, number[]>(variants.map(([label]) => [label, []]));
    for (let round = 0; round < 3; round++) {
      for (const [label, command, args] of variants) {
        const server = await startServer(command, [...args, '--port', '0', '--log-level', 'warn'], full);
        const health = (await (await fetch(`${server.url}/_mock/health`)).json()) as { status: string; connectionRequests: { Pending: number } };
        expect(health.status).toBe('ok');
        expect(health.connectionRequests.Pending).toBeGreaterThan(0);
        times.get(label)!.push(server.readyMs);
        await stop(server.child);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`[packaging] cold start, spawn → first 200 (median of 3): ${[...times].map(([label, xs]) => `${label} ${Math.round(median(xs))} ms`).join(', ')}`);
  }, 120_000);

  it('the bin carries its program as Latin-1 text, which V8 holds one byte a character (one code unit above U+00FF would double it)', async () => {
    const { readEmbeddedProgram } = await import('../../mock-concur/src/bin/embedded-program.js');
    const program = readEmbeddedProgram(readFileSync(join(full, 'node_modules/mock-concur/dist/bundle/mock-concur.js'), 'latin1'));
    expect(program?.source.length).toBeGreaterThan(1_000_000);
    const wide = program!.source.match(/[^\0-\xff]/g) ?? [];
    expect(wide.slice(0, 5), `${wide.length} code units above U+00FF`).toEqual([]);
  });

  it('an ESM script starts the mock in-process and runs the App Center exchange and a PUT through concur-partner-client', async () => {
    copyFileSync(join(FIXTURES, 'esm-consumer.mjs'), join(full, 'esm-consumer.mjs'));
    const { stdout } = await sh(process.execPath, ['esm-consumer.mjs'], full);
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { userTokenLength: number; status: string; lastCode: string };
    expect(result.userTokenLength).toBeGreaterThan(20);
    expect(result).toMatchObject({ status: 'Connected', lastCode: 'CRSUC' });
  });

  it('a CommonJS script requires every package', async () => {
    copyFileSync(join(FIXTURES, 'cjs-consumer.cjs'), join(full, 'cjs-consumer.cjs'));
    const { stdout } = await sh(process.execPath, ['cjs-consumer.cjs'], full);
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
      startMockConcur: 'function',
      MockControlClient: 'function',
      demoKey: 'demo-consumer-key',
      createConcurClient: 'function',
      ConcurHttpError: 'function',
      createAutoConnectWorker: 'function',
      verifyProvider: 'function',
    });
  });

  it('tsc --noEmit --strict (NodeNext) resolves every public type of the client, the worker, the contracts and the mock', async () => {
    copyFileSync(join(FIXTURES, 'consumer-types.ts'), join(full, 'consumer-types.ts'));
    writeFileSync(
      join(full, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2023', 'ESNext.Disposable'], types: ['node'], noEmit: true, skipLibCheck: false }, files: ['consumer-types.ts'] }),
    );
    // testcontainers is an optional peer: its types come with it. Without it, the one import
    // of mock-concur/testcontainers is the only thing that may not resolve.
    const result = await sh(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], full).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    const problems = result.split('\n').filter((line) => line.includes('error TS') && !/Cannot find module 'testcontainers'/.test(line));
    expect(problems).toEqual([]);
  }, 120_000);

  it('every bin answers --version with its installed package’s version, and the mock’s health names it', async () => {
    const installed = (name: string) => (JSON.parse(readFileSync(join(full, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    // Each package's bin has its package's name.
    for (const name of ['mock-concur', 'concur-auto-connect', 'concur-contracts']) {
      const { stdout } = await sh(NPM, ['exec', '--offline', '--', name, '--version'], full);
      expect(stdout.trim(), name).toBe(installed(name));
    }
    const server = await startServer(process.execPath, ['node_modules/mock-concur/dist/bundle/mock-concur.js', '--port', '0', '--log-level', 'warn'], full);
    try {
      expect(((await (await fetch(`${server.url}/_mock/health`)).json()) as { version: string }).version).toBe(installed('mock-concur'));
    } finally {
      await stop(server.child);
    }
  }, 60_000);

  it('npx concur-auto-connect --once and npx concur-contracts verify run against the bin’s mock', async () => {
    const server = await startServer(process.execPath, ['node_modules/mock-concur/dist/bundle/mock-concur.js', '--port', '0', '--log-level', 'warn'], full);
    try {
      const members = join(dirname(require_resolve(full, 'concur-auto-connect')), '..', 'demo-members.csv');
      const worker = await sh(NPM, ['exec', '--offline', '--', 'concur-auto-connect', '--once', '--base-url', server.url, '--consumer-key', 'demo-consumer-key', '--consumer-secret', 'demo-consumer-secret', '--admin-login', 'wsadmin@demo.example', '--admin-password', 'demo-password', '--members', members], full).catch(
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect('code' in worker ? worker.code : 0, `${worker.stdout}\n${worker.stderr}`).toBe(0);
      const health = (await (await fetch(`${server.url}/_mock/health`)).json()) as { connectionRequests: { Pending: number; Connected: number } };
      expect(health.connectionRequests.Pending).toBe(0);
      expect(health.connectionRequests.Connected).toBeGreaterThan(0);

      const verify = await sh(NPM, ['exec', '--offline', '--', 'concur-contracts', 'verify', '--base-url', server.url, '--fail-on-skip'], full).catch((error: { code: number; stdout: string; stderr: string }) => error);
      expect('code' in verify ? verify.code : 0, `${verify.stdout}\n${verify.stderr}`).toBe(0);
      expect(verify.stdout).toMatch(/\b\d+ passed\b/);
      expect(verify.stdout).toMatch(/\b0 failed\b/);
    } finally {
      await stop(server.child);
    }
  }, 120_000);

  it('a project that installs only concur-partner-client has none of the server’s dependencies', () => {
    const installed = installedPackages(clientOnly);
    expect(installed).toContain('concur-partner-client');
    // Its own four: cockatiel, fast-xml-parser, jose and undici (the default transport on Node).
    expect(installed).toEqual(expect.arrayContaining(['cockatiel', 'fast-xml-parser', 'jose', 'undici']));
    expect(installed.filter((name) => SERVER_ONLY.includes(name))).toEqual([]);
    console.log(`[packaging] concur-partner-client install tree: ${installed.length} packages (${installed.sort().join(', ')}), ${(treeBytes(join(clientOnly, 'node_modules')) / 1024).toFixed(0)} KiB`);
  });
});

/** Where `name` resolves from `dir`'s node_modules (its package.json's folder + main file). */
function require_resolve(dir: string, name: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { exports: { '.': { default: string } } };
  return join(dir, 'node_modules', name, pkg.exports['.'].default);
}
