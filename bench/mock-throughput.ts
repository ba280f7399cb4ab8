/**
 * `npm run bench`: the mock's performance in one run, each number beside its baseline.
 *
 *   1. Throughput of every hot endpoint vs a bare Fastify route (same body size), per core:
 *      both servers pinned to one CPU, the load generator (this process) to another.
 *   2. Cold start: spawn to first 200, the mock vs bare Fastify.
 *   3. List latency with 1 000 vs 1 000 000 queued requests, and the mock's memory.
 *   4. Memory in this process, from the sources: bytes per queued request at 1 000 000 (and
 *      the seed's time and longest event-loop block), bytes per live stored token.
 *
 * Servers run in child processes on 127.0.0.1 so the load generator never shares their
 * event loop. Prints tables, then one JSON line with every number. Exits 0 when the
 * measurements ran (targets met or not), 1 when a measurement failed.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { pinLoadGenerator } from './lib/cpus.js';
import { round } from './lib/stats.js';
import { fixed, formatTable, grouped, verdict } from './lib/table.js';
import { measureColdStart, type ColdStartSeries } from './sections/cold-start.js';
import { measureListAtScale, SCALE_TARGET_RATIO, type QueueScaleResult } from './sections/list-at-scale.js';
import { loadReport, runSpread, type LoadResult } from './lib/load.js';
import { runBenchmark } from './lib/run-benchmark.js';
import { measureQueueMemory, printQueueMemory, type QueueMemoryResult } from './queue-memory.js';
import { measureTokenMemory, printTokenMemory, type TokenMemoryResult } from './token-memory.js';
import {
  measureThroughput,
  NOISY_RUN_SPREAD,
  P99_TARGET_MS,
  REFRESH_RSS_TARGET_RATIO,
  RUN_ORDER,
  THROUGHPUT_TARGET_RATIO,
  type EndpointThroughput,
  type ThroughputReport,
  type ThroughputSettings,
} from './sections/throughput.js';

const THROUGHPUT: ThroughputSettings = { connections: 10, durationS: 3, warmupS: 1 };
/** The list pages measured, largest first. */
const PAGE_LIMITS = [10, 5] as const;
const COLD_START_RUNS = 5;
/** The mock's cold start over a bare Fastify bundle's, in the same run. */
const COLD_START_TARGET_RATIO = 1.2;
const QUEUE_SIZES = [1_000, 1_000_000] as const;
/** Far above the ~6 min a run takes on two cores: only a hang ever reaches it. */
const WATCHDOG_MS = 15 * 60_000;

