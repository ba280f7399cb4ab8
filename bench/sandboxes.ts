/**
 * `npm run bench:sandboxes`: what a sandbox (`POST /_mock/sandboxes`) costs, each figure
 * beside its baseline, in one run.
 *
 *   1. Creation: POST /_mock/sandboxes with the demo data, over HTTP against a mock child,
 *      vs starting a fresh mock in this process (startMockConcur()) and, when a Docker engine
 *      answers, vs starting its container (startMockConcurContainer()).
 *   2. Memory per idle sandbox: 1 000 sandboxes in one mock child, its heap (+ external)
 *      and RSS after a forced GC, before and after; the baseline is that whole mock process.
 *   3. Throughput: the same endpoints on the root and on a sandbox of the same mock child,
 *      measured in alternation (ABBA BAAB ABBA); runs wait for other processes on the machine
 *      to quieten, and one during which they took a noticeable share of a core is made again.
 *
 * Mock children run the built bundle on 127.0.0.1, pinned to CPU 0 with taskset while this
 * process (load and timing) runs on CPU 1, when there are two CPUs and taskset. Prints
 * tables, then one JSON line with every number. Exits 0 when the measurements ran (targets
 * met or not), 1 when a measurement failed. The container row needs a Docker engine; on a
 * machine without a registry set NODE_IMAGE (e.g. local/node-min:20 from .ci/docker-setup.sh)
 * and, where Ryuk cannot run, TESTCONTAINERS_RYUK_DISABLED=true.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startMockConcur, type MockSandbox } from 'mock-concur';
import { memoryAfterGc, MEMORY_PROBE_FLAGS } from './lib/child-memory.js';
import { pinLoadGenerator, type Pinning } from './lib/cpus.js';
import { expectStatus, httpRequest, keepAliveAgent } from './lib/http.js';
import { combineRuns, loadReport, runLoad, type LoadResult, type LoadRun } from './lib/load.js';
import { startCpuReading, waitForQuiet, waitForQuietMachine, type CpuReading } from './lib/proc-stats.js';
import { startMock, type RunningServer } from './lib/servers.js';
import { round, summarize, type Summary } from './lib/stats.js';
import { fixed, formatTable, grouped, verdict } from './lib/table.js';
import { runBenchmark } from './lib/run-benchmark.js';
import { probeEndpoint, requestShape, throughputEndpoints, type EndpointKind, type ThroughputSettings } from './sections/throughput.js';

const CREATION_WARMUP = 50;
const CREATIONS = 200;
const IN_PROCESS_RUNS = 10;
const CONTAINER_RUNS = 3;
const IDLE_SANDBOXES = 1_000;
const MEMORY_WARMUP = 20;
const THROUGHPUT: ThroughputSettings = { connections: 10, durationS: 2, warmupS: 0.5 };
/**
 * ABBA BAAB ABBA, in short runs: drift of the machine (a VM's host load moves every figure
 * by ±20 % within seconds) weighs on both sides alike; each side's runs are pooled.
 */
const SIDE_ORDER = ['root', 'sandbox', 'sandbox', 'root', 'sandbox', 'root', 'root', 'sandbox', 'root', 'sandbox', 'sandbox', 'root'] as const;
type Side = (typeof SIDE_ORDER)[number];
const ENDPOINTS: readonly EndpointKind[] = ['token refresh', 'list JSON', 'client credentials'];
/** The demo data has 12 pending requests, so a page of 5 is full without seeding anything. */
const PAGE_LIMIT = 5;
const CREATION_TARGET_MS = 5;
const MEMORY_TARGET_KIB = 300;
const THROUGHPUT_TARGET_RATIO = 0.95;
const IMAGE_TAG = 'mock-concur:bench-sandboxes';
/** Far above the ~2 min a run takes on two cores: only a hang ever reaches it. */
const WATCHDOG_MS = 5 * 60_000;
/**
 * Other processes on the machine (a test run, a build) competing for the CPUs: a timed run
 * during which they took over BUSY_NEIGHBOUR_PERCENT of a core is discarded and made again
 * (MAX_REPEATS in all), after waiting for them to quieten (QUIET_WAIT_MS in all, as before the
 * first run); past the budgets runs are kept and flagged.
 */
