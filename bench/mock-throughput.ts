/**
 * `npm run bench`: the mock's performance in one run, each number beside its baseline.
 *
 *   1. Throughput of the token and list endpoints vs a bare Fastify route (same body size).
 *   2. Cold start: spawn to first 200, the mock vs bare Fastify.
 *   3. List latency with 1 000 vs 1 000 000 queued requests, and the mock's memory.
 *
 * Servers run in child processes on 127.0.0.1 so the load generator (this process) never
 * shares their event loop. Prints tables, then one JSON line with every number. Exits 0
 * when the measurements ran (targets met or not), 1 when a measurement failed.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { installChildCleanup, installWatchdog, stopAllChildren } from './lib/children.js';
import { assertMockBuilt } from './lib/servers.js';
import { round } from './lib/stats.js';
import { fixed, formatTable, grouped, verdict } from './lib/table.js';
import { COLD_START_TARGET_MS, measureColdStart, type ColdStartSeries } from './sections/cold-start.js';
import { measureListAtScale, SCALE_TARGET_RATIO, type QueueScaleResult } from './sections/list-at-scale.js';
import { loadReport, type LoadResult } from './lib/load.js';
import { measureThroughput, RUN_ORDER, THROUGHPUT_TARGET_RATIO, type EndpointThroughput, type ThroughputSettings } from './sections/throughput.js';

const THROUGHPUT: ThroughputSettings = { connections: 10, durationS: 5, warmupS: 1 };
const COLD_START_RUNS = 5;
const QUEUE_SIZES = [1_000, 1_000_000] as const;
/** Far above the ~2 min a run takes on two cores: only a hang ever reaches it. */
const WATCHDOG_MS = 5 * 60_000;

const progress = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  assertMockBuilt();
  installChildCleanup();
  const clearWatchdog = installWatchdog(WATCHDOG_MS, progress);
  const started = performance.now();
  try {
    console.log(`mock-concur benchmark: node ${process.version}, ${os.cpus().length} CPU(s), ${os.platform()} ${os.arch()}`);
    console.log('Servers run in child processes on 127.0.0.1; load and timing come from this process.\n');

    progress('1/3 throughput…');
    const throughput = await measureThroughput(THROUGHPUT, progress);
    printThroughput(throughput);

    progress('2/3 cold start…');
    const coldStart = await measureColdStart(COLD_START_RUNS);
    printColdStart(coldStart);

    progress('3/3 list latency at scale…');
    const scale = await measureListAtScale(QUEUE_SIZES, progress);
    const scaleRatios = printListAtScale(scale);

    const targets = {
      throughputRatio: { target: `>= ${THROUGHPUT_TARGET_RATIO}`, met: throughput.every((e) => e.ratio >= THROUGHPUT_TARGET_RATIO) },
      coldStartMedianMs: { target: `< ${COLD_START_TARGET_MS}`, met: coldStart[0]!.medianMs < COLD_START_TARGET_MS },
      listScaleRatio: { target: `<= ${SCALE_TARGET_RATIO}`, met: scaleRatios.median <= SCALE_TARGET_RATIO && scaleRatios.p99 <= SCALE_TARGET_RATIO },
    };
    console.log(
      `\nTargets: throughput mock/bare ≥ ${THROUGHPUT_TARGET_RATIO} ${verdict(targets.throughputRatio.met)} · ` +
        `cold start median < ${COLD_START_TARGET_MS} ms ${verdict(targets.coldStartMedianMs.met)} · ` +
        `list 1M/1k ≤ ${SCALE_TARGET_RATIO}× ${verdict(targets.listScaleRatio.met)} · ` +
        `total ${fixed((performance.now() - started) / 1000, 1)} s\n`,
    );
    console.log(JSON.stringify(jsonReport(throughput, coldStart, scale, scaleRatios, targets)));
    return 0;
  } finally {
    clearWatchdog();
    await stopAllChildren();
  }
}

function printThroughput(results: readonly EndpointThroughput[]): void {
  const { connections, durationS, warmupS } = THROUGHPUT;
  console.log(`1. Throughput: autocannon, ${connections} connections; per endpoint ${RUN_ORDER.length} runs of ${durationS} s (${RUN_ORDER.join(', ')}), each after ${warmupS} s warm-up`);
  console.log('   bare = Fastify, logger off, one GET route answering a fixed body of the same size and content type; same path, query and headers');
  const cpu = (l: LoadResult) => (l.serverCpu ? fixed(l.serverCpu.microsPerRequest, 1) : 'n/a');
  const share = (l: LoadResult) => (l.serverCpu ? fixed(l.serverCpu.percentOfCore, 0) : 'n/a');
  console.log(
    formatTable(
      ['endpoint', 'body B', 'mock req/s', 'bare req/s', 'mock/bare', 'mock p99 ms', 'bare p99 ms', 'mock CPU µs/req', 'bare CPU µs/req', 'CPU % mock/bare', `≥ ${THROUGHPUT_TARGET_RATIO}`],
      results.map((r) => [
        r.name,
        r.bodyBytes,
        grouped(r.mock.requestsPerSecond),
        grouped(r.bare.requestsPerSecond),
        fixed(r.ratio),
        fixed(r.mock.latencyMs.p99),
        fixed(r.bare.latencyMs.p99),
        cpu(r.mock),
        cpu(r.bare),
        `${share(r.mock)}/${share(r.bare)}`,
        verdict(r.ratio >= THROUGHPUT_TARGET_RATIO),
      ]),
    ),
  );
  console.log('CPU = the server process\'s user+system time (all threads) during the timed run; 100 % = one core.');
  const failed = results.filter((r) => r.mock.failures + r.bare.failures > 0);
  if (failed.length) throw new Error(`non-2xx answers, errors or timeouts under load: ${failed.map((r) => `${r.name} (mock ${r.mock.failures}, bare ${r.bare.failures})`).join(', ')}`);
  console.log('');
}

