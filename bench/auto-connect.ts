/**
 * `npm run bench:auto-connect`: the auto-connect worker's whole flow at scale, beside what the
 * mock alone can serve for the same calls, measured in the same run.
 *
 * For each queue size N a fresh mock (the built bundle, in a child process) is seeded with N
 * pending requests, and:
 *   - worker: one `runOnce()` cycle in this process (GET pages, exchange, match, PUT, revoke
 *     the ~30 % that do not connect), with this process's peak memory sampled throughout;
 *   - baseline: a fresh mock with the same N, drained by a bare loop making the same HTTP calls
 *     with the same concurrency and no worker logic — the mock's own maximum for this flow.
 * Prints a table, the targets, and one JSON line. Exits 1 if a cycle did not settle all N.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { createAutoConnectWorker, createConcurClient, type CycleSummary, type MatchResult } from '../client/index.js';
import { installChildCleanup, installWatchdog, stopAllChildren } from './lib/children.js';
import { adminTokens, LIST_PATH, seedConnectionRequests, TOKEN_PATH } from './lib/mock-api.js';
import { processCpuMs } from './lib/proc-stats.js';
import { assertMockBuilt, startMock, type RunningServer } from './lib/servers.js';
import { fixed, formatTable, grouped, verdict } from './lib/table.js';

const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(",").map(Number) : [1_000, 10_000, 30_000];
const CONCURRENCY = 16;
const APP = { consumerKey: 'demo-consumer-key', consumerSecret: 'demo-consumer-secret' };
const ADMIN = { loginId: 'wsadmin@demo.example', password: 'demo-password' };
const TARGET_SECONDS_AT_10K = 30;
const TARGET_RATIO = 0.5;
const WATCHDOG_MS = 10 * 60_000;

/** 70 % connect, the rest are unknown loyalty numbers (CREU1, with a revocation): deterministic. */
const matcher = (request: { loyaltyNumber: string | null }): MatchResult => (Number(request.loyaltyNumber?.slice(-1) ?? 0) < 7 ? { outcome: 'connected', memberId: `m-${request.loyaltyNumber}` } : { outcome: 'not-found' });

const progress = (line: string) => process.stderr.write(`${line}\n`);

interface WorkerRun {
  n: number;
  seconds: number;
  requestsPerSecond: number;
  httpCalls: number;
  summary: CycleSummary;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  heapPeakMiB: number;
  mockCpuPercent: number | null;
  /** This process (worker + client + HTTP stack), % of one core. */
  workerCpuPercent: number;
}

interface BaselineRun {
  n: number;
  seconds: number;
  requestsPerSecond: number;
  httpCalls: number;
  mockCpuPercent: number | null;
  /** Flow requests per second of the mock's CPU: what the mock could serve with a core to itself. */
  mockCapacity: number | null;
}

async function seededMock(n: number): Promise<RunningServer> {
  const mock = await startMock();
  // The 12 demo travellers are there too: the cycle settles N + 12.
  await seedConnectionRequests(mock.url, n, 100_000);
  return mock;
}

async function runWorker(n: number): Promise<WorkerRun> {
  const mock = await seededMock(n);
  try {
    let httpCalls = 0;
    const counting: typeof fetch = (input, init) => {
      httpCalls++;
      return fetch(input, init);
    };
    const worker = createAutoConnectWorker({
      client: createConcurClient({ baseUrl: mock.url, ...APP, fetch: counting }),
      adminCredentials: ADMIN,
      matcher,
      concurrency: CONCURRENCY,
      pageSize: 10,
    });
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let heapPeak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      rssPeak = Math.max(rssPeak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
    }, 25);
    const cpuBefore = await processCpuMs(mock.child.pid);
    const ownBefore = process.cpuUsage();
    const started = performance.now();
    const summary = await worker.runOnce();
    const seconds = (performance.now() - started) / 1000;
    const own = process.cpuUsage(ownBefore);
    const cpuAfter = await processCpuMs(mock.child.pid);
    clearInterval(sampler);
    if (!summary.completed || summary.requests !== n + 12) throw new Error(`worker cycle at N=${n} did not settle every request: ${JSON.stringify(summary)}`);
    return {
      n,
      seconds,
      requestsPerSecond: summary.requests / seconds,
      httpCalls,
      summary,
      rssBeforeMiB: rssBefore / 2 ** 20,
      rssPeakMiB: rssPeak / 2 ** 20,
      heapPeakMiB: heapPeak / 2 ** 20,
      mockCpuPercent: cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) / (seconds * 1000)) * 100 : null,
      workerCpuPercent: ((own.user + own.system) / 1000 / (seconds * 1000)) * 100,
    };
  } finally {
    await mock.child.stop();
  }
}

