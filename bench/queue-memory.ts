/**
 * What a queued connection request costs, measured in this one process from the sources:
 * a mock built with `buildMockConcur` is seeded with 1 000 000 pending requests through the
 * control route (`POST /_mock/connection-requests {"count": …}`, via `inject`), then
 *
 *   - bytes per queued request: heap used after gc (with the typed arrays' buffers, which V8
 *     counts apart), and RSS, growth ÷ requests (the bulk traveller each request brings is
 *     part of the cost);
 *   - the seed's wall and CPU time, and the longest the event loop was blocked meanwhile
 *     (a 1 ms timer probe: the longest gap between two of its ticks, in wall and CPU time);
 *   - random-offset list pages (`limit=10`) read from it and from a 1 000-request mock in
 *     alternation, first visits (which hand requests out) and then re-reads;
 *   - bytes per settled request: 20 000 more seeded into the small mock, each then PUT `CRSUC`
 *     (heap growth over the PUTs ÷ 20 000: what a connected request keeps).
 *
 * Run: node --expose-gc --max-old-space-size=4096 --conditions=@mock-concur/source --import tsx bench/queue-memory.ts
 * Prints each number with PASS or MISS against its target, then one JSON line. `measureQueueMemory`
 * is exported for `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildMockConcur, DEMO } from 'mock-concur';
import { LIST_PATH } from './lib/mock-api.js';
import { settledMemory } from './lib/settled-memory.js';
import { round, seededRandom, summarize, type Summary } from './lib/stats.js';
import { formatTable, verdict } from './lib/table.js';

export const BYTES_PER_REQUEST_TARGET = 500;
export const SEED_SECONDS_TARGET = 3;
export const EVENT_LOOP_BLOCK_TARGET_MS = 50;
export const PAGE_SCALE_TARGET_RATIO = 2;

const PAGE_LIMIT = 10;
const SETTLED = 20_000;
const SAMPLES = 2_000;
const WARMUP_REQUESTS = 1_000;
const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

export interface QueueMemoryOptions {
  large: number;
  small: number;
  /** Also time list pages from both (default true); `npm run bench` reads them over HTTP instead. */
  pages?: boolean;
}

export interface QueueMemoryResult {
  queued: number;
  heapBytesPerRequest: number;
  rssBytesPerRequest: number;
  seedSeconds: number;
  seedCpuSeconds: number;
  /** Longest event-loop block during the seed: wall time, and CPU time spent in it (what the target is checked on). */
  longestBlockMs: number;
  longestBlockCpuMs: number;
  /** Null when the pages were not read. */
  pages: { small: { firstVisit: Summary; reRead: Summary }; large: { firstVisit: Summary; reRead: Summary } } | null;
  ratios: { median: number; p99: number } | null;
  /** Heap kept per seeded request once PUT `CRSUC`. */
  settledBytesPerRequest: number;
  targets: Record<'bytesPerRequest' | 'seedSeconds' | 'eventLoopBlock', boolean> & { pageScale: boolean | null };
}

interface Mock {
  app: FastifyInstance;
  token: string;
}

async function newMock(): Promise<Mock> {
  const app = await buildMockConcur({ clock: 'manual', clockStartMs: T0, logLevel: 'silent', demoTravelers: 0 });
  const basic = Buffer.from(`${DEMO.admin.loginId}:${DEMO.admin.password}`).toString('base64');
  const res = await app.inject({ url: '/net2/oauth2/accesstoken.ashx', headers: { authorization: `Basic ${basic}`, 'x-consumerkey': DEMO.app.consumerKey, accept: 'application/json' } });
  if (res.statusCode !== 200) throw new Error(`native-flow token: ${res.statusCode} ${res.body}`);
  return { app, token: res.json<{ Access_Token: { Token: string } }>().Access_Token.Token };
}

async function seed(mock: Mock, count: number): Promise<void> {
  const res = await mock.app.inject({ method: 'POST', url: '/_mock/connection-requests', payload: { count } });
  if (res.statusCode !== 201) throw new Error(`seed of ${count}: ${res.statusCode} ${res.body}`);
}

/** Heap growth per seeded request from its seed to its `CRSUC` (ids seeded first, then PUT one by one). */
async function settledBytes(mock: Mock): Promise<number> {
  const ids: string[] = [];
  while (ids.length < SETTLED) {
    const res = await mock.app.inject({ method: 'POST', url: '/_mock/connection-requests', payload: { count: 1000 } });
    if (res.statusCode !== 201) throw new Error(`seed for the PUTs: ${res.statusCode} ${res.body}`);
    ids.push(...res.json<{ ids: string[] }>().ids);
  }
  const before = settledMemory();
  for (const id of ids) {
    const res = await mock.app.inject({ method: 'PUT', url: `${LIST_PATH}/${id}`, headers: { authorization: `OAuth ${mock.token}` }, payload: { status: 'CRSUC' } });
    if (res.statusCode !== 204) throw new Error(`PUT ${id}: ${res.statusCode} ${res.body}`);
  }
  return (settledMemory().bytes - before.bytes) / SETTLED;
}