const BUSY_NEIGHBOUR_PERCENT = 10;
/** Disturbed runs are left out of the figures while each side keeps at least this many. */
const MIN_CLEAN_RUNS = 3;
const QUIET_WAIT_MS = 20_000;
const MAX_REPEATS = 6;
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

const progress = (line: string) => process.stderr.write(`${line}\n`);
const execFileAsync = promisify(execFile);

interface CreationResult {
  create: Summary;
  remove: Summary;
  /** The mock's CPU time per creation (all its threads), µs. */
  serverCpuMicrosPerCreate: number | null;
  /** What a new sandbox holds (the demo data). */
  counts: MockSandbox['counts'];
  inProcess: Summary;
  inProcessSamplesMs: number[];
  container: { samplesMs: number[]; summary: Summary } | { unavailable: string };
  /** Other processes' CPU, % of one core, during the timed creations and the in-process starts. */
  othersCpuPercent: { creations: number | null; inProcess: number | null };
}

interface MemoryResult {
  sandboxes: number;
  before: NodeJS.MemoryUsage;
  after: NodeJS.MemoryUsage;
  /** Per sandbox, KiB. */
  perSandboxKiB: { heapUsed: number; external: number; heapPlusExternal: number; rss: number };
  /** Creation times while filling, first and last 100. */
  fillFirst: Summary;
  fillLast: Summary;
  listMs: number;
  /** Other processes' CPU while filling, % of one core. */
  othersCpuPercent: number | null;
}

interface SideBySide {
  name: string;
  path: string;
  bodyBytes: Record<Side, number>;
  root: LoadResult;
  sandbox: LoadResult;
  /** Sandbox requests/s over root requests/s. */
  ratio: number;
  /**
   * Runs pooled per side: those no neighbour disturbed, or every run (doubtful) when that
   * leaves fewer than MIN_CLEAN_RUNS a side.
   */
  pooled: Record<Side, number>;
  doubtful: boolean;
  /** Each timed run in the order run. */
  runs: { side: Side; requestsPerSecond: number; othersCpuPercent: number | null; disturbed: boolean }[];
}

async function createSandbox(url: string, agent: ReturnType<typeof keepAliveAgent>): Promise<MockSandbox> {
  const response = expectStatus(await httpRequest(`${url}/_mock/sandboxes`, { method: 'POST', headers: JSON_HEADERS, body: '{}', agent }), 201, 'POST /_mock/sandboxes');
  return JSON.parse(response.body) as MockSandbox;
}

async function deleteSandbox(url: string, id: string, agent: ReturnType<typeof keepAliveAgent>): Promise<void> {
  expectStatus(await httpRequest(`${url}/_mock/sandboxes/${id}`, { method: 'DELETE', agent }), 204, 'DELETE /_mock/sandboxes/{id}');
}

