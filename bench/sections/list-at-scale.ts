import { performance } from 'node:perf_hooks';
import type { Agent } from 'node:http';
import { expectStatus, httpRequest, keepAliveAgent } from '../lib/http.js';
import { adminTokens, LIST_PATH, pendingCount, seedConnectionRequests } from '../lib/mock-api.js';
import { processMemory, waitForQuiet, type ProcessMemory } from '../lib/proc-stats.js';
import { startMock, type RunningServer } from '../lib/servers.js';
import { seededRandom, summarize, type Summary } from '../lib/stats.js';

/**
 * Section 3: does a list page cost the same with a million requests queued as with a
 * thousand? Pages are read at random offsets over the whole queue, one request at a time
 * on one kept-alive connection per mock, so each timing is one request's round trip.
 *
 * Both mocks are seeded first and then read in alternation (one page from each in turn):
 * warming up, machine noise and drift weigh on both sizes alike, which reading one size
 * after the other did not guarantee.
 *
 * In the default peek mode the first GET of a request hands it out (mints a request token,
 * starts its lease); later GETs only re-read it. With 1 000 requests every page is handed
 * out after a hundred GETs, with 1 000 000 almost none is. To compare like with like, each
 * size gets a first-visit pass and then a re-read pass over pages already handed out; the
 * re-read pass is the scale comparison, the first-visit pass is shown beside it.
 */

export const SCALE_TARGET_RATIO = 2;
const PAGE_LIMIT = 10;
const SAMPLES = 2_000;
/** Untimed GETs of page 0 on each mock: compiles the list path here and in the mocks. */
const WARMUP_REQUESTS = 2_000;
const SEED_CHUNK = 200_000;

export interface PassResult extends Summary {
  pass: 'first visit' | 're-read';
}

export interface QueueScaleResult {
  queued: number;
  seedSeconds: number;
  /** How long the mock kept a core busy after its seed answered, ms. */
  settleMs: number | null;
  memoryAfterSeed: ProcessMemory | null;
  memoryAfterReads: ProcessMemory | null;
  firstVisit: PassResult;
  reRead: PassResult;
}

interface Queue {
  size: number;
  mock: RunningServer;
  agent: Agent;
  readPage: PageReader;
  seedSeconds: number;
  settleMs: number | null;
  memoryAfterSeed: ProcessMemory | null;
  firstOffsets: number[];
  reReadOffsets: number[];
}

export async function measureListAtScale(sizes: readonly number[], log: (line: string) => void): Promise<QueueScaleResult[]> {
  const queues: Queue[] = [];
  try {
    // Seeded one after the other: a seed keeps a core busy for seconds.
    for (const size of sizes) queues.push(await prepareQueue(size, log));
    for (const q of queues) q.settleMs = await waitForQuiet(q.mock.child.pid);

    log(`  warming up: ${WARMUP_REQUESTS} GETs of page 0 on each mock…`);
    await alternate(queues.map((q) => ({ offsets: new Array<number>(WARMUP_REQUESTS).fill(0), read: q.readPage })));
    log(`  first visits (${queues.map((q) => q.firstOffsets.length).join(' / ')} pages), then re-reads (${SAMPLES} each)…`);
    const firstVisit = await alternate(queues.map((q) => ({ offsets: q.firstOffsets, read: q.readPage })));
    const reRead = await alternate(queues.map((q) => ({ offsets: q.reReadOffsets, read: q.readPage })));

    const results: QueueScaleResult[] = [];
    for (const [i, q] of queues.entries()) {
      results.push({
        queued: q.size,
        seedSeconds: q.seedSeconds,
        settleMs: q.settleMs,
        memoryAfterSeed: q.memoryAfterSeed,
        memoryAfterReads: await processMemory(q.mock.child.pid),
        firstVisit: { pass: 'first visit', ...summarize(firstVisit[i]!) },
        reRead: { pass: 're-read', ...summarize(reRead[i]!) },
      });
    }
    return results;
  } finally {
    for (const q of queues) q.agent.destroy();
    await Promise.all(queues.map((q) => q.mock.child.stop()));
  }
}

/** A mock holding exactly `size` pending requests, and the offsets to read from it. */
async function prepareQueue(size: number, log: (line: string) => void): Promise<Queue> {
  // No faker travellers: the queue holds exactly the seeded requests.
  const mock = await startMock(['--travelers', '0']);
  const agent = keepAliveAgent();
  try {
    log(`  ${size.toLocaleString('en-US')} queued: seeding…`);
    const seedStart = performance.now();
    await seedConnectionRequests(mock.url, size, SEED_CHUNK);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const pending = await pendingCount(mock.url);
    if (pending !== size) throw new Error(`expected ${size} pending requests after seeding, the mock reports ${pending}`);
    const memoryAfterSeed = await processMemory(mock.child.pid);
    const { token } = await adminTokens(mock.url);

    const random = seededRandom(size);
    const lastOffset = size - PAGE_LIMIT;
    const randomOffsets = () => Array.from({ length: SAMPLES }, () => Math.floor(random() * (lastOffset + 1)));
    // A small queue: every page once (all handed out after), then random re-reads. A large
    // one: SAMPLES random pages, then the same pages again, now handed out.
    const coversQueue = size / PAGE_LIMIT <= SAMPLES;
    const firstOffsets = coversQueue ? shuffled(Array.from({ length: Math.floor(size / PAGE_LIMIT) }, (_, i) => i * PAGE_LIMIT), random) : randomOffsets();
    const reReadOffsets = coversQueue ? randomOffsets() : firstOffsets;
    return { size, mock, agent, readPage: pageReader(mock.url, token, agent), seedSeconds, settleMs: null, memoryAfterSeed, firstOffsets, reReadOffsets };
  } catch (error) {
    agent.destroy();
    await mock.child.stop();
    throw error;
  }
}

type PageReader = (offset: number) => Promise<number>;

/** GETs one full page (JSON) and answers its round-trip time in ms; checks it after timing. */
function pageReader(baseUrl: string, token: string, agent: Agent): PageReader {
  const headers = { authorization: `OAuth ${token}`, accept: 'application/json' };
  return async (offset) => {
    const started = performance.now();
    const response = await httpRequest(`${baseUrl}${LIST_PATH}?limit=${PAGE_LIMIT}&offset=${offset}`, { headers, agent });
    const elapsed = performance.now() - started;
    expectStatus(response, 200, `list at offset ${offset}`);
    const items = (JSON.parse(response.body) as { Items: unknown[] }).Items.length;
    if (items !== PAGE_LIMIT) throw new Error(`list at offset ${offset} returned ${items} items, expected ${PAGE_LIMIT}`);
    return elapsed;
  };
}

/** One page from each reader in turn until every list is done; timings per reader. */
async function alternate(lanes: readonly { offsets: readonly number[]; read: PageReader }[]): Promise<number[][]> {
  const timings = lanes.map(() => [] as number[]);
  const rounds = Math.max(...lanes.map((lane) => lane.offsets.length));
  for (let i = 0; i < rounds; i++) {
    for (const [l, lane] of lanes.entries()) {
      if (i < lane.offsets.length) timings[l]!.push(await lane.read(lane.offsets[i]!));
    }
  }
  return timings;
}

function shuffled<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
