/**
 * `npm run bench:auto-connect`: the auto-connect worker's whole flow at scale, beside what the
 * mock alone can serve for the same calls, measured in the same run.
 *
 * For each queue size N (30 000 only if the run stays under ~2 min) and each concurrency (8, 16)
 * a fresh mock (the built bundle, in a child process) is seeded with N pending requests, and:
 *   - worker: `runOnce()` cycles in this process (GET pages, exchange, match, PUT, revoke
 *     the ~30 % that do not connect), with this process's peak memory sampled throughout;
 *   - baseline: a fresh mock with the same N, drained by a bare loop making the same HTTP calls
 *     with the same concurrency and no worker logic — the mock's own maximum for this flow.
 * Each side runs twice on the same processes, N freshly seeded each time: the first cycle is
 * what a fresh CI run sees (both programs still compiling their hot code: the mock spends
 * ≈ 1.7x the CPU on it), the second the steady state of a long-running worker, which the
 * targets judge, as every throughput figure of `npm run bench` is taken after a warm-up.
 * Prints a table, the targets, and one JSON line. Exits 1 if a cycle did not settle all N.
 */
import os from 'node:os';
import { DEMO } from 'mock-concur';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { createConcurClient, createUndiciTransport, type Transport } from 'concur-partner-client';
import { createAutoConnectWorker, type CycleSummary, type MatchResult } from 'concur-auto-connect';
import { adminTokens, LIST_PATH, seedConnectionRequests, TOKEN_PATH } from './lib/mock-api.js';
import { processCpuMs } from './lib/proc-stats.js';
import { startMock } from './lib/servers.js';
import { fixed, formatTable, grouped, verdict } from './lib/table.js';
import { runBenchmark } from './lib/run-benchmark.js';

const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [1_000, 10_000, 30_000];
/** Sizes above 10 000 run only if the projected total stays under this (default sizes only). */
const OPTIONAL_BUDGET_MS = 120_000;
const CONCURRENCIES = [8, 16] as const;
const SAMPLE_MS = 50;
const APP = { consumerKey: DEMO.app.consumerKey, consumerSecret: DEMO.app.consumerSecret };
const ADMIN = DEMO.admin;
/** Issue 16: 10 000 requests in 3 s at concurrency 16 … */
const TARGET_SECONDS_AT_10K = 3;
const TARGET_CONCURRENCY = 16;
/** … at ≥ 0.7 of what the mock alone can serve for the same calls with a core to itself. */
const TARGET_RATIO = 0.7;
const WATCHDOG_MS = 10 * 60_000;

/**
 * Deterministic by the loyalty number's last digit: 0–6 connect (70 %), 7–8 are unknown (CREU1),
 * 9 has another name on file (CREU2); the 30 % that fail get their token revoked.
 */
const matcher = (request: { loyaltyNumber: string | null }): MatchResult => {
  const digit = Number(request.loyaltyNumber?.slice(-1) ?? 0);
  if (digit < 7) return { outcome: 'connected', memberId: `m-${request.loyaltyNumber}` };
  return digit < 9 ? { outcome: 'not-found' } : { outcome: 'name-mismatch' };
};
const STATUS_OF = { connected: 'CRSUC', 'not-found': 'CREU1', 'name-mismatch': 'CREU2' } as const;

const progress = (line: string) => process.stderr.write(`${line}\n`);

interface WorkerRun {
  n: number;
  concurrency: number;
  /** The first cycle on a fresh worker and mock. */
  firstSeconds: number;
  /** The second: everything below is of this one. */
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
  concurrency: number;
  firstSeconds: number;
  seconds: number;
  requestsPerSecond: number;
  httpCalls: number;
  mockCpuPercent: number | null;
  /** Flow requests per second of the mock's CPU: what the mock could serve with a core to itself. */
  mockCapacity: number | null;
}

/** The requests a cycle settles: N, and in the first the 12 demo travellers' too. */
const expectedOf = (n: number, cycle: number) => n + (cycle === 0 ? 12 : 0);

