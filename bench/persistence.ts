import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Options } from 'autocannon';
import { installChildCleanup, type Child } from './lib/children.js';
import { expectStatus, httpRequest } from './lib/http.js';
import { adminTokens, refreshQuery, TOKEN_PATH } from './lib/mock-api.js';
import { pinLoadGenerator } from './lib/cpus.js';
import { processCpuMs } from './lib/proc-stats.js';
import { assertMockBuilt, startMock } from './lib/servers.js';
import { summarize } from './lib/stats.js';

/**
 * What --state-dir costs: requests/s, latency and CPU per request of write-heavy calls against
 * two mock processes started by this run, one in memory and one with a state dir (every change
 * fdatasynced before the answer), measured alternately (memory, disk, disk, memory). Per core,
 * as every server benchmark here: both mocks pinned to CPU 0 (taskset), autocannon on CPU 1;
 * a state dir's fdatasyncs then run on the mock's own core, as its thread pool does on a
 * one-core container. The write-heavy calls at 10 connections should keep at least half the
 * in-memory rate (issue 16): each of those ratios is printed with PASS or FAIL against that
 * target. CPU counts every thread of the mock (its fdatasyncs too).
 *
 *   npm run build && node --conditions=@mock-concur/source --import tsx bench/persistence.ts [--seconds 3] [--connections 10] [--puts 20000]
 */

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const SECONDS = flag('seconds', 3);
const CONNECTIONS = flag('connections', 10);
const PUTS_PER_RUN = flag('puts', 20_000);
const RUN_ORDER = ['memory', 'disk', 'disk', 'memory'] as const;
/** The least share of the in-memory rate a write-heavy call keeps with a state dir. */
const TARGET_RATIO = 0.5;
type Side = (typeof RUN_ORDER)[number];

/** autocannon's per-request description (its `requests` option), which bench/autocannon.d.ts leaves out. */
interface CannonRequest {
  method: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: CannonRequest) => CannonRequest;
}

interface Server {
  side: Side;
  url: string;
  child: Child;
}

interface Workload {
  name: string;
  connections: number;
  /** Called once per server before its runs; answers the autocannon request description. */
  prepare(server: Server): Promise<CannonRequest[]>;
  /** A fixed number of calls per run instead of a fixed time (calls that use something up). */
  amount?: number;
  status: number;
  /** Held to TARGET_RATIO (PASS/FAIL); the others are shown for context. */
  targeted?: boolean;
}

async function start(side: Side, stateDir: string, cpu: number | undefined): Promise<Server> {
  const { url, child } = await startMock(side === 'disk' ? ['--state-dir', stateDir] : [], { cpu });
  return { side, url, child };
}

/** Ids of `count` pending requests for the demo app, created through the control API. */
async function pendingIds(url: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    const response = expectStatus(
      await httpRequest(`${url}/_mock/connection-requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 1000 }), timeoutMs: 60_000 }),
      201,
      'seeding requests',
    );
    ids.push(...(JSON.parse(response.body) as { ids: string[] }).ids);
  }
  return ids;
}

let userSeq = 0;
const workloads: Workload[] = [
  {
    name: 'token refresh (a new access token each call)',
    connections: CONNECTIONS,
    status: 200,
    targeted: true,
    async prepare(server) {
      const { refreshToken } = await adminTokens(server.url);
      return [{ method: 'GET', path: `${TOKEN_PATH}?${refreshQuery(refreshToken)}`, headers: { accept: 'application/json' } }];
    },
  },
  {
    name: 'token refresh, one connection (each call waits for its own fdatasync)',
    connections: 1,
    status: 200,
    async prepare(server) {
      const { refreshToken } = await adminTokens(server.url);
      return [{ method: 'GET', path: `${TOKEN_PATH}?${refreshQuery(refreshToken)}`, headers: { accept: 'application/json' } }];
    },
  },
  {
    name: 'POST /_mock/users (a new user each call)',
    connections: CONNECTIONS,
    status: 201,
    async prepare() {
      return [
        {
          method: 'POST',
          path: '/_mock/users',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request: CannonRequest) => ({ ...request, body: JSON.stringify({ loginId: `bench${++userSeq}@persistence.example`, password: 'pw', firstName: 'Bench', lastName: 'User' }) }),
        },
      ];
    },
  },
  {
    name: 'PUT connection request CRSUC (each call pops one request)',
    connections: CONNECTIONS,
    status: 204,
    amount: PUTS_PER_RUN,
    targeted: true,
    async prepare(server) {
      const { token } = await adminTokens(server.url);
      // One pending request for every PUT of both runs of this server.
      const ids = await pendingIds(server.url, 2 * PUTS_PER_RUN);
      let next = 0;
      return [
        {
          method: 'PUT',
          headers: { authorization: `OAuth ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ status: 'CRSUC' }),
          setupRequest: (request: CannonRequest) => ({ ...request, path: `/api/v3.2/common/connectionrequests/${ids[next++ % ids.length]}` }),
        },
      ];
    },
  },
];