/**
 * The longest gap between two ticks of a 1 ms timer while `work` runs: how long the loop was
 * blocked, in wall time and in the CPU time this process spent in the gap. On a busy machine
 * the wall gap also counts time the process waited for a core; the CPU gap does not.
 */
async function longestBlockDuring(work: () => Promise<void>): Promise<{ wallMs: number; cpuMs: number }> {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const longest = { wallMs: 0, cpuMs: 0 };
  let running = true;
  const tick = () => {
    // A tick left over once `work` is done would time what runs after it.
    if (!running) return;
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    longest.wallMs = Math.max(longest.wallMs, now - last);
    longest.cpuMs = Math.max(longest.cpuMs, (cpu.user + cpu.system) / 1000);
    last = now;
    lastCpu = process.cpuUsage();
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  try {
    await work();
  } finally {
    running = false;
  }
  // The gap from the last tick to the work's end counts too.
  const end = performance.now();
  longest.wallMs = Math.max(longest.wallMs, end - last);
  const cpu = process.cpuUsage(lastCpu);
  longest.cpuMs = Math.max(longest.cpuMs, (cpu.user + cpu.system) / 1000);
  return longest;
}

/** One JSON page at `offset`; answers its time in ms, checked after timing. */
async function readPage(mock: Mock, offset: number): Promise<number> {
  const started = performance.now();
  const res = await mock.app.inject({ url: `${LIST_PATH}?limit=${PAGE_LIMIT}&offset=${offset}`, headers: { authorization: `OAuth ${mock.token}`, accept: 'application/json' } });
  const elapsed = performance.now() - started;
  if (res.statusCode !== 200) throw new Error(`list at offset ${offset}: ${res.statusCode}`);
  const items = res.json<{ Items: unknown[] }>().Items.length;
  if (items !== PAGE_LIMIT) throw new Error(`list at offset ${offset} returned ${items} items`);
  return elapsed;
}

/** One page from each mock in turn, so drift and noise weigh on both sizes alike. */
async function alternate(lanes: readonly { mock: Mock; offsets: readonly number[] }[]): Promise<number[][]> {
  const timings = lanes.map(() => [] as number[]);
  const rounds = Math.max(...lanes.map((l) => l.offsets.length));
  for (let i = 0; i < rounds; i++) {
    for (const [l, lane] of lanes.entries()) if (i < lane.offsets.length) timings[l]!.push(await readPage(lane.mock, lane.offsets[i]!));
  }
  return timings;
}

/**
 * First visits hand requests out (a request token each), re-reads do not: with 1 000 queued
 * every page is handed out after a hundred reads, with 1 000 000 almost none is. As in the
 * list-at-scale section, the small queue's first pass visits each page once and the large
 * one's reads SAMPLES random pages; the re-read pass (the scale comparison) reads random
 * pages of the small queue and the same pages again of the large one.
 */
function offsetsFor(size: number): { first: number[]; reRead: number[] } {
  const random = seededRandom(size);
  const randomOffsets = () => Array.from({ length: SAMPLES }, () => Math.floor(random() * (size - PAGE_LIMIT + 1)));
  if (size / PAGE_LIMIT <= SAMPLES) {
    const every = Array.from({ length: Math.floor(size / PAGE_LIMIT) }, (_, i) => i * PAGE_LIMIT);
    for (let i = every.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [every[i], every[j]] = [every[j]!, every[i]!];
    }
    return { first: every, reRead: randomOffsets() };
  }
  const first = randomOffsets();
  return { first, reRead: first };
}

/** First visits, then re-reads, of random pages of both mocks in alternation (see `offsetsFor`). */
async function readPages(small: Mock, large: Mock, options: QueueMemoryOptions, log: (line: string) => void) {
  log(`  reading pages (${WARMUP_REQUESTS} warm-up reads, then first visits and re-reads)…`);
  await alternate([small, large].map((mock) => ({ mock, offsets: new Array<number>(WARMUP_REQUESTS).fill(0) })));
  const smallOffsets = offsetsFor(options.small);
  const largeOffsets = offsetsFor(options.large);
  const [smallFirst, largeFirst] = await alternate([
    { mock: small, offsets: smallOffsets.first },
    { mock: large, offsets: largeOffsets.first },
  ]);
  const [smallReRead, largeReRead] = await alternate([
    { mock: small, offsets: smallOffsets.reRead },
    { mock: large, offsets: largeOffsets.reRead },
  ]);
  const pages = {
    small: { firstVisit: summarize(smallFirst!), reRead: summarize(smallReRead!) },
    large: { firstVisit: summarize(largeFirst!), reRead: summarize(largeReRead!) },
  };
  const ratios = { median: pages.large.reRead.median / pages.small.reRead.median, p99: pages.large.reRead.p99 / pages.small.reRead.p99 };
  return { pages, ratios };
}

export async function measureQueueMemory(options: QueueMemoryOptions, log: (line: string) => void): Promise<QueueMemoryResult> {
  const small = await newMock();
  const large = await newMock();
  try {
    await seed(small, options.small);
    const before = settledMemory();
    log(`  seeding ${options.large.toLocaleString('en-US')} requests…`);
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    const block = await longestBlockDuring(() => seed(large, options.large));
    const seedSeconds = (performance.now() - wallStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const after = settledMemory();

    const read = options.pages === false ? null : await readPages(small, large, options, log);
    log(`  settling ${SETTLED.toLocaleString('en-US')} seeded requests (PUT CRSUC)…`);
    const settledBytesPerRequest = await settledBytes(small);
    const pages = read?.pages ?? null;
    const ratios = read?.ratios ?? null;
    const heapBytesPerRequest = (after.bytes - before.bytes) / options.large;
    const rssBytesPerRequest = (after.rss - before.rss) / options.large;
    return {
      queued: options.large,
      heapBytesPerRequest,
      rssBytesPerRequest,
      seedSeconds,
      seedCpuSeconds: (cpu.user + cpu.system) / 1e6,
      longestBlockMs: block.wallMs,
      longestBlockCpuMs: block.cpuMs,
      pages,
      ratios,
      settledBytesPerRequest,
      targets: {
        bytesPerRequest: heapBytesPerRequest <= BYTES_PER_REQUEST_TARGET && rssBytesPerRequest <= BYTES_PER_REQUEST_TARGET,
        seedSeconds: seedSeconds <= SEED_SECONDS_TARGET,
        eventLoopBlock: block.cpuMs <= EVENT_LOOP_BLOCK_TARGET_MS,
        pageScale: ratios && ratios.median <= PAGE_SCALE_TARGET_RATIO && ratios.p99 <= PAGE_SCALE_TARGET_RATIO,
      },
    };
  } finally {
    await small.app.close();
    await large.app.close();
  }
}

export function printQueueMemory(r: QueueMemoryResult): void {
  const n = r.queued.toLocaleString('en-US');
  console.log(
    formatTable(
      ['measure', 'value', 'target', ''],
      [
        [`heap per queued request (${n})`, `${round(r.heapBytesPerRequest, 0)} B`, `≤ ${BYTES_PER_REQUEST_TARGET} B`, verdict(r.heapBytesPerRequest <= BYTES_PER_REQUEST_TARGET)],
        [`RSS per queued request (${n})`, `${round(r.rssBytesPerRequest, 0)} B`, `≤ ${BYTES_PER_REQUEST_TARGET} B`, verdict(r.rssBytesPerRequest <= BYTES_PER_REQUEST_TARGET)],
        ['seed, wall', `${round(r.seedSeconds)} s`, `≤ ${SEED_SECONDS_TARGET} s`, verdict(r.targets.seedSeconds)],
        ['seed, CPU', `${round(r.seedCpuSeconds)} s`, '', ''],
        ['longest event-loop block in the seed, CPU', `${round(r.longestBlockCpuMs, 1)} ms`, `≤ ${EVENT_LOOP_BLOCK_TARGET_MS} ms`, verdict(r.targets.eventLoopBlock)],
        ['longest event-loop block in the seed, wall', `${round(r.longestBlockMs, 1)} ms`, '', ''],
        [`heap per seeded request once PUT CRSUC (${SETTLED.toLocaleString('en-US')})`, `${round(r.settledBytesPerRequest, 0)} B`, '', ''],
      ],
    ),
  );
  console.log('');
  if (!r.pages || !r.ratios) return;
  const row = (name: string, s: Summary) => [name, round(s.median, 3), round(s.p99, 3), round(s.max, 3), s.count];
  console.log(
    formatTable(
      ['list page (limit=10, inject), ms', 'median', 'p99', 'max', 'reads'],
      [
        row('small, first visit', r.pages.small.firstVisit),
        row('large, first visit', r.pages.large.firstVisit),
        row('small, re-read', r.pages.small.reRead),
        row('large, re-read', r.pages.large.reRead),
      ],
    ),
  );
  console.log(`\nre-read large/small: median ${round(r.ratios.median)}×, p99 ${round(r.ratios.p99)}× (target ≤ ${PAGE_SCALE_TARGET_RATIO}×) ${verdict(r.targets.pageScale === true)}`);
}

async function main(): Promise<void> {
  const result = await measureQueueMemory({ large: Number(process.env['QUEUE_MEMORY_LARGE'] ?? 1_000_000), small: 1_000 }, (line) => process.stderr.write(`${line}\n`));
  printQueueMemory(result);
  console.log(JSON.stringify({ queueMemory: result }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