/** Other processes' share of one core over a reading; null without /proc. */
function percentOfCore(reading: CpuReading): number | null {
  return reading.othersMs === null ? null : (100 * reading.othersMs) / reading.wallMs;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

/** Section 1: sandbox creation over HTTP, then the two ways to get a fresh mock without sandboxes. */
async function measureCreation(mock: RunningServer): Promise<CreationResult> {
  const agent = keepAliveAgent();
  let counts: MockSandbox['counts'];
  const createMs: number[] = [];
  const removeMs: number[] = [];
  let serverCpuMicrosPerCreate: number | null = null;
  const othersCpuPercent: CreationResult['othersCpuPercent'] = { creations: null, inProcess: null };
  try {
    // Untimed first: the create and delete paths compiled, the connection open.
    for (let i = 0; i < CREATION_WARMUP; i++) await deleteSandbox(mock.url, (await createSandbox(mock.url, agent)).id, agent);
    await waitForQuiet(mock.child.pid, { timeoutMs: 5_000 });
    const ids: string[] = [];
    const reading = await startCpuReading(mock.child.pid);
    for (let i = 0; i < CREATIONS; i++) {
      const [made, ms] = await timed(() => createSandbox(mock.url, agent));
      createMs.push(ms);
      ids.push(made.id);
      counts ??= made.counts;
    }
    const cpu = await reading();
    if (cpu.serverMs !== null) serverCpuMicrosPerCreate = (cpu.serverMs * 1000) / CREATIONS;
    othersCpuPercent.creations = percentOfCore(cpu);
    for (const id of ids) removeMs.push((await timed(() => deleteSandbox(mock.url, id, agent)))[1]);
  } finally {
    agent.destroy();
  }

  progress('  startMockConcur() in this process…');
  const startInProcess = async () => {
    const [started, ms] = await timed(() => startMockConcur());
    await started.close();
    return ms;
  };
  await startInProcess();
  const inProcessSamplesMs: number[] = [];
  const reading = await startCpuReading(mock.child.pid);
  for (let i = 0; i < IN_PROCESS_RUNS; i++) inProcessSamplesMs.push(await startInProcess());
  othersCpuPercent.inProcess = percentOfCore(await reading());

  progress('  startMockConcurContainer()…');
  const container = await measureContainer();
  return { create: summarize(createMs), remove: summarize(removeMs), serverCpuMicrosPerCreate, counts: counts!, inProcess: summarize(inProcessSamplesMs), inProcessSamplesMs, container, othersCpuPercent };
}

/** Container starts (`startMockConcurContainer()` until its health answers 200); never fails the run. */
async function measureContainer(): Promise<CreationResult['container']> {
  try {
    await execFileAsync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 });
  } catch {
    return { unavailable: 'no Docker engine' };
  }
  try {
    // Loaded only here: testcontainers is heavy and unused without an engine.
    const { buildMockConcurImage, startMockConcurContainer } = await import('mock-concur/testcontainers');
    progress('  building the image (untimed)…');
    await buildMockConcurImage({ tag: IMAGE_TAG });
    try {
      const startOnce = async () => {
        const [container, ms] = await timed(() => startMockConcurContainer({ image: IMAGE_TAG }));
        await container.close();
        return ms;
      };
      await startOnce();
      const samplesMs: number[] = [];
      for (let i = 0; i < CONTAINER_RUNS; i++) samplesMs.push(await startOnce());
      return { samplesMs, summary: summarize(samplesMs) };
    } finally {
      await execFileAsync('docker', ['image', 'rm', '--force', IMAGE_TAG], { timeout: 30_000 }).catch(() => undefined);
    }
  } catch (error) {
    return { unavailable: `container failed: ${(error as Error).message.split('\n')[0]!.slice(0, 120)}` };
  }
}

/** Section 2: 1 000 idle sandboxes in a fresh mock child that can be told to collect garbage. */
async function measureMemory(pinning: Pinning | null): Promise<MemoryResult> {
  // Room above the default 1 000 for the warm-up's sandboxes, whatever the sweep timing.
  const mock = await startMock(['--max-sandboxes', String(IDLE_SANDBOXES + MEMORY_WARMUP)], { cpu: pinning?.serverCpu, nodeFlags: MEMORY_PROBE_FLAGS });
  const agent = keepAliveAgent();
  try {
    // Code compiled and caches filled before "before": what stays is then the sandboxes' own.
    for (let i = 0; i < MEMORY_WARMUP; i++) await deleteSandbox(mock.url, (await createSandbox(mock.url, agent)).id, agent);
    await waitForQuiet(mock.child.pid, { timeoutMs: 5_000 });
    const before = await memoryAfterGc(mock.child);
    const fillMs: number[] = [];
    const reading = await startCpuReading(mock.child.pid);
    for (let i = 0; i < IDLE_SANDBOXES; i++) fillMs.push((await timed(() => createSandbox(mock.url, agent)))[1]);
    const othersCpuPercent = percentOfCore(await reading());
    await waitForQuiet(mock.child.pid, { timeoutMs: 5_000 });
    const after = await memoryAfterGc(mock.child);
    const [list, listMs] = await timed(() => httpRequest(`${mock.url}/_mock/sandboxes`, { headers: { accept: 'application/json' }, agent }));
    const total = (JSON.parse(expectStatus(list, 200, 'GET /_mock/sandboxes').body) as { total: number }).total;
    if (total !== IDLE_SANDBOXES) throw new Error(`GET /_mock/sandboxes counts ${total}, expected ${IDLE_SANDBOXES}`);
    const per = (field: keyof NodeJS.MemoryUsage) => (after[field] - before[field]) / IDLE_SANDBOXES / 1024;
    return {
      sandboxes: IDLE_SANDBOXES,
      before,
      after,
      perSandboxKiB: { heapUsed: per('heapUsed'), external: per('external'), heapPlusExternal: per('heapUsed') + per('external'), rss: per('rss') },
      fillFirst: summarize(fillMs.slice(0, 100)),
      fillLast: summarize(fillMs.slice(-100)),
      listMs,
      othersCpuPercent,
    };
  } finally {
    agent.destroy();
    await mock.child.stop();
  }
}

