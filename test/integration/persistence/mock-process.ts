import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../../../scripts/bundle-options.mjs';

/** The mock's CLI bundled as `npm run build` bundles it, into a temporary dir: starts in ~0.2 s. */
export async function bundleMockCli(): Promise<{ entry: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mock-concur-cli-'));
  const entry = join(dir, 'server.mjs');
  await build({ ...NODE_BUNDLE, entryPoints: ['mock-concur/src/cli.ts'], outfile: entry });
  return { entry, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export interface MockProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed. */
  output(): string;
  kill9(): Promise<void>;
  stop(): Promise<number | null>;
}

/** Starts the bundled CLI on a free port and resolves once it prints its URL. */
export async function startMockProcess(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<MockProcess> {
  const child = spawn(process.execPath, [entry, '--port', '0', '--log-level', 'warn', ...args], { env: { ...process.env, HOST: '', PORT: '', STATE_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock did not start within 15 s:\n${output}`)), 15_000);
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`mock exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