const progress = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const started = performance.now();
  const pinned = pinLoadGenerator();
  console.log(`mock-concur benchmark: node ${process.version}, ${os.cpus().length} CPU(s), ${os.platform()} ${os.arch()}`);
  console.log('Servers run in child processes on 127.0.0.1; load and timing come from this process.');
  console.log(
    pinned.pinning
      ? `Per core: every server on CPU ${pinned.pinning.serverCpu} (taskset), this load generator on CPU ${pinned.pinning.loadCpu}.\n`
      : `Not pinned (${pinned.reason}): servers and load share the CPUs, so ratios are not per core.\n`,
  );

  progress('1/4 throughput…');
  const throughput = await measureThroughput(THROUGHPUT, PAGE_LIMITS, pinned.pinning?.serverCpu, progress);
  const rssRatio = printThroughput(throughput);

  progress('2/4 cold start…');
  const coldStart = await measureColdStart(COLD_START_RUNS);
  printColdStart(coldStart);

  progress('3/4 list latency at scale…');
  const scale = await measureListAtScale(QUEUE_SIZES, progress);
  const scaleRatios = printListAtScale(scale);

  progress('4/4 memory…');
  console.log('\n4. Memory, in this process from the sources (heap + array buffers after GC, growth ÷ count)');
  // Page reads at scale are section 3's, over HTTP: not read again here.
  const queueMemory = await measureQueueMemory({ large: QUEUE_SIZES[1], small: QUEUE_SIZES[0], pages: false }, progress);
  printQueueMemory(queueMemory);
  const tokenMemory = measureTokenMemory({ refreshes: 1_000_000, exchanges: 250_000, cpuCalls: 200_000 });
  printTokenMemory(tokenMemory);

  const coldStartRatio = coldStart[0]!.medianMs / coldStart[1]!.medianMs;
  const endpoints = throughput.endpoints;
  const targets = {
    throughputRatio: { target: `>= ${THROUGHPUT_TARGET_RATIO} on every endpoint`, met: endpoints.every((e) => e.ratio >= THROUGHPUT_TARGET_RATIO) },
    p99Ms: { target: `<= ${P99_TARGET_MS} on every endpoint`, met: endpoints.every((e) => e.mock.latencyMs.p99 <= P99_TARGET_MS) },
    refreshPeakRssRatio: { target: `<= ${REFRESH_RSS_TARGET_RATIO}`, met: rssRatio !== null && rssRatio <= REFRESH_RSS_TARGET_RATIO },
    coldStartRatio: { target: `<= ${COLD_START_TARGET_RATIO}`, met: coldStartRatio <= COLD_START_TARGET_RATIO },
    listScaleRatio: { target: `<= ${SCALE_TARGET_RATIO}`, met: scaleRatios.median <= SCALE_TARGET_RATIO && scaleRatios.p99 <= SCALE_TARGET_RATIO },
    bytesPerQueuedRequest: { target: '<= 500 (heap and RSS)', met: queueMemory.targets.bytesPerRequest },
    seed1MSeconds: { target: '<= 3', met: queueMemory.targets.seedSeconds },
    seedEventLoopBlockMs: { target: '<= 50', met: queueMemory.targets.eventLoopBlock },
    bytesPerLiveToken: { target: '<= 200', met: tokenMemory.targets.bytesPerToken },
  };
  const metCount = (met: (e: EndpointThroughput) => boolean) => `${endpoints.filter(met).length}/${endpoints.length}`;
  console.log(
    `\nTargets: mock/bare ≥ ${THROUGHPUT_TARGET_RATIO} ${verdict(targets.throughputRatio.met)} (${metCount((e) => e.ratio >= THROUGHPUT_TARGET_RATIO)} endpoints; ${endpoints.filter(noisy).length} rows noisy) · ` +
      `p99 ≤ ${P99_TARGET_MS} ms ${verdict(targets.p99Ms.met)} (${metCount((e) => e.mock.latencyMs.p99 <= P99_TARGET_MS)}) · ` +
      `refresh peak RSS ≤ ${REFRESH_RSS_TARGET_RATIO}× bare ${verdict(targets.refreshPeakRssRatio.met)} · ` +
      `cold start ≤ ${COLD_START_TARGET_RATIO}× bare bundle ${verdict(targets.coldStartRatio.met)} (${fixed(coldStartRatio)}×) · ` +
      `list 1M/1k ≤ ${SCALE_TARGET_RATIO}× ${verdict(targets.listScaleRatio.met)} · ` +
      `≤ 500 B a queued request ${verdict(targets.bytesPerQueuedRequest.met)} · seed 1 M ≤ 3 s ${verdict(targets.seed1MSeconds.met)} · ` +
      `no block > 50 ms ${verdict(targets.seedEventLoopBlockMs.met)} · ≤ 200 B a token ${verdict(targets.bytesPerLiveToken.met)} · ` +
      `total ${fixed((performance.now() - started) / 1000, 1)} s\n`,
  );
  console.log(JSON.stringify(jsonReport(throughput, coldStart, scale, scaleRatios, queueMemory, tokenMemory, targets)));
  return 0;
}