/** What busy neighbours cost the throughput runs, and the budgets left. */
interface Neighbours {
  repeatsLeft: number;
  waitLeftMs: number;
  /** The last timed run had a busy neighbour: wait for quiet before the next. */
  lastRunDisturbed: boolean;
  /** Runs spoilt by a neighbour and made again. */
  discarded: ({ endpoint: string } & SideBySide['runs'][number])[];
}

/** Section 3: the same requests against the root and a sandbox of one mock, in alternation. */
async function measureThroughput(mock: RunningServer, neighbours: Neighbours): Promise<SideBySide[]> {
  const agent = keepAliveAgent();
  const sandbox = await createSandbox(mock.url, agent).finally(() => agent.destroy());
  const bases: Record<Side, string> = { root: mock.url, sandbox: sandbox.url };
  // Tokens are per world: each side signs in on its own.
  const endpoints = { root: await throughputEndpoints(bases.root, PAGE_LIMIT, ENDPOINTS), sandbox: await throughputEndpoints(bases.sandbox, PAGE_LIMIT, ENDPOINTS) };
  const results: SideBySide[] = [];
  for (const [index, kind] of ENDPOINTS.entries()) {
    const ends = { root: endpoints.root[index]!, sandbox: endpoints.sandbox[index]! };
    const bodyBytes = { root: 0, sandbox: 0 };
    for (const side of ['root', 'sandbox'] as const) bodyBytes[side] = Buffer.byteLength((await probeEndpoint(bases[side], ends[side])).body);
    const runs: Record<Side, { load: LoadRun; disturbed: boolean }[]> = { root: [], sandbox: [] };
    const inOrder: SideBySide['runs'] = [];
    for (const side of SIDE_ORDER) {
      for (;;) {
        // Only after a run a neighbour disturbed: on a quiet machine runs follow each other.
        if (neighbours.lastRunDisturbed && neighbours.waitLeftMs > 0) {
          const waited = await waitForQuietMachine(mock.child.pid, { maxPercent: BUSY_NEIGHBOUR_PERCENT, timeoutMs: Math.min(10_000, neighbours.waitLeftMs) });
          if (waited !== null) neighbours.waitLeftMs = Math.max(0, neighbours.waitLeftMs - waited);
          // One window is always waited: only a longer wait says anything.
          if (waited !== null && waited > 1_000) {
            progress(`    waited ${fixed(waited / 1000, 1)} s for other processes to quieten (${fixed(neighbours.waitLeftMs / 1000, 0)} s of waiting left)`);
          }
        }
        progress(`  ${ends[side].name}: ${side} run ${runs[side].length + 1}…`);
        const done = await runLoad({ url: bases[side] + ends[side].path, serverPid: mock.child.pid, headers: ends[side].headers, ...requestShape(ends[side]), ...THROUGHPUT });
        const othersCpuPercent = done.othersCpuMs === null ? null : done.othersCpuMs / done.durationS / 10;
        const run = { side, requestsPerSecond: done.requests / done.durationS, othersCpuPercent, disturbed: othersCpuPercent !== null && othersCpuPercent > BUSY_NEIGHBOUR_PERCENT };
        neighbours.lastRunDisturbed = run.disturbed;
        if (neighbours.lastRunDisturbed && neighbours.repeatsLeft > 0) {
          neighbours.repeatsLeft--;
          neighbours.discarded.push({ endpoint: ends[side].name, ...run });
          progress(`    other processes took ${fixed(run.othersCpuPercent ?? 0, 0)} % of a core: run discarded, again (${neighbours.repeatsLeft} repeats left)`);
          continue;
        }
        runs[side].push({ load: done, disturbed: run.disturbed });
        inOrder.push(run);
        break;
      }
    }
    const failures = [...runs.root, ...runs.sandbox].reduce((sum, r) => sum + r.load.failures, 0);
    if (failures > 0) throw new Error(`${kind}: ${failures} non-2xx answers, errors or timeouts under load`);
    // Only the runs no neighbour disturbed, while each side keeps enough of them.
    const clean = (side: Side) => runs[side].filter((r) => !r.disturbed).map((r) => r.load);
    const doubtful = clean('root').length < MIN_CLEAN_RUNS || clean('sandbox').length < MIN_CLEAN_RUNS;
    const used = doubtful ? { root: runs.root.map((r) => r.load), sandbox: runs.sandbox.map((r) => r.load) } : { root: clean('root'), sandbox: clean('sandbox') };
    const root = combineRuns(used.root);
    const inSandbox = combineRuns(used.sandbox);
    results.push({
      name: ends.root.name,
      path: ends.root.path.split('?')[0]!,
      bodyBytes,
      root,
      sandbox: inSandbox,
      ratio: inSandbox.requestsPerSecond / root.requestsPerSecond,
      pooled: { root: used.root.length, sandbox: used.sandbox.length },
      doubtful,
      runs: inOrder,
    });
  }
  return results;
}

