/**
 * `npm run bench:console`: does an open console slow the mock down? A mock child holding
 * 1 000 000 queued connection requests and 100 000 access tokens answers `GET /_mock/health`
 * one request at a time on one kept-alive connection, with and without a console open, in
 * alternating phases (ABBA BAAB: drift weighs on both sides alike). "Open" is simulated from
 * this process with exactly what the page does: it loads `/_mock/console?find=…`, then every
 * two seconds fetches, in parallel on up to six connections as a browser would, the summary,
 * the conversation since its last head, the selected request's timeline, the first page of
 * requests, the fault rules, the apps and the sandboxes.
 *
 * Prints both health p99s, their ratio and PASS (with the console ≤ 1.5× without) or FAIL,
 * what each console request cost, then one JSON line with every number. Exits 0 when the
 * measurements ran (target met or not), 1 when a measurement failed.
 */
import type { Agent } from 'node:http';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { expectStatus, httpRequest, keepAliveAgent } from './lib/http.js';
import { adminTokens, refreshQuery, seedConnectionRequests, TOKEN_PATH } from './lib/mock-api.js';
import { startMock } from './lib/servers.js';
import { round, summarize, type Summary } from './lib/stats.js';
import { runBenchmark } from './lib/run-benchmark.js';

const QUEUED = 1_000_000;
const TOKENS = 100_000;
const TOKEN_CONCURRENCY = 8;
/** The page's refresh interval and its browser's connections per host. */
const CONSOLE_INTERVAL_MS = 2_000;
const BROWSER_SOCKETS = 6;
const PHASE_MS = 6_000;
const SIDES = ['off', 'on', 'on', 'off', 'on', 'off', 'off', 'on'] as const;
type Side = (typeof SIDES)[number];
const WARMUP_MS = 3_000;
const TARGET_RATIO = 1.5;
const WATCHDOG_MS = 15 * 60_000;

const progress = (line: string) => process.stderr.write(`${line}\n`);
const JSON_ACCEPT = { accept: 'application/json' };

/** The access tokens: each refresh of the administrator's grant mints one more. */
async function mintTokens(url: string, count: number): Promise<void> {
  const { refreshToken } = await adminTokens(url);
  const query = refreshQuery(refreshToken);
  let issued = 1;
  const worker = async () => {
    const agent = keepAliveAgent();
    try {
      while (issued < count) {
        issued++;
        expectStatus(await httpRequest(`${url}${TOKEN_PATH}?${query}`, { agent, headers: JSON_ACCEPT }), 200, 'token refresh');
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: TOKEN_CONCURRENCY }, worker));
}

/** The console page as a browser runs it: one load, then a refresh every two seconds. */
class ConsoleSimulation {
  private readonly agent: Agent = new http.Agent({ keepAlive: true, maxSockets: BROWSER_SOCKETS });
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  readonly timings = new Map<string, number[]>();

  constructor(
    private readonly url: string,
    private readonly selected: { find: string; id: string },
  ) {}

  private async get(name: string, path: string): Promise<string> {
    const started = performance.now();
    const response = expectStatus(await httpRequest(`${this.url}${path}`, { agent: this.agent, headers: name === 'page' ? {} : JSON_ACCEPT, timeoutMs: 30_000 }), 200, name);
    const samples = this.timings.get(name) ?? [];
    samples.push(performance.now() - started);
    this.timings.set(name, samples);
    return response.body;
  }

  /** The page's `refresh()`: the same requests, in parallel. */
  private async refresh(): Promise<void> {
    const [, conversation] = await Promise.all([
      this.get('summary', '/_mock/summary'),
      this.get('conversation', `/_mock/conversation?since=${this.head}&limit=50`),
      this.get('requests', '/_mock/connection-requests?limit=10'),
      this.get('faults', '/_mock/faults'),
      this.get('apps', '/_mock/apps?limit=100'),
      this.get('sandboxes', '/_mock/sandboxes'),
      this.get('timeline', `/_mock/connection-requests/${encodeURIComponent(this.selected.id)}/timeline`),
    ]);
    this.head = (JSON.parse(conversation) as { head: number }).head;
  }

  async open(): Promise<void> {
    await this.get('page', `/_mock/console?find=${encodeURIComponent(this.selected.find)}`);
    this.head = 0;
    this.running = this.refresh();
    await this.running;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.refresh());
    }, CONSOLE_INTERVAL_MS);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  destroy(): void {
    this.agent.destroy();
  }
}