/** Prints the table; answers the mock's peak RSS under the refresh load over bare's (null without /proc). */
function printThroughput({ endpoints, refreshPeakRss }: ThroughputReport): number | null {
  const { connections, durationS, warmupS } = THROUGHPUT;
  console.log(`1. Throughput: autocannon, ${connections} connections; per endpoint ${RUN_ORDER.length} runs (${RUN_ORDER.join(', ')}) of ${durationS} s after ${warmupS} s warm-up`);
  console.log('   (calls that use something up, a code or a request a PUT pops, run a fixed 40 000 requests after 8 000 instead);');
  console.log('   bare = Fastify, logger off, one route answering a fixed body of the same size, content type and status; same path, query and headers; both bundled with esbuild');
  const cpu = (l: LoadResult) => (l.serverCpu ? fixed(l.serverCpu.microsPerRequest, 1) : 'n/a');
  const share = (l: LoadResult) => (l.serverCpu ? fixed(l.serverCpu.percentOfCore, 0) : 'n/a');
  const apart = (l: LoadResult) => fixed(100 * runSpread(l), 0);
  console.log(
    formatTable(
      ['endpoint', 'body B', 'mock CPU µs/req', 'bare CPU µs/req', 'per core', `≥ ${THROUGHPUT_TARGET_RATIO}`, 'mock req/s', 'bare req/s', 'req/s ratio', 'mock p99 ms', `≤ ${P99_TARGET_MS}`, 'bare p99 ms', 'CPU % mock/bare', 'runs apart % mock/bare'],
      endpoints.map((r) => [
        r.baseline === 'bare' ? r.name : `${r.name} (vs ${r.baseline})`,
        r.bodyBytes,
        cpu(r.mock),
        cpu(r.bare),
        fixed(r.ratio),
        verdict(r.ratio >= THROUGHPUT_TARGET_RATIO),
        grouped(r.mock.requestsPerSecond),
        grouped(r.bare.requestsPerSecond),
        fixed(r.rateRatio),
        fixed(r.mock.latencyMs.p99),
        verdict(r.mock.latencyMs.p99 <= P99_TARGET_MS),
        fixed(r.bare.latencyMs.p99),
        `${share(r.mock)}/${share(r.bare)}`,
        `${apart(r.mock)}/${apart(r.bare)}${noisy(r) ? ' noisy' : ''}`,
      ]),
    ),
  );
  console.log("CPU = the server process's user+system time (all threads) during the timed runs; 100 % = one core.");
  console.log('per core = bare CPU µs/req ÷ mock CPU µs/req: what one core serves of each (the target); req/s ratio as measured.');
  const disturbed = endpoints.filter(noisy);
  console.log(
    `runs apart = how far a side's two runs differ in CPU per request (largest ÷ smallest − 1): the machine's noise. ` +
      (disturbed.length === 0
        ? `No row above ${fixed(100 * NOISY_RUN_SPREAD, 0)} %.`
        : `${disturbed.length} of ${endpoints.length} rows above ${fixed(100 * NOISY_RUN_SPREAD, 0)} % (noisy): their ratios are no better than that; rerun on a quiet machine.`),
  );
  const failed = endpoints.filter((r) => r.mock.failures + r.bare.failures > 0);
  if (failed.length) throw new Error(`non-2xx answers, errors or timeouts under load: ${failed.map((r) => `${r.name} (mock ${r.mock.failures}, bare ${r.bare.failures})`).join(', ')}`);
  const { mock, bare } = refreshPeakRss;
  const ratio = mock && bare ? mock.peakMiB / bare.peakMiB : null;
  console.log(
    `Peak RSS once the refresh load has run: mock ${mock ? fixed(mock.peakMiB, 0) : 'n/a'} MiB, bare ${bare ? fixed(bare.peakMiB, 0) : 'n/a'} MiB` +
      (ratio === null ? '' : `: ${fixed(ratio)}× (target ≤ ${REFRESH_RSS_TARGET_RATIO}×: ${verdict(ratio <= REFRESH_RSS_TARGET_RATIO)})`) +
      '\n',
  );
  return ratio;
}