async function main(): Promise<number> {
  const started = performance.now();
  const pinned = pinLoadGenerator();
  const pinning = pinned.pinning;
  console.log(`mock-concur sandboxes benchmark: node ${process.version}, ${os.cpus().length} CPU(s), ${os.platform()} ${os.arch()}`);
  console.log(
    pinning
      ? `Mock children (the dist bundle) on CPU ${pinning.serverCpu} (taskset); this process (load, timing, the in-process mocks) on CPU ${pinning.loadCpu}.\n`
      : `Not pinned (${'reason' in pinned ? pinned.reason : ''}): mock children and this process share the CPUs.\n`,
  );

  const mock = await startMock([], { cpu: pinning?.serverCpu });
  try {
    progress('1/3 creation…');
    const creation = await measureCreation(mock);
    printCreation(creation);

    progress('2/3 memory per idle sandbox…');
    const memory = await measureMemory(pinning);
    printMemory(memory);

    progress('3/3 throughput, root vs sandbox…');
    const neighbours: Neighbours = { repeatsLeft: MAX_REPEATS, waitLeftMs: QUIET_WAIT_MS, lastRunDisturbed: true, discarded: [] };
    const throughput = await measureThroughput(mock, neighbours);
    printThroughput(throughput, neighbours);

    const targets = {
      creationMedianMs: { target: `<= ${CREATION_TARGET_MS}`, value: round(creation.create.median, 3), met: creation.create.median <= CREATION_TARGET_MS },
      idleSandboxKiB: { target: `<= ${MEMORY_TARGET_KIB}`, value: round(memory.perSandboxKiB.heapPlusExternal, 1), met: memory.perSandboxKiB.heapPlusExternal <= MEMORY_TARGET_KIB },
      throughputRatio: { target: `>= ${THROUGHPUT_TARGET_RATIO}`, value: round(Math.min(...throughput.map((t) => t.ratio)), 3), met: throughput.every((t) => t.ratio >= THROUGHPUT_TARGET_RATIO), doubtful: throughput.some((t) => t.doubtful) },
    };
    console.log(
      `\nTargets: creation median ≤ ${CREATION_TARGET_MS} ms ${verdict(targets.creationMedianMs.met)} (${fixed(creation.create.median, 2)} ms) · ` +
        `idle sandbox ≤ ${MEMORY_TARGET_KIB} KiB ${verdict(targets.idleSandboxKiB.met)} (${fixed(memory.perSandboxKiB.heapPlusExternal, 1)} KiB heap + external) · ` +
        `sandbox/root ≥ ${THROUGHPUT_TARGET_RATIO} ${verdict(targets.throughputRatio.met)}${targets.throughputRatio.doubtful ? ' (doubtful)' : ''} (lowest ${fixed(targets.throughputRatio.value, 3)}) · ` +
        `total ${fixed((performance.now() - started) / 1000, 1)} s\n`,
    );
    console.log(JSON.stringify(jsonReport(pinning, creation, memory, throughput, neighbours, targets)));
  } finally {
    await mock.child.stop();
  }
  return 0;
}