/** Health checks back to back for `ms` on one kept-alive connection, each timed. */
async function healthFor(url: string, agent: Agent, ms: number): Promise<number[]> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const started = performance.now();
    expectStatus(await httpRequest(`${url}/_mock/health`, { agent }), 200, 'health');
    samples.push(performance.now() - started);
  }
  return samples;
}

const line = (label: string, s: Summary) => `${label.padEnd(30)} p99 ${round(s.p99, 3).toFixed(3).padStart(8)} ms   median ${round(s.median, 3).toFixed(3).padStart(7)} ms   max ${round(s.max, 1).toFixed(1).padStart(7)} ms   n ${s.count}`;

async function main(): Promise<number> {
  const mock = await startMock();
  const health = keepAliveAgent();
  let simulation: ConsoleSimulation | null = null;
  try {
    progress(`seeding ${QUEUED.toLocaleString('en')} connection requests…`);
    let t = performance.now();
    await seedConnectionRequests(mock.url, QUEUED);
    const seedSeconds = (performance.now() - t) / 1000;
    progress(`  ${round(seedSeconds, 1)} s; minting ${TOKENS.toLocaleString('en')} access tokens (refreshes)…`);
    t = performance.now();
    await mintTokens(mock.url, TOKENS);
    const tokenSeconds = (performance.now() - t) / 1000;
    const state = JSON.parse(expectStatus(await httpRequest(`${mock.url}/_mock/summary`, { headers: JSON_ACCEPT, timeoutMs: 30_000 }), 200, 'summary').body) as { totals: { connectionRequests: number; tokens: { access: number } } };
    progress(`  ${round(tokenSeconds, 1)} s; the mock holds ${state.totals.connectionRequests.toLocaleString('en')} requests and ${state.totals.tokens.access.toLocaleString('en')} access tokens`);
    if (state.totals.connectionRequests < QUEUED || state.totals.tokens.access < TOKENS) throw new Error('the mock does not hold what was seeded');

    // The console shows one request's timeline, found by its traveller's login id (as a user would).
    const first = JSON.parse(expectStatus(await httpRequest(`${mock.url}/_mock/connection-requests?limit=1`, { headers: JSON_ACCEPT }), 200, 'first request').body) as { items: { id: string; loginId: string }[] };
    const selected = { find: first.items[0]!.loginId, id: first.items[0]!.id };

    progress(`warming up (${WARMUP_MS / 1000} s of health checks, one console refresh)…`);
    simulation = new ConsoleSimulation(mock.url, selected);
    await simulation.open();
    await simulation.close();
    simulation.timings.clear();
    await healthFor(mock.url, health, WARMUP_MS);

    const samples: Record<Side, number[]> = { off: [], on: [] };
    for (const [i, side] of SIDES.entries()) {
      progress(`  phase ${i + 1}/${SIDES.length}: console ${side === 'on' ? 'open' : 'closed'}, ${PHASE_MS / 1000} s of health checks`);
      if (side === 'on') await simulation.open();
      const phase = await healthFor(mock.url, health, PHASE_MS);
      if (side === 'on') await simulation.close();
      samples[side].push(...phase);
    }

    const off = summarize(samples.off);
    const on = summarize(samples.on);
    const ratio = on.p99 / off.p99;
    const pass = ratio <= TARGET_RATIO;
    const consoleRequests = Object.fromEntries([...simulation.timings].map(([name, s]) => [name, summarize(s)]));
    console.log(`\nGET /_mock/health with ${QUEUED.toLocaleString('en')} queued requests and ${TOKENS.toLocaleString('en')} access tokens (${SIDES.length} alternating phases of ${PHASE_MS / 1000} s)\n`);
    console.log(line('without the console', off));
    console.log(line('with the console open', on));
    console.log(`\nratio (open / closed) p99: ${round(ratio, 2)}×, target ≤ ${TARGET_RATIO}×: ${pass ? 'PASS' : 'FAIL'}\n`);
    console.log(`what the open console asked for (every ${CONSOLE_INTERVAL_MS / 1000} s, in parallel):`);
    for (const [name, s] of Object.entries(consoleRequests)) console.log(`  ${line(name, s)}`);
    console.log(
      JSON.stringify({
        queued: QUEUED,
        tokens: TOKENS,
        seedSeconds: round(seedSeconds, 1),
        tokenSeconds: round(tokenSeconds, 1),
        healthWithoutConsole: off,
        healthWithConsole: on,
        ratio: round(ratio, 3),
        target: TARGET_RATIO,
        pass,
        consoleRequests,
      }),
    );
    return 0;
  } finally {
    simulation?.destroy();
    health.destroy();
    await mock.child.stop();
  }
}

runBenchmark('console benchmark', main, { watchdogMs: WATCHDOG_MS });