interface Tally {
  requests: number;
  seconds: number;
  latencies: number[];
  failures: number;
  /** The mock's CPU (all threads) over the runs; null without /proc. */
  cpuMs: number | null;
}

async function run(server: Server, workload: Workload, requests: CannonRequest[], tally: Tally): Promise<void> {
  const length = workload.amount === undefined ? { duration: SECONDS } : { amount: workload.amount };
  const options: Options & { amount?: number; requests: CannonRequest[] } = { url: server.url, connections: workload.connections, ...length, requests, timeout: 10 };
  const instance = autocannon(options);
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status === workload.status) tally.latencies.push(ms);
    else tally.failures++;
  });
  const startedAt = performance.now();
  const cpuBefore = await processCpuMs(server.child.pid);
  const result = await instance;
  const cpuAfter = await processCpuMs(server.child.pid);
  tally.cpuMs = tally.cpuMs === null || cpuBefore === null || cpuAfter === null ? null : tally.cpuMs + cpuAfter - cpuBefore;
  tally.requests += result.requests.total;
  // Measured here: autocannon reports whole seconds, too coarse for a fixed-amount run.
  tally.seconds += (performance.now() - startedAt) / 1000;
  tally.failures += result.errors + result.timeouts;
}

installChildCleanup();
assertMockBuilt();
const pinned = pinLoadGenerator();
const serverCpu = pinned.pinning?.serverCpu;
const stateDir = await mkdtemp(join(tmpdir(), 'mock-concur-bench-state-'));
const servers: Server[] = [];
try {
  servers.push(await start('memory', stateDir, serverCpu), await start('disk', stateDir, serverCpu));
  const where = pinned.pinning ? `mocks on CPU ${pinned.pinning.serverCpu}, load on CPU ${pinned.pinning.loadCpu}` : `not pinned: ${pinned.reason}`;
  console.log(`mock-concur --state-dir cost (node ${process.version}, ${SECONDS} s × 2 runs per side, order ${RUN_ORDER.join(', ')}; ${where})\n`);
  const rows: string[] = [];
  for (const workload of workloads) {
    const prepared = new Map<Side, CannonRequest[]>();
    for (const server of servers) prepared.set(server.side, await workload.prepare(server));
    const tallies = new Map<Side, Tally>(servers.map((s) => [s.side, { requests: 0, seconds: 0, latencies: [], failures: 0, cpuMs: 0 }]));
    for (const side of RUN_ORDER) await run(servers.find((s) => s.side === side)!, workload, prepared.get(side)!, tallies.get(side)!);
    const line = (side: Side) => {
      const t = tallies.get(side)!;
      const { median, p99 } = summarize(t.latencies);
      if (t.failures > 0) throw new Error(`${workload.name} (${side}): ${t.failures} failed requests`);
      return { rate: t.requests / t.seconds, median, p99, cpuUs: t.cpuMs === null ? null : (1000 * t.cpuMs) / t.requests };
    };
    const memory = line('memory');
    const disk = line('disk');
    const ratio = disk.rate / memory.rate;
    const verdict = workload.targeted ? ` ${ratio >= TARGET_RATIO ? 'PASS' : 'FAIL'} (≥ ${TARGET_RATIO})` : '';
    const side = (m: typeof memory) => `${fmt(m.rate)} req/s, ${m.cpuUs === null ? 'n/a' : m.cpuUs.toFixed(0)} µs CPU/req, p50 ${m.median.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms`;
    const row = `| ${workload.name} | ${workload.connections} | ${side(memory)} | ${side(disk)} | ${ratio.toFixed(2)}${verdict} |`;
    console.log(row);
    rows.push(row);
  }
  console.log(`\n| call | connections | in memory | --state-dir | ratio |\n|---|---|---|---|---|\n${rows.join('\n')}`);
} finally {
  for (const server of servers) await server.child.stop();
  await rm(stateDir, { recursive: true, force: true });
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