/** The same HTTP calls as the worker (page, exchange, PUT, revoke for the unmatched), nothing else. */
async function runBaseline(n: number): Promise<BaselineRun> {
  const mock = await seededMock(n);
  try {
    const { token } = await adminTokens(mock.url);
    const admin = { authorization: `OAuth ${token}`, accept: 'application/json' };
    const limit = pLimit(CONCURRENCY);
    let httpCalls = 0;
    let settled = 0;
    const call = async (url: string, init: RequestInit = {}) => {
      httpCalls++;
      const res = await fetch(url, init);
      const body = await res.text();
      if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url.split('?')[0]} → ${res.status} ${body.slice(0, 200)}`);
      return body;
    };
    const cpuBefore = await processCpuMs(mock.child.pid);
    const started = performance.now();
    for (;;) {
      const page = JSON.parse(await call(`${mock.url}${LIST_PATH}?status=Pending&offset=0&limit=10`, { headers: admin })) as { Items: { ID: string; requestToken: string; loyaltyNumber: string | null }[] };
      if (page.Items.length === 0) break;
      await Promise.all(
        page.Items.map((item) =>
          limit(async () => {
            const exchanged = JSON.parse(await call(`${mock.url}${TOKEN_PATH}?code=${encodeURIComponent(item.requestToken)}&client_id=${APP.consumerKey}&client_secret=${APP.consumerSecret}`, { headers: { accept: 'application/json' } })) as { Access_Token: { Token: string } };
            const connected = matcher(item).outcome === 'connected';
            if (!connected) await call(`${mock.url}/net2/oauth2/revoketoken.ashx?token=${encodeURIComponent(exchanged.Access_Token.Token)}`, { method: 'POST', headers: admin });
            await call(`${mock.url}${LIST_PATH}/${item.ID}`, { method: 'PUT', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ status: connected ? 'CRSUC' : 'CREU1' }) });
            settled++;
          }),
        ),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = await processCpuMs(mock.child.pid);
    if (settled !== n + 12) throw new Error(`baseline at N=${n} settled ${settled}, expected ${n + 12}`);
    const mockCpuMs = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
    return { n, seconds, requestsPerSecond: settled / seconds, httpCalls, mockCpuPercent: mockCpuMs === null ? null : (mockCpuMs / (seconds * 1000)) * 100, mockCapacity: mockCpuMs ? settled / (mockCpuMs / 1000) : null };
  } finally {
    await mock.child.stop();
  }
}

async function main(): Promise<number> {
  assertMockBuilt();
  installChildCleanup();
  const clearWatchdog = installWatchdog(WATCHDOG_MS, progress);
  try {
    console.log(`auto-connect benchmark: node ${process.version}, ${os.cpus().length} CPU(s); mock in a child process, worker and baseline in this one; concurrency ${CONCURRENCY}, pages of 10\n`);
    const rows: { worker: WorkerRun; baseline: BaselineRun }[] = [];
    for (const n of SIZES) {
      progress(`N=${grouped(n)}: baseline…`);
      const baseline = await runBaseline(n);
      progress(`N=${grouped(n)}: worker…`);
      const worker = await runWorker(n);
      rows.push({ worker, baseline });
    }
    console.log(
      formatTable(
        ['queued', 'worker s', 'worker req/s', 'worker CPU %', 'mock CPU %', 'baseline req/s', 'baseline mock CPU %', 'mock capacity req/s', 'worker/baseline', 'worker/capacity', 'HTTP calls/req', 'revoked', 'rss before MiB', 'rss peak MiB', 'heap peak MiB'],
        rows.map(({ worker: w, baseline: b }) => [
          grouped(w.summary.requests),
          fixed(w.seconds, 2),
          grouped(Math.round(w.requestsPerSecond)),
          fixed(w.workerCpuPercent, 0),
          w.mockCpuPercent === null ? 'n/a' : fixed(w.mockCpuPercent, 0),
          grouped(Math.round(b.requestsPerSecond)),
          b.mockCpuPercent === null ? 'n/a' : fixed(b.mockCpuPercent, 0),
          b.mockCapacity === null ? 'n/a' : grouped(Math.round(b.mockCapacity)),
          fixed(w.requestsPerSecond / b.requestsPerSecond, 2),
          b.mockCapacity === null ? 'n/a' : fixed(w.requestsPerSecond / b.mockCapacity, 2),
          fixed(w.httpCalls / w.summary.requests, 2),
          grouped(w.summary.revoked),
          fixed(w.rssBeforeMiB, 0),
          fixed(w.rssPeakMiB, 0),
          fixed(w.heapPeakMiB, 0),
        ]),
      ),
    );
    // The 10 000 target is judged on that size, or on the largest size run (BENCH_SIZES can differ).
    const at10k = rows.find((r) => r.worker.n === 10_000) ?? rows.at(-1)!;
    const minRatio = Math.min(...rows.map((r) => r.worker.requestsPerSecond / r.baseline.requestsPerSecond));
    const first = rows[0]!.worker;
    const last = rows.at(-1)!.worker;
    const growth = last.rssPeakMiB - last.rssBeforeMiB - (first.rssPeakMiB - first.rssBeforeMiB);
    const targets = {
      tenThousandUnder30s: { value: round2(at10k.worker.seconds), met: at10k.worker.seconds < TARGET_SECONDS_AT_10K },
      withinTwiceOfBaseline: { value: round2(minRatio), met: minRatio >= TARGET_RATIO },
      memoryFlat: { growthMiB: round2(growth), met: growth < 50 },
    };
    console.log(
      `\nTargets: ${grouped(at10k.worker.n)} in < ${TARGET_SECONDS_AT_10K} s ${verdict(targets.tenThousandUnder30s.met)} (${fixed(at10k.worker.seconds, 1)} s) · ` +
        `worker ≥ ${TARGET_RATIO} of the mock alone ${verdict(targets.withinTwiceOfBaseline.met)} (lowest ${fixed(minRatio, 2)}) · ` +
        `peak memory growth ${grouped(first.summary.requests)} → ${grouped(last.summary.requests)}: ${fixed(growth, 0)} MiB ${verdict(targets.memoryFlat.met)}\n`,
    );
    console.log(JSON.stringify({ benchmark: 'auto-connect', node: process.version, cpus: os.cpus().length, concurrency: CONCURRENCY, runs: rows.map(({ worker: w, baseline: b }) => ({ n: w.summary.requests, worker: { seconds: round2(w.seconds), rps: Math.round(w.requestsPerSecond), cpuPercent: round2(w.workerCpuPercent), httpCalls: w.httpCalls, outcomes: w.summary.outcomes, revoked: w.summary.revoked, rssBeforeMiB: round2(w.rssBeforeMiB), rssPeakMiB: round2(w.rssPeakMiB), heapPeakMiB: round2(w.heapPeakMiB), mockCpuPercent: w.mockCpuPercent === null ? null : round2(w.mockCpuPercent) }, baseline: { seconds: round2(b.seconds), rps: Math.round(b.requestsPerSecond), httpCalls: b.httpCalls, mockCpuPercent: b.mockCpuPercent === null ? null : round2(b.mockCpuPercent), mockCapacityRps: b.mockCapacity === null ? null : Math.round(b.mockCapacity) } })), targets }));
    return 0;
  } finally {
    clearWatchdog();
    await stopAllChildren();
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    void stopAllChildren().finally(() => process.exit(1));
  },
);