function printCreation(c: CreationResult): void {
  console.log(`1. Creation: ${CREATIONS} × POST /_mock/sandboxes {} one after another on one keep-alive connection (after ${CREATION_WARMUP} untimed), then ${CREATIONS} × DELETE;`);
  console.log(`   baselines: startMockConcur() in this process until listening (its TypeScript through tsx, modules already loaded; ${IN_PROCESS_RUNS} runs after one untimed; close not counted), startMockConcurContainer() until its health answers (${CONTAINER_RUNS} runs after one untimed)`);
  const ratio = (s: Summary) => `${fixed(s.median / c.create.median, s.median / c.create.median < 10 ? 1 : 0)}×`;
  const row = (name: string, s: Summary, extra: readonly string[]): (string | number)[] => [name, s.count, fixed(s.median, 2), fixed(s.p99, 2), fixed(s.max, 2), ...extra];
  const rows: (string | number)[][] = [
    row('POST /_mock/sandboxes (demo data)', c.create, ['1×', verdict(c.create.median <= CREATION_TARGET_MS)]),
    row('DELETE /_mock/sandboxes/{id}', c.remove, ['', '']),
    row('startMockConcur() in-process', c.inProcess, [ratio(c.inProcess), '']),
  ];
  if ('unavailable' in c.container) rows.push(['startMockConcurContainer()', '', 'n/a', 'n/a', 'n/a', '', '']);
  else rows.push(row('startMockConcurContainer()', c.container.summary, [ratio(c.container.summary), '']));
  console.log(formatTable(['what', 'n', 'median ms', 'p99 ms', 'max ms', 'median ÷ sandbox', `≤ ${CREATION_TARGET_MS} ms`], rows));
  if ('unavailable' in c.container) console.log(`startMockConcurContainer(): n/a (${c.container.unavailable})`);
  const k = c.counts;
  console.log(
    `Each new sandbox: ${k.users} users, ${k.apps} apps, ${k.connectionRequests} pending requests; mock CPU per creation ` +
      `${c.serverCpuMicrosPerCreate === null ? 'n/a' : `${fixed(c.serverCpuMicrosPerCreate, 0)} µs`}; times are this process's, HTTP round trip included.`,
  );
  console.log(`Other processes on the machine: ${othersNote(c.othersCpuPercent.creations)} of a core during the creations, ${othersNote(c.othersCpuPercent.inProcess)} during the in-process starts.\n`);
}

/** Other processes' share of a core, flagged when it may have skewed the figures beside it. */
function othersNote(percent: number | null): string {
  if (percent === null) return 'n/a';
  return `${fixed(percent, 0)} %${percent > BUSY_NEIGHBOUR_PERCENT ? ' (busy: figures doubtful)' : ''}`;
}

function printMemory(m: MemoryResult): void {
  console.log(`2. Memory per idle sandbox: ${grouped(m.sandboxes)} sandboxes made one after another in a fresh mock child (--max-sandboxes ${m.sandboxes + MEMORY_WARMUP}, after ${MEMORY_WARMUP} made and deleted untimed);`);
  console.log('   the child\'s process.memoryUsage() after a forced full GC (--expose-gc and a preload that collects on request), before and after; baseline = that whole mock before');
  const mib = (bytes: number) => fixed(bytes / 2 ** 20, 1);
  const rows: (string | number)[][] = [
    ['heap used', mib(m.before.heapUsed), mib(m.after.heapUsed), fixed(m.perSandboxKiB.heapUsed, 1), ''],
    ['external (buffers)', mib(m.before.external), mib(m.after.external), fixed(m.perSandboxKiB.external, 1), ''],
    ['heap used + external', mib(m.before.heapUsed + m.before.external), mib(m.after.heapUsed + m.after.external), fixed(m.perSandboxKiB.heapPlusExternal, 1), verdict(m.perSandboxKiB.heapPlusExternal <= MEMORY_TARGET_KIB)],
    ['RSS', mib(m.before.rss), mib(m.after.rss), fixed(m.perSandboxKiB.rss, 1), ''],
  ];
  console.log(formatTable(['measured', 'mock before MiB', `with ${grouped(m.sandboxes)} MiB`, 'per sandbox KiB', `≤ ${MEMORY_TARGET_KIB} KiB`], rows));
  console.log(
    `The target is judged on heap + external; RSS also holds what V8 keeps mapped. A whole mock process is ${mib(m.before.rss)} MiB RSS, ` +
      `${fixed(m.before.rss / 1024 / Math.max(m.perSandboxKiB.rss, 1e-9), 0)}× a sandbox's RSS share. ` +
      `Creation while filling: median ${fixed(m.fillFirst.median, 2)} ms for the first 100, ${fixed(m.fillLast.median, 2)} ms for the last 100; ` +
      `GET /_mock/sandboxes listing all ${grouped(m.sandboxes)}: ${fixed(m.listMs, 1)} ms. Other processes while filling: ${othersNote(m.othersCpuPercent)} of a core.\n`,
  );
}

