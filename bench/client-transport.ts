/**
 * `npm run bench:client`: the client's own cost per call on each transport — undici's keep-alive
 * pools (the default) beside fetch — against the mock (the built bundle, in a child process, on
 * CPU 0 when taskset can pin it; this process on CPU 1).
 *
 * The call is the legacy refresh (`GET /net2/oauth2/getaccesstoken.ashx?refresh_token=…`, an XML
 * or JSON token back): small, idempotent, one round trip. For each transport, N calls one after
 * another and N calls C at a time, in rounds that alternate the transports so drift in the machine
 * hits both; the median round is reported. CPU is this process's (process.cpuUsage: user + system)
 * divided by the calls — what the client and its HTTP stack cost, not the mock's work.
 *
 * BENCH_CALLS (default 4 000), BENCH_CONCURRENCY (16), BENCH_ROUNDS (3). Prints a table and one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { DEMO } from 'mock-concur';
import { createConcurClient, type ConcurClient } from 'concur-partner-client';
import { pinLoadGenerator } from './lib/cpus.js';
import { adminTokens } from './lib/mock-api.js';
import { runBenchmark } from './lib/run-benchmark.js';
import { startMock } from './lib/servers.js';
import { fixed, formatTable, grouped } from './lib/table.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 4_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_CALLS = 500;
const WATCHDOG_MS = 10 * 60_000;
const TRANSPORTS = ['fetch', 'undici'] as const;
const MODES = ['sequential', 'concurrent'] as const;
type TransportName = (typeof TRANSPORTS)[number];
type Mode = (typeof MODES)[number];

interface Sample {
  callsPerSecond: number;
  cpuMicrosPerCall: number;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** `calls` refreshes, `concurrency` at a time; wall time and this process's CPU. */
async function measure(client: ConcurClient, refreshToken: string, calls: number, concurrency: number): Promise<Sample> {
  let started = 0;
  const worker = async () => {
    while (started < calls) {
      started++;
      await client.refreshAccessToken(refreshToken);
    }
  };
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { callsPerSecond: calls / seconds, cpuMicrosPerCall: (cpu.user + cpu.system) / calls };
}

async function main(): Promise<void> {
  const pinned = pinLoadGenerator();
  progress(pinned.pinning ? `pinned: mock on CPU ${pinned.pinning.serverCpu}, this process on CPU ${pinned.pinning.loadCpu}` : `not pinned (${pinned.reason})`);
  const mock = await startMock([], pinned.pinning ? { cpu: pinned.pinning.serverCpu } : {});
  try {
    const { refreshToken } = await adminTokens(mock.url);
    const clients = Object.fromEntries(
      TRANSPORTS.map((transport) => [transport, createConcurClient({ baseUrl: mock.url, consumerKey: DEMO.app.consumerKey, consumerSecret: DEMO.app.consumerSecret, transport, retry: false })]),
    ) as Record<TransportName, ConcurClient>;
    for (const transport of TRANSPORTS) await measure(clients[transport], refreshToken, WARMUP_CALLS, CONCURRENCY);

    const samples = new Map<string, Sample[]>();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of MODES) {
        // Alternate which transport goes first, so neither always meets a warmer (or busier) mock.
        const order = round % 2 ? TRANSPORTS : [...TRANSPORTS].reverse();
        for (const transport of order) {
          const sample = await measure(clients[transport], refreshToken, CALLS, mode === 'sequential' ? 1 : CONCURRENCY);
          const key = `${transport} ${mode}`;
          samples.set(key, [...(samples.get(key) ?? []), sample]);
          progress(`round ${round}/${ROUNDS} ${key}: ${grouped(sample.callsPerSecond)} calls/s, ${fixed(sample.cpuMicrosPerCall, 0)} µs CPU/call`);
        }
      }
    }
    await Promise.all(TRANSPORTS.map((t) => clients[t].close()));

    const result = (transport: TransportName, mode: Mode) => {
      const runs = samples.get(`${transport} ${mode}`)!;
      return { callsPerSecond: median(runs.map((s) => s.callsPerSecond)), cpuMicrosPerCall: median(runs.map((s) => s.cpuMicrosPerCall)) };
    };
    const rows = MODES.map((mode) => {
      const f = result('fetch', mode);
      const u = result('undici', mode);
      return { mode, fetch: f, undici: u, cpuRatio: f.cpuMicrosPerCall / u.cpuMicrosPerCall, throughputRatio: u.callsPerSecond / f.callsPerSecond };
    });
    console.log(
      `\nclient transport, ${grouped(CALLS)} legacy refreshes per run, median of ${ROUNDS} rounds (concurrent: ${CONCURRENCY} at a time)\n` +
        formatTable(
          ['mode', 'fetch calls/s', 'undici calls/s', 'fetch µs CPU/call', 'undici µs CPU/call', 'CPU fetch/undici', 'calls/s undici/fetch'],
          rows.map((r) => [r.mode, grouped(r.fetch.callsPerSecond), grouped(r.undici.callsPerSecond), fixed(r.fetch.cpuMicrosPerCall, 0), fixed(r.undici.cpuMicrosPerCall, 0), `${fixed(r.cpuRatio)}×`, `${fixed(r.throughputRatio)}×`]),
        ),
    );
    console.log(JSON.stringify({ bench: 'client-transport', calls: CALLS, concurrency: CONCURRENCY, rounds: ROUNDS, pinned: pinned.pinning !== null, results: rows }));
  } finally {
    await mock.child.stop();
  }
}

runBenchmark('client transport benchmark', main, { watchdogMs: WATCHDOG_MS });