async function runWorker(n: number, concurrency: number): Promise<WorkerRun> {
  const mock = await startMock();
  try {
    let httpCalls = 0;
    // The client's default transport (undici's pools), counted.
    const undici = createUndiciTransport();
    const counting: Transport = {
      request: (call) => {
        httpCalls++;
        return undici.request(call);
      },
      close: () => undici.close!(),
    };
    const client = createConcurClient({ baseUrl: mock.url, ...APP, transport: counting });
    const worker = createAutoConnectWorker({
      client,
      adminCredentials: ADMIN,
      matcher,
      concurrency,
      pageSize: 10,
    });
    const cycle = async (index: number) => {
      await seedConnectionRequests(mock.url, n, 100_000);
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      let heapPeak = process.memoryUsage().heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        rssPeak = Math.max(rssPeak, m.rss);
        heapPeak = Math.max(heapPeak, m.heapUsed);
      }, SAMPLE_MS);
      httpCalls = 0;
      const cpuBefore = await processCpuMs(mock.child.pid);
      const ownBefore = process.cpuUsage();
      const started = performance.now();
      const summary = await worker.runOnce();
      const seconds = (performance.now() - started) / 1000;
      const own = process.cpuUsage(ownBefore);
      const cpuAfter = await processCpuMs(mock.child.pid);
      clearInterval(sampler);
      if (!summary.completed || summary.requests !== expectedOf(n, index)) throw new Error(`worker cycle ${index + 1} at N=${n} did not settle every request: ${JSON.stringify(summary)}`);
      return { summary, seconds, own, cpuBefore, cpuAfter, rssBefore, rssPeak, heapPeak };
    };
    const first = await cycle(0);
    const { summary, seconds, own, cpuBefore, cpuAfter, rssBefore, rssPeak, heapPeak } = await cycle(1);
    await client.close();
    return {
      n,
      concurrency,
      firstSeconds: first.seconds,
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
async function runBaseline(n: number, concurrency: number): Promise<BaselineRun> {
  const mock = await startMock();
  try {
    const { token } = await adminTokens(mock.url);
    const admin = { authorization: `OAuth ${token}`, accept: 'application/json' };
    const limit = pLimit(concurrency);
    let httpCalls = 0;
    let settled = 0;
    const call = async (url: string, init: RequestInit = {}) => {
      httpCalls++;
      const res = await fetch(url, init);
      const body = await res.text();
      if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url.split('?')[0]} → ${res.status} ${body.slice(0, 200)}`);
      return body;
    };
    const drain = async (index: number) => {
      await seedConnectionRequests(mock.url, n, 100_000);
      httpCalls = 0;
      settled = 0;
      const cpuBefore = await processCpuMs(mock.child.pid);
      const started = performance.now();
      for (;;) {
        const page = JSON.parse(await call(`${mock.url}${LIST_PATH}?status=Pending&offset=0&limit=10`, { headers: admin })) as { Items: { ID: string; requestToken: string; loyaltyNumber: string | null }[] };
        if (page.Items.length === 0) break;
        await Promise.all(
          page.Items.map((item) =>
            limit(async () => {
              const exchanged = JSON.parse(await call(`${mock.url}${TOKEN_PATH}?code=${encodeURIComponent(item.requestToken)}&client_id=${APP.consumerKey}&client_secret=${APP.consumerSecret}`, { headers: { accept: 'application/json' } })) as { Access_Token: { Token: string } };
              const outcome = matcher(item).outcome as keyof typeof STATUS_OF;
              const connected = outcome === 'connected';
              if (!connected) await call(`${mock.url}/net2/oauth2/revoketoken.ashx?token=${encodeURIComponent(exchanged.Access_Token.Token)}`, { method: 'POST', headers: admin });
              await call(`${mock.url}${LIST_PATH}/${item.ID}`, { method: 'PUT', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ status: STATUS_OF[outcome] }) });
              settled++;
            }),
          ),
        );
      }
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = await processCpuMs(mock.child.pid);
      if (settled !== expectedOf(n, index)) throw new Error(`baseline drain ${index + 1} at N=${n} settled ${settled}, expected ${expectedOf(n, index)}`);
      return { seconds, settled, mockCpuMs: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null };
    };
    const first = await drain(0);
    const { seconds, mockCpuMs } = await drain(1);
    return { n, concurrency, firstSeconds: first.seconds, seconds, requestsPerSecond: settled / seconds, httpCalls, mockCpuPercent: mockCpuMs === null ? null : (mockCpuMs / (seconds * 1000)) * 100, mockCapacity: mockCpuMs ? settled / (mockCpuMs / 1000) : null };
  } finally {
    await mock.child.stop();
  }
}

async function main(): Promise<number> {
  console.log(`auto-connect benchmark: node ${process.version}, ${os.cpus().length} CPU(s); mock in a child process, worker and baseline in this one; concurrency ${CONCURRENCIES.join(' and ')}, pages of 10\n`);
  const rows: { worker: WorkerRun; baseline: BaselineRun }[] = [];
  const runStarted = performance.now();
  let lastSizeMs = 0;
  for (const [index, n] of SIZES.entries()) {
    // A default size past 10 000 only if its projection (linear in N) keeps the run short.
    const previous = SIZES[index - 1];
    if (!process.env.BENCH_SIZES && n > 10_000 && previous !== undefined) {
      const projectedMs = performance.now() - runStarted + (lastSizeMs * n) / previous;
      if (projectedMs > OPTIONAL_BUDGET_MS) {
        progress(`N=${grouped(n)}: skipped (projected ${fixed(projectedMs / 1000, 0)} s total > ${OPTIONAL_BUDGET_MS / 1000} s)`);
        continue;
      }
    }
    const sizeStarted = performance.now();
    for (const concurrency of CONCURRENCIES) {
      progress(`N=${grouped(n)} c=${concurrency}: baseline…`);
      const baseline = await runBaseline(n, concurrency);
      progress(`N=${grouped(n)} c=${concurrency}: worker…`);
      const worker = await runWorker(n, concurrency);
      progress(`N=${grouped(n)} c=${concurrency}: worker ${fixed(worker.seconds, 2)} s, baseline ${fixed(baseline.seconds, 2)} s`);
      rows.push({ worker, baseline });
    }
    lastSizeMs = performance.now() - sizeStarted;
  }
  console.log(
    formatTable(
      ['queued', 'conc.', '1st cycle s', 'worker s', 'worker req/s', 'worker CPU %', 'mock CPU %', 'baseline req/s', 'baseline mock CPU %', 'mock capacity req/s', 'worker/baseline', 'HTTP calls/req', 'connected', 'CREU1', 'CREU2', 'revoked', 'rss before MiB', 'rss peak MiB', 'heap peak MiB'],
      rows.map(({ worker: w, baseline: b }) => [
        grouped(w.summary.requests),
        String(w.concurrency),
        fixed(w.firstSeconds, 2),
        fixed(w.seconds, 2),
        grouped(Math.round(w.requestsPerSecond)),
        fixed(w.workerCpuPercent, 0),
        w.mockCpuPercent === null ? 'n/a' : fixed(w.mockCpuPercent, 0),
        grouped(Math.round(b.requestsPerSecond)),
        b.mockCpuPercent === null ? 'n/a' : fixed(b.mockCpuPercent, 0),
        b.mockCapacity === null ? 'n/a' : grouped(Math.round(b.mockCapacity)),
        fixed(w.requestsPerSecond / b.requestsPerSecond, 2),
        fixed(w.httpCalls / w.summary.requests, 2),
        grouped(w.summary.outcomes.CRSUC),
        grouped(w.summary.outcomes.CREU1),
        grouped(w.summary.outcomes.CREU2),
        grouped(w.summary.revoked),
        fixed(w.rssBeforeMiB, 0),
        fixed(w.rssPeakMiB, 0),
        fixed(w.heapPeakMiB, 0),
      ]),
    ),
  );
  console.log('1st cycle = the first on a fresh worker and mock; every other column is of the second (steady state). Baseline first drains: ' + rows.map(({ baseline: b }) => `${grouped(b.n)}/c${b.concurrency} ${fixed(b.firstSeconds, 2)} s`).join(', '));
  // The 10 000 target is judged on that size, or on the largest size run (BENCH_SIZES can differ);
  // memory flatness compares that size's peak growth with the smallest size's, per concurrency.
  const judgedN = SIZES.includes(10_000) ? 10_000 : rows.at(-1)!.worker.n;
  const smallestN = rows[0]!.worker.n;
  const growthOf = (w: WorkerRun) => w.rssPeakMiB - w.rssBeforeMiB;
  const judged = rows.find((r) => r.worker.n === judgedN && r.worker.concurrency === TARGET_CONCURRENCY) ?? rows.filter((r) => r.worker.n === judgedN).at(-1)!;
  const slowest = judged.worker.seconds;
  // The worker's requests/s over the mock's capacity (the bare loop's requests per second of the mock's own CPU).
  const capacity = judged.baseline.mockCapacity;
  const minRatio = capacity === null ? Number.NaN : judged.worker.requestsPerSecond / capacity;
  const growth = Math.max(
    ...CONCURRENCIES.map((c) => {
      const small = rows.find((r) => r.worker.n === smallestN && r.worker.concurrency === c)!.worker;
      const big = rows.find((r) => r.worker.n === judgedN && r.worker.concurrency === c)!.worker;
      return growthOf(big) - growthOf(small);
    }),
  );
  const targets = {
    tenThousandWithin3s: { n: judgedN, concurrency: judged.worker.concurrency, value: round2(slowest), firstCycle: round2(judged.worker.firstSeconds), met: slowest <= TARGET_SECONDS_AT_10K },
    ofMockCapacity: { value: round2(minRatio), met: minRatio >= TARGET_RATIO },
    memoryFlat: { growthMiB: round2(growth), met: growth < 50 },
  };
  console.log(
    `\nTargets (steady state): ${grouped(judgedN)} at concurrency ${judged.worker.concurrency} in ≤ ${TARGET_SECONDS_AT_10K} s ${verdict(targets.tenThousandWithin3s.met)} (${fixed(slowest, 2)} s; first cycle ${fixed(judged.worker.firstSeconds, 2)} s) · ` +
      `worker ≥ ${TARGET_RATIO} of the mock's capacity ${verdict(targets.ofMockCapacity.met)} (${fixed(minRatio, 2)}: ${grouped(Math.round(judged.worker.requestsPerSecond))} of ${capacity === null ? 'n/a' : grouped(Math.round(capacity))} req/s) · ` +
      `extra peak RSS growth ${grouped(smallestN)} → ${grouped(judgedN)}: ${fixed(growth, 0)} MiB ${verdict(targets.memoryFlat.met)}\n`,
  );
  console.log(
    JSON.stringify({
      benchmark: 'auto-connect',
      node: process.version,
      cpus: os.cpus().length,
      runs: rows.map(({ worker: w, baseline: b }) => ({
        n: w.summary.requests,
        concurrency: w.concurrency,
        worker: { firstSeconds: round2(w.firstSeconds), seconds: round2(w.seconds), rps: Math.round(w.requestsPerSecond), cpuPercent: round2(w.workerCpuPercent), httpCalls: w.httpCalls, outcomes: w.summary.outcomes, revoked: w.summary.revoked, rssBeforeMiB: round2(w.rssBeforeMiB), rssPeakMiB: round2(w.rssPeakMiB), heapPeakMiB: round2(w.heapPeakMiB), mockCpuPercent: w.mockCpuPercent === null ? null : round2(w.mockCpuPercent) },
        baseline: { firstSeconds: round2(b.firstSeconds), seconds: round2(b.seconds), rps: Math.round(b.requestsPerSecond), httpCalls: b.httpCalls, mockCpuPercent: b.mockCpuPercent === null ? null : round2(b.mockCpuPercent), mockCapacityRps: b.mockCapacity === null ? null : Math.round(b.mockCapacity) },
        ratio: round2(w.requestsPerSecond / b.requestsPerSecond),
      })),
      targets,
    }),
  );
  return 0;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

runBenchmark('auto-connect benchmark', main, { watchdogMs: WATCHDOG_MS });