function printThroughput(results: readonly SideBySide[], neighbours: Neighbours): void {
  const { connections, durationS, warmupS } = THROUGHPUT;
  console.log(`3. Throughput: autocannon, ${connections} connections; per endpoint ${SIDE_ORDER.length} runs of ${durationS} s (${SIDE_ORDER.join(', ')}), each after ${warmupS} s warm-up;`);
  console.log('   one mock child serves both: the root at /… and one sandbox at /sandboxes/{id}/…, each with its own admin token;');
  console.log(`   each side's runs pooled ("runs" used), leaving out those a busy neighbour disturbed (others > ${BUSY_NEIGHBOUR_PERCENT} % of a core) while ${MIN_CLEAN_RUNS}+ a side are left`);
  const cpu = (l: LoadResult) => (l.serverCpu ? fixed(l.serverCpu.microsPerRequest, 1) : 'n/a');
  const share = (l: LoadResult) => (l.serverCpu ? fixed(l.serverCpu.percentOfCore, 0) : 'n/a');
  const others = (r: SideBySide) => (r.root.othersCpuPercent === null || r.sandbox.othersCpuPercent === null ? 'n/a' : fixed((r.root.othersCpuPercent + r.sandbox.othersCpuPercent) / 2, 0));
  console.log(
    formatTable(
      ['endpoint', 'body B root/sandbox', 'runs', 'root req/s', 'sandbox req/s', 'sandbox/root', 'root p99 ms', 'sandbox p99 ms', 'root CPU µs/req', 'sandbox CPU µs/req', 'CPU µs sandbox/root', 'CPU % root/sandbox/others', `≥ ${THROUGHPUT_TARGET_RATIO}`],
      results.map((r) => [
        r.name,
        `${r.bodyBytes.root}/${r.bodyBytes.sandbox}`,
        `${r.pooled.root}/${r.pooled.sandbox}`,
        grouped(r.root.requestsPerSecond),
        grouped(r.sandbox.requestsPerSecond),
        fixed(r.ratio, 3),
        fixed(r.root.latencyMs.p99),
        fixed(r.sandbox.latencyMs.p99),
        cpu(r.root),
        cpu(r.sandbox),
        r.root.serverCpu && r.sandbox.serverCpu ? fixed(r.sandbox.serverCpu.microsPerRequest / r.root.serverCpu.microsPerRequest, 3) : 'n/a',
        `${share(r.root)}/${share(r.sandbox)}/${others(r)}`,
        verdict(r.ratio >= THROUGHPUT_TARGET_RATIO) + (r.doubtful ? ' (doubtful)' : ''),
      ]),
    ),
  );
  console.log('CPU = the mock process\'s user+system time (all threads) during the timed runs; 100 % = one core; "others" = every other process on the machine.');
  console.log('Each run\'s req/s in order (others\' CPU % of a core; * = disturbed):');
  for (const r of results) console.log(`  ${r.name}: ${r.runs.map((run) => `${run.side} ${grouped(run.requestsPerSecond)} (${run.othersCpuPercent === null ? 'n/a' : fixed(run.othersCpuPercent, 0)}${run.disturbed ? '*' : ''})`).join(' · ')}`);
  if (neighbours.waitLeftMs < QUIET_WAIT_MS) console.log(`Waited ${fixed((QUIET_WAIT_MS - neighbours.waitLeftMs) / 1000, 1)} s in all for other processes to quieten before runs.`);
  if (neighbours.discarded.length) console.log(`${neighbours.discarded.length} run(s) discarded and made again: other processes took over ${BUSY_NEIGHBOUR_PERCENT} % of a core during them (${neighbours.discarded.map((d) => `${d.endpoint.split(' ')[0]} ${d.side} ${fixed(d.othersCpuPercent ?? 0, 0)} %`).join(', ')}).`);
  const doubtful = results.filter((r) => r.doubtful);
  if (doubtful.length) console.log(`WARNING: busy neighbours disturbed too many runs of ${doubtful.map((r) => r.name).join(', ')}: those figures pool every run and are doubtful; run again on a quiet machine.`);
}