function printColdStart(series: readonly ColdStartSeries[]): void {
  console.log(`2. Cold start: spawn → first 200 (polled every 5 ms), ${COLD_START_RUNS} runs each after one untimed run`);
  console.log(
    formatTable(
      ['server', 'median ms', 'max ms', 'runs ms', `< ${COLD_START_TARGET_MS} ms`],
      series.map((s, i) => [s.name, fixed(s.medianMs, 0), fixed(s.maxMs, 0), s.samplesMs.map((ms) => fixed(ms, 0)).join(' '), i === 0 ? verdict(s.medianMs < COLD_START_TARGET_MS) : '']),
    ),
  );
  console.log('');
}

function printListAtScale(results: readonly QueueScaleResult[]): { median: number; p99: number } {
  console.log('3. List at scale: GET /api/v3.2/common/connectionrequests?limit=10&offset=<random>, JSON, sequential on one keep-alive connection per mock,');
  console.log('   the mocks read in alternation; "settle" = how long a mock kept a core busy after its seed answered');
  const mib = (m: { rssMiB: number } | null) => (m ? grouped(m.rssMiB) : 'n/a');
  console.log(
    formatTable(
      ['queued', 'seed s', 'settle s', 'RSS MiB seeded', 'RSS MiB end', 'pass', 'n', 'median ms', 'p99 ms', 'max ms'],
      results.flatMap((r) =>
        [r.firstVisit, r.reRead].map((p) => [
          grouped(r.queued),
          fixed(r.seedSeconds, 1),
          r.settleMs === null ? 'n/a' : fixed(r.settleMs / 1000, 1),
          mib(r.memoryAfterSeed),
          mib(r.memoryAfterReads),
          p.pass,
          p.count,
          fixed(p.median, 3),
          fixed(p.p99, 3),
          fixed(p.max, 2),
        ]),
      ),
    ),
  );
  const small = results[0]!;
  const large = results[results.length - 1]!;
  const ratio = (pass: 'firstVisit' | 'reRead', stat: 'median' | 'p99') => large[pass][stat] / small[pass][stat];
  const ratios = { median: ratio('reRead', 'median'), p99: ratio('reRead', 'p99') };
  console.log(
    `ratio ${grouped(large.queued)}/${grouped(small.queued)}, re-read: median ${fixed(ratios.median)}×, p99 ${fixed(ratios.p99)}× ` +
      `(target ≤ ${SCALE_TARGET_RATIO}×: ${verdict(ratios.median <= SCALE_TARGET_RATIO && ratios.p99 <= SCALE_TARGET_RATIO)}); ` +
      // A 1 000 queue has only 100 pages to visit first: its p99 is nearly its max, no ratio.
      `first visit: median ${fixed(ratio('firstVisit', 'median'))}×`,
  );
  return ratios;
}

function jsonReport(
  throughput: readonly EndpointThroughput[],
  coldStart: readonly ColdStartSeries[],
  scale: readonly QueueScaleResult[],
  scaleRatios: { median: number; p99: number },
  targets: Record<string, { target: string; met: boolean }>,
) {
  const load = loadReport;
  const memory = (m: QueueScaleResult['memoryAfterSeed']) => (m ? { rssMiB: round(m.rssMiB, 0), peakMiB: round(m.peakMiB, 0) } : null);
  const pass = (p: QueueScaleResult['reRead']) => ({ n: p.count, medianMs: round(p.median, 3), p99Ms: round(p.p99, 3), maxMs: round(p.max, 3) });
  return {
    benchmark: 'mock-concur',
    node: process.version,
    cpus: os.cpus().length,
    throughput: {
      settings: { ...THROUGHPUT, runOrder: RUN_ORDER },
      endpoints: throughput.map((e) => ({ name: e.name, path: e.path, contentType: e.contentType, bodyBytes: e.bodyBytes, mock: load(e.mock), bare: load(e.bare), ratio: round(e.ratio, 3) })),
    },
    coldStart: coldStart.map((s) => ({ name: s.name, medianMs: round(s.medianMs, 1), maxMs: round(s.maxMs, 1), samplesMs: s.samplesMs.map((ms) => round(ms, 1)) })),
    listAtScale: {
      queues: scale.map((r) => ({ queued: r.queued, seedSeconds: round(r.seedSeconds, 2), settleMs: r.settleMs, memoryAfterSeed: memory(r.memoryAfterSeed), memoryAfterReads: memory(r.memoryAfterReads), firstVisit: pass(r.firstVisit), reRead: pass(r.reRead) })),
      reReadRatio: { median: round(scaleRatios.median, 3), p99: round(scaleRatios.p99, 3) },
    },
    targets,
  };
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`\nbenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await stopAllChildren();
    process.exit(1);
  },
);
