import autocannon, { type Options } from 'autocannon';
import { performance } from 'node:perf_hooks';
import { startCpuReading } from './proc-stats.js';
import { round, summarize } from './stats.js';

/** Closed-loop load with autocannon from this process against a server in another one. */

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** GET unless given; a POST sends `body` with every request. */
  method?: 'GET' | 'POST' | 'PUT';
  body?: string;
  connections: number;
  durationS: number;
  /** Untimed load first, so the server (and this client) run with hot paths compiled. */
  warmupS: number;
  /** The server's process, for the CPU it spends per request. */
  serverPid?: number;
  /**
   * Per-request variation for calls that use something up (a single-use code, a request a PUT
   * pops): called before every request, it answers that request's path and/or body.
   */
  vary?: () => { path?: string; body?: string };
  /**
   * A fixed number of requests per timed run instead of `durationS` (a fifth of it to warm up):
   * for calls that use something up, so a faster server cannot run out of what it was given.
   */
  amount?: number;
}

/** One timed run, raw, so several runs of the same server can be pooled. */
export interface LoadRun {
  durationS: number;
  requests: number;
  /** Every 2xx response's own time, ms (autocannon's histogram keeps whole ms only). */
  latenciesMs: number[];
  /** Non-2xx answers, socket errors and timeouts: any of these makes the run invalid. */
  failures: number;
  /** The server's CPU time (all threads) during the run, ms. */
  serverCpuMs: number | null;
  /**
   * CPU time every other process on the machine took during the run (all CPUs' busy time less
   * the server's and this process's), ms: a busy neighbour makes the run's figures doubtful.
   */
  othersCpuMs: number | null;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyMs: { median: number; p99: number };
  requests: number;
  failures: number;
  /**
   * The server's CPU as a share of one core and per request: tells a server that is the
   * bottleneck (≈100 %) from one that waits on the client.
   */
  serverCpu: { percentOfCore: number; microsPerRequest: number } | null;
  /** Requests/s of each run, to show how much runs of the same server differ. */
  runsRequestsPerSecond: number[];
  /** The server's CPU µs per request in each run (null without /proc or a server pid). */
  runsMicrosPerRequest: number[] | null;
  /** Other processes' CPU during the runs, % of one core (null without /proc or a server pid). */
  othersCpuPercent: number | null;
}

/**
 * How far apart one server's runs are: the largest over the smallest CPU per request (requests/s
 * without CPU readings), less one. Runs of the same server and call differ only by what else
 * the machine did meanwhile, so this bounds how far a ratio of two such results can be trusted.
 */
export function runSpread(l: LoadResult): number {
  const values = l.runsMicrosPerRequest ?? l.runsRequestsPerSecond;
  return values.length < 2 ? 0 : Math.max(...values) / Math.min(...values) - 1;
}

/** A load result as the benchmarks' JSON line prints it (rounded). */
export function loadReport(l: LoadResult) {
  return {
    rps: round(l.requestsPerSecond, 0),
    p50Ms: round(l.latencyMs.median, 3),
    p99Ms: round(l.latencyMs.p99, 3),
    requests: l.requests,
    failures: l.failures,
    serverCpuPercent: l.serverCpu ? round(l.serverCpu.percentOfCore, 1) : null,
    serverCpuMicrosPerRequest: l.serverCpu ? round(l.serverCpu.microsPerRequest, 2) : null,
    runsRps: l.runsRequestsPerSecond.map((rps) => round(rps, 0)),
    runsCpuMicrosPerRequest: l.runsMicrosPerRequest?.map((us) => round(us, 2)) ?? null,
    othersCpuPercent: l.othersCpuPercent === null ? null : round(l.othersCpuPercent, 1),
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  if (new URL(options.url).hostname !== '127.0.0.1') throw new Error('load is only ever sent to 127.0.0.1');
  const base: Options = { url: options.url, headers: options.headers ?? {}, connections: options.connections, timeout: 10, ...(options.method ? { method: options.method } : {}), ...(options.body !== undefined ? { body: options.body } : {}) };
  if (options.vary) {
    const vary = options.vary;
    const { pathname, search } = new URL(options.url);
    const request = { method: options.method ?? 'GET', path: pathname + search, headers: options.headers ?? {}, ...(options.body !== undefined ? { body: options.body } : {}) };
    base.requests = [{ ...request, setupRequest: (r) => ({ ...r, ...vary() }) }];
  }
  // A separate warm-up run (not autocannon's `warmup` option) so the CPU reading starts
  // exactly with the timed run.
  await autocannon({ ...base, ...(options.amount ? { amount: Math.ceil(options.amount / 5) } : { duration: options.warmupS }) });
  // Collect this process's garbage now rather than in the middle of the timed run.
  (globalThis as { gc?: () => void }).gc?.();

  const latenciesMs: number[] = [];
  const reading = await startCpuReading(options.serverPid);
  const started = performance.now();
  const instance = autocannon({ ...base, ...(options.amount ? { amount: options.amount } : { duration: options.durationS }) });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latenciesMs.push(responseTime);
  });
  const result = await instance;
  const elapsedS = (performance.now() - started) / 1000;
  const cpu = await reading();
  return {
    // A fixed-amount run reports whole seconds: its own clock instead.
    durationS: options.amount ? elapsedS : result.duration,
    requests: result.requests.total,
    latenciesMs,
    failures: result.non2xx + result.errors + result.timeouts,
    serverCpuMs: cpu.serverMs,
    // Without the server's pid its CPU would count as others'.
    othersCpuMs: cpu.serverMs === null ? null : cpu.othersMs,
  };
}

/** Runs of one server pooled: rates over the total time, percentiles over all responses. */
export function combineRuns(runs: readonly LoadRun[]): LoadResult {
  const sum = (pick: (run: LoadRun) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const durationS = sum((r) => r.durationS);
  const requests = sum((r) => r.requests);
  const { median, p99 } = summarize(runs.flatMap((r) => r.latenciesMs));
  const cpuMs = runs.every((r) => r.serverCpuMs !== null) ? sum((r) => r.serverCpuMs!) : null;
  const othersMs = runs.every((r) => r.othersCpuMs !== null) ? sum((r) => r.othersCpuMs!) : null;
  return {
    requestsPerSecond: requests / durationS,
    latencyMs: { median, p99 },
    requests,
    failures: sum((r) => r.failures),
    serverCpu: cpuMs === null ? null : { percentOfCore: (100 * cpuMs) / (durationS * 1000), microsPerRequest: (1000 * cpuMs) / requests },
    runsRequestsPerSecond: runs.map((r) => r.requests / r.durationS),
    runsMicrosPerRequest: cpuMs === null ? null : runs.map((r) => (1000 * r.serverCpuMs!) / r.requests),
    othersCpuPercent: othersMs === null ? null : (100 * othersMs) / (durationS * 1000),
  };
}