function jsonReport(
  pinning: Pinning | null,
  c: CreationResult,
  m: MemoryResult,
  throughput: readonly SideBySide[],
  neighbours: Neighbours,
  targets: Record<string, { target: string; value: number; met: boolean; doubtful?: boolean }>,
) {
  const summary = (s: Summary) => ({ n: s.count, medianMs: round(s.median, 3), p99Ms: round(s.p99, 3), maxMs: round(s.max, 3) });
  const load = loadReport;
  const memory = (u: NodeJS.MemoryUsage) => ({ rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external, arrayBuffers: u.arrayBuffers });
  return {
    benchmark: 'mock-concur-sandboxes',
    node: process.version,
    cpus: os.cpus().length,
    pinning,
    creation: {
      sandbox: summary(c.create),
      deleteSandbox: summary(c.remove),
      serverCpuMicrosPerCreate: c.serverCpuMicrosPerCreate === null ? null : round(c.serverCpuMicrosPerCreate, 1),
      counts: c.counts,
      inProcess: { ...summary(c.inProcess), samplesMs: c.inProcessSamplesMs.map((ms) => round(ms, 1)) },
      othersCpuPercent: { creations: roundOrNull(c.othersCpuPercent.creations), inProcess: roundOrNull(c.othersCpuPercent.inProcess) },
      container: 'unavailable' in c.container ? { unavailable: c.container.unavailable } : { ...summary(c.container.summary), samplesMs: c.container.samplesMs.map((ms) => round(ms, 0)) },
    },
    memory: {
      sandboxes: m.sandboxes,
      before: memory(m.before),
      after: memory(m.after),
      perSandboxKiB: { heapUsed: round(m.perSandboxKiB.heapUsed, 2), external: round(m.perSandboxKiB.external, 2), heapPlusExternal: round(m.perSandboxKiB.heapPlusExternal, 2), rss: round(m.perSandboxKiB.rss, 2) },
      fillFirst100: summary(m.fillFirst),
      fillLast100: summary(m.fillLast),
      listAllMs: round(m.listMs, 2),
      othersCpuPercent: roundOrNull(m.othersCpuPercent),
    },
    throughput: {
      settings: { ...THROUGHPUT, runOrder: SIDE_ORDER, pageLimit: PAGE_LIMIT, busyNeighbourPercent: BUSY_NEIGHBOUR_PERCENT, minCleanRuns: MIN_CLEAN_RUNS, maxRepeats: MAX_REPEATS, quietWaitMs: QUIET_WAIT_MS },
      waitedForQuietMs: Math.round(QUIET_WAIT_MS - neighbours.waitLeftMs),
      discardedRuns: neighbours.discarded.map((d) => ({ ...d, requestsPerSecond: round(d.requestsPerSecond, 0), othersCpuPercent: d.othersCpuPercent === null ? null : round(d.othersCpuPercent, 1) })),
      endpoints: throughput.map((t) => ({ name: t.name, path: t.path, bodyBytes: t.bodyBytes, root: load(t.root), sandbox: load(t.sandbox), pooledRuns: t.pooled, doubtful: t.doubtful, ratio: round(t.ratio, 3), cpuPerRequestRatio: t.root.serverCpu && t.sandbox.serverCpu ? round(t.sandbox.serverCpu.microsPerRequest / t.root.serverCpu.microsPerRequest, 3) : null })),
    },
    targets,
  };
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value, 1);
}

runBenchmark('sandboxes benchmark', main, { watchdogMs: WATCHDOG_MS });