/** A row either of whose sides' runs differ by more than the machine's tolerable noise. */
function noisy(e: EndpointThroughput): boolean {
  return runSpread(e.mock) > NOISY_RUN_SPREAD || runSpread(e.bare) > NOISY_RUN_SPREAD;
}

function printColdStart(series: readonly ColdStartSeries[]): void {
  console.log(`2. Cold start: spawn → first 200 (polled every 5 ms), ${COLD_START_RUNS} runs each after one untimed run, interleaved`);
  const bundle = series[1]!.medianMs;
  console.log(
    formatTable(
      ['server', 'median ms', 'max ms', 'runs ms', '÷ bare bundle', `≤ ${COLD_START_TARGET_RATIO}×`],
      series.map((s, i) => [
        s.name,
        fixed(s.medianMs, 0),
        fixed(s.maxMs, 0),
        s.samplesMs.map((ms) => fixed(ms, 0)).join(' '),
        fixed(s.medianMs / bundle),
        i === 0 ? verdict(s.medianMs / bundle <= COLD_START_TARGET_RATIO) : '',
      ]),
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
  throughput: ThroughputReport,
  coldStart: readonly ColdStartSeries[],
  scale: readonly QueueScaleResult[],
  scaleRatios: { median: number; p99: number },
  queueMemory: QueueMemoryResult,
  tokenMemory: TokenMemoryResult,
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
      endpoints: throughput.endpoints.map((e) => ({ name: e.name, path: e.path, contentType: e.contentType, bodyBytes: e.bodyBytes, baseline: e.baseline, mock: load(e.mock), bare: load(e.bare), perCoreRatio: round(e.ratio, 3), rateRatio: round(e.rateRatio, 3), noisy: noisy(e) })),
      refreshPeakRssMiB: { mock: throughput.refreshPeakRss.mock ? round(throughput.refreshPeakRss.mock.peakMiB, 0) : null, bare: throughput.refreshPeakRss.bare ? round(throughput.refreshPeakRss.bare.peakMiB, 0) : null },
    },
    coldStart: coldStart.map((s) => ({ name: s.name, medianMs: round(s.medianMs, 1), maxMs: round(s.maxMs, 1), samplesMs: s.samplesMs.map((ms) => round(ms, 1)) })),
    listAtScale: {
      queues: scale.map((r) => ({ queued: r.queued, seedSeconds: round(r.seedSeconds, 2), settleMs: r.settleMs, memoryAfterSeed: memory(r.memoryAfterSeed), memoryAfterReads: memory(r.memoryAfterReads), firstVisit: pass(r.firstVisit), reRead: pass(r.reRead) })),
      reReadRatio: { median: round(scaleRatios.median, 3), p99: round(scaleRatios.p99, 3) },
    },
    memory: {
      queue: { queued: queueMemory.queued, heapBytesPerRequest: round(queueMemory.heapBytesPerRequest, 1), rssBytesPerRequest: round(queueMemory.rssBytesPerRequest, 1), seedSeconds: round(queueMemory.seedSeconds, 3), longestBlockCpuMs: round(queueMemory.longestBlockCpuMs, 1), longestBlockWallMs: round(queueMemory.longestBlockMs, 1), settledBytesPerRequest: round(queueMemory.settledBytesPerRequest, 0), pageRatios: queueMemory.ratios && { median: round(queueMemory.ratios.median, 3), p99: round(queueMemory.ratios.p99, 3) } },
      tokens: { refreshes: tokenMemory.refreshes, bytesPerLiveToken: round(tokenMemory.bytesPerRefreshedToken, 1), rssBytesPerLiveToken: round(tokenMemory.rssBytesPerRefreshedToken, 1), bytesPerExchange: round(tokenMemory.bytesPerExchange, 1), refreshCpuMicros: round(tokenMemory.refreshCpuMicros, 2) },
    },
    targets,
  };
}

runBenchmark('benchmark', main, { watchdogMs: WATCHDOG_MS });
