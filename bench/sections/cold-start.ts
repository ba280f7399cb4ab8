import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnChild } from '../lib/children.js';
import { httpRequest } from '../lib/http.js';
import { freePort } from '../lib/ports.js';
import { bareEnv, bareTsxArgs, bundleBare, mockArgs, REPO_ROOT } from '../lib/servers.js';
import { summarize } from '../lib/stats.js';

/**
 * Section 2: wall time from spawn() to the first 200 from the server, i.e. what a test
 * suite or `npm start` waits for: Node's own start, module loading, building the app and
 * seeding the demo data, and binding the port.
 */

const POLL_INTERVAL_MS = 5;
const GIVE_UP_MS = 15_000;

export interface ColdStartSeries {
  name: string;
  samplesMs: number[];
  medianMs: number;
  maxMs: number;
}

interface Variant {
  name: string;
  args(port: number): string[];
  env?: NodeJS.ProcessEnv;
  /** Polled until it answers 200. */
  path: string;
}

export async function measureColdStart(runs: number): Promise<ColdStartSeries[]> {
  const bundled = await bundleBare();
  try {
    const bareBody = bareEnv({ body: 'ok', contentType: 'text/plain; charset=utf-8' });
    const variants: Variant[] = [
      { name: 'mock-concur (dist bundle)', args: (port) => mockArgs(port), path: '/_mock/health' },
      // The fair baseline: bundled like the mock, so both skip TypeScript at start.
      { name: 'bare Fastify (esbuild bundle)', args: (port) => [bundled.entry, '--port', String(port)], env: bareBody, path: '/' },
      // How the throughput section runs it: the difference to the bundle is tsx's own cost.
      { name: 'bare Fastify (tsx loader)', args: bareTsxArgs, env: bareBody, path: '/' },
      // The bin keeps V8's compiled code after its first start (mock-concur/src/bin/code-cache.ts):
      // a fresh container or the first start after a build has none.
      { name: 'mock-concur (dist bundle, no code cache)', args: (port) => mockArgs(port), env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' }, path: '/_mock/health' },
    ];
    // One untimed start each first: later starts find the files in the OS page cache, as
    // any start after the first does on a developer's machine.
    for (const variant of variants) await startOnce(variant);
    const samples = new Map<Variant, number[]>(variants.map((v) => [v, []]));
    // Interleaved, so a noisy moment on the machine spreads over all variants.
    for (let i = 0; i < runs; i++) for (const variant of variants) samples.get(variant)!.push(await startOnce(variant));
    return variants.map((variant) => {
      const ms = samples.get(variant)!;
      const { median, max } = summarize(ms);
      return { name: variant.name, samplesMs: ms, medianMs: median, maxMs: max };
    });
  } finally {
    await bundled.dispose();
  }
}

/** Milliseconds from spawn to the first 200; the child is stopped before this returns. */
async function startOnce(variant: Variant): Promise<number> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}${variant.path}`;
  const started = performance.now();
  const child = spawnChild(variant.name, process.execPath, variant.args(port), { cwd: REPO_ROOT, env: variant.env });
  try {
    while (performance.now() - started < GIVE_UP_MS) {
      if (child.process.exitCode !== null) throw new Error(`${variant.name} exited with code ${child.process.exitCode}:\n${child.output()}`);
      try {
        // A fresh connection per poll: until the port is bound it is refused at once.
        const response = await httpRequest(url, { timeoutMs: 2_000 });
        if (response.status === 200) return performance.now() - started;
      } catch {
        // Not listening yet.
      }
      await sleep(POLL_INTERVAL_MS);
    }
    throw new Error(`${variant.name} did not answer 200 on ${variant.path} within ${GIVE_UP_MS} ms:\n${child.output()}`);
  } finally {
    await child.stop();
  }
}
