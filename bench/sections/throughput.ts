import { DEMO, MockControlClient } from 'mock-concur';
import { adminTokens, LIST_PATH, NATIVE_FLOW_PATH, refreshQuery, seedConnectionRequests, seededIds, TOKEN_PATH } from '../lib/mock-api.js';
import { expectStatus, httpRequest, type HttpResponse } from '../lib/http.js';
import { combineRuns, runLoad, type LoadResult, type LoadRun } from '../lib/load.js';
import { processMemory, type ProcessMemory } from '../lib/proc-stats.js';
import { bundleBare, startBare, startMock, type RunningServer } from '../lib/servers.js';

/**
 * Section 1: requests/s, p99 and CPU per request of each hot mock endpoint against a bare
 * Fastify route that answers a body of the same size and content type, the two servers
 * pinned to the same CPU and the load generator to another: the ratio isolates the mock's own
 * work (hooks, auth, token minting, queue reads, encoding) from HTTP's and Fastify's floor.
 */

export const THROUGHPUT_TARGET_RATIO = 0.8;
export const P99_TARGET_MS = 2;
/**
 * A side whose two runs differ by more than this in CPU per request was disturbed by the
 * machine (this VM's neighbours): its row's ratio is marked as no better than that.
 */
export const NOISY_RUN_SPREAD = 0.15;
/** Peak RSS under the refresh load, the mock's over bare Fastify's. */
export const REFRESH_RSS_TARGET_RATIO = 1.5;
const SEEDED_REQUESTS = 100;
/**
 * ABBA: a machine getting steadily faster or slower (thermal, noisy neighbours) weighs on
 * both servers alike; each side's runs are pooled.
 */
export const RUN_ORDER = ['mock', 'bare', 'bare', 'mock'] as const;
/** Requests per timed run of an endpoint that uses something up (a code, a request a PUT pops). */
const CONSUMING_RUN_REQUESTS = 40_000;
/** Every consuming call of one side: its timed runs and their warm-ups (a fifth each). */
const CONSUMED_PER_SIDE = 2 * (CONSUMING_RUN_REQUESTS + CONSUMING_RUN_REQUESTS / 5) + 1;

export interface ThroughputSettings {
  connections: number;
  /** Each server gets two timed runs of this length per endpoint. */
  durationS: number;
  warmupS: number;
}

export interface EndpointThroughput {
  name: string;
  path: string;
  contentType: string;
  bodyBytes: number;
  mock: LoadResult;
  bare: LoadResult;
  /**
   * Per core: what one core serves of the mock's calls over what it serves of bare's, i.e. bare's
   * CPU per request over the mock's (requests/s over requests/s where CPU cannot be read). A
   * load generator that cannot saturate the faster server (per-request variations cost it
   * more) leaves requests/s equal while CPU per request still tells the two apart.
   */
  ratio: number;
  /** Mock requests/s over bare requests/s, as measured. */
  rateRatio: number;
  /** What the bare baseline does besides answering (one RS256 signature per request). */
  baseline: string;
}

type Method = 'GET' | 'POST' | 'PUT';

/** What one request of an endpoint that uses something up sends instead of `path`/`body`. */
export type Variation = () => { path?: string; body?: string };

/** One request the load repeats: a path under a mock's base URL (its root or a sandbox's). */
export interface Endpoint {
  name: string;
  path: string;
  headers: Record<string, string>;
  method?: Method;
  body?: string;
  /** 200 unless given (a v3.2 PUT answers 204). */
  status?: number;
  /** Checks the probe's body, so the load runs against a meaningful answer. */
  check(body: string): void;
  /**
   * For calls that use something up: a fresh cursor over what was seeded for them (a side's
   * runs share one cursor, so no code is sent twice); paths relative to the base.
   */
  cursor?: () => Variation;
  /** The bare route in Fastify's syntax when the path varies (`/…/:id`). */
  bareRoute?: string;
  /** The bare route also makes one RS256 signature per request: the floor of minting a JWT. */
  bareSigns?: boolean;
}

export type EndpointKind =
  | 'token refresh'
  | 'native login'
  | 'code exchange'
  | 'client credentials'
  | 'list JSON'
  | 'list XML'
  | 'list v3.0 JSON'
  | 'list v3.0 XML'
  | 'get by id'
  | 'put';

/**
 * The endpoints a throughput run loads, with the Web Services Administrator's tokens from
 * `baseUrl` (a mock's root or one of its sandboxes: tokens are only valid in their own world).
 * The list pages need `pageLimit` pending requests there (peek mode leaves them queued); the
 * exchange and the PUT seed what they use up.
 */
export async function throughputEndpoints(baseUrl: string, pageLimit: number, kinds: readonly EndpointKind[]): Promise<Endpoint[]> {
  const { token, refreshToken } = await adminTokens(baseUrl);
  const basic = Buffer.from(`${DEMO.admin.loginId}:${DEMO.admin.password}`).toString('base64');
  const appCredentials = `client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}`;
  const hasAccessToken = (what: string) => (body: string) => {
    if (!(JSON.parse(body) as { Access_Token?: { Token?: string } }).Access_Token?.Token) throw new Error(`${what} answered no Access_Token.Token`);
  };
  const list = (version: '3.0' | '3.2', format: 'JSON' | 'XML'): Endpoint => ({
    name: `list v${version} limit=${pageLimit} (${format})`,
    path: `/api/v${version}/common/connectionrequests?limit=${pageLimit}`,
    // No Accept header: Concur (and the mock) answer XML.
    headers: { authorization: `OAuth ${token}`, ...(format === 'JSON' ? { accept: 'application/json' } : {}) },
    check: (body) => {
      const count = format === 'JSON' ? (JSON.parse(body) as { Items: unknown[] }).Items.length : body.split(/<ConnectionRequest>/i).length - 1;
      if (count !== pageLimit) throw new Error(`list page holds ${count} items, expected ${pageLimit}`);
    },
  });
  const builders: Record<EndpointKind, () => Promise<Endpoint> | Endpoint> = {
    'token refresh': () => ({
      // Refresh tokens stay valid across exchanges, unlike single-use request tokens.
      name: 'token refresh (JSON)',
      path: `${TOKEN_PATH}?${refreshQuery(refreshToken)}`,
      headers: { accept: 'application/json' },
      check: hasAccessToken('token refresh'),
    }),
    'native login': () => ({
      name: 'native login (JSON)',
      path: NATIVE_FLOW_PATH,
      headers: { authorization: `Basic ${basic}`, 'x-consumerkey': DEMO.app.consumerKey, accept: 'application/json' },
      check: hasAccessToken('native login'),
    }),
    'code exchange': async () => {
      const codes = await mintCodes(baseUrl, CONSUMED_PER_SIDE);
      return {
        name: 'request-token exchange (JSON, a fresh code each)',
        path: `${TOKEN_PATH}?code=${codes[0]}&${appCredentials}`,
        headers: { accept: 'application/json' },
        check: hasAccessToken('request-token exchange'),
        cursor: () => {
          let next = 1;
          return () => ({ path: `${TOKEN_PATH}?code=${codes[next++ % codes.length]}&${appCredentials}` });
        },
      };
    },
    'client credentials': () => ({
      // The v0 grant a poller repeats: the application token (a signed JWT per request).
      name: '/oauth2/v0/token client_credentials',
      path: '/oauth2/v0/token',
      method: 'POST',
      body: new URLSearchParams({ client_id: DEMO.app.consumerKey, client_secret: DEMO.app.consumerSecret, grant_type: 'client_credentials' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      check: (body) => {
        if (!(JSON.parse(body) as { access_token?: string }).access_token) throw new Error('/oauth2/v0/token answered no access_token');
      },
      bareSigns: true,
    }),
    'list JSON': () => list('3.2', 'JSON'),
    'list XML': () => list('3.2', 'XML'),
    'list v3.0 JSON': () => list('3.0', 'JSON'),
    'list v3.0 XML': () => list('3.0', 'XML'),
    'get by id': async () => {
      const [id] = await seededIds(baseUrl, 1);
      return {
        name: 'GET v3.2 request by id (JSON)',
        path: `${LIST_PATH}/${id}`,
        headers: { authorization: `OAuth ${token}`, accept: 'application/json' },
        check: (body) => {
          if ((JSON.parse(body) as { ID?: string }).ID !== id) throw new Error(`GET by id answered another request than ${id}`);
        },
        bareRoute: `${LIST_PATH}/:id`,
      };
    },
    put: async () => {
      const ids = await seededIds(baseUrl, CONSUMED_PER_SIDE);
      return {
        name: 'PUT v3.2 CRSUC (each pops a request)',
        path: `${LIST_PATH}/${ids[0]}`,
        method: 'PUT',
        body: JSON.stringify({ status: 'CRSUC', message: 'connected' }),
        status: 204,
        headers: { authorization: `OAuth ${token}`, 'content-type': 'application/json' },
        check: () => {},
        cursor: () => {
          let next = 1;
          return () => ({ path: `${LIST_PATH}/${ids[next++ % ids.length]}` });
        },
        bareRoute: `${LIST_PATH}/:id`,
      };
    },
  };
  const endpoints: Endpoint[] = [];
  for (const kind of kinds) endpoints.push(await builders[kind]());
  return endpoints;
}

async function mintCodes(baseUrl: string, count: number): Promise<string[]> {
  const control = new MockControlClient(baseUrl, { timeoutMs: 60_000 });
  const codes: string[] = [];
  while (codes.length < count) {
    const { codes: batch } = await control.issueRequestTokens({ consumerKey: DEMO.app.consumerKey, loginId: DEMO.traveler.loginId, count: Math.min(100_000, count - codes.length) });
    codes.push(...batch);
  }
  return codes;
}

/** The endpoint's method and body as `httpRequest` and `runLoad` take them (GET without). */
export function requestShape(endpoint: Endpoint): { method?: Method; body?: string } {
  return { ...(endpoint.method ? { method: endpoint.method } : {}), ...(endpoint.body !== undefined ? { body: endpoint.body } : {}) };
}

/** One request to the endpoint under `baseUrl`, which must answer its status and pass the endpoint's check. */
export async function probeEndpoint(baseUrl: string, endpoint: Endpoint): Promise<HttpResponse> {
  const probe = expectStatus(await httpRequest(baseUrl + endpoint.path, { headers: endpoint.headers, ...requestShape(endpoint) }), endpoint.status ?? 200, endpoint.name);
  endpoint.check(probe.body);
  return probe;
}

/** A group of endpoints loaded in one world (the mock's root or a sandbox) with one page size. */
interface Group {
  baseUrl: string;
  pageLimit: number;
  kinds: readonly EndpointKind[];
  /** Added to each endpoint's name. */
  suffix?: string;
}

const LISTS: readonly EndpointKind[] = ['list JSON', 'list XML', 'list v3.0 JSON', 'list v3.0 XML'];

export interface ThroughputReport {
  endpoints: EndpointThroughput[];
  /** Peak RSS of each server once the refresh load (the first endpoint) has run. */
  refreshPeakRss: { mock: ProcessMemory | null; bare: ProcessMemory | null };
}

/** `pageLimits`: the list pages' sizes, largest first; `cpu`: where both servers run (taskset). */
export async function measureThroughput(settings: ThroughputSettings, pageLimits: readonly number[], cpu: number | undefined, log: (line: string) => void): Promise<ThroughputReport> {
  const mock = await startMock([], { cpu });
  // Bundled like the mock, so neither carries a loader's memory (tsx adds ≈ 25 MiB of RSS).
  const bare = await bundleBare();
  try {
    // Pending requests for full pages: the peek queue mode leaves them queued across GETs.
    await seedConnectionRequests(mock.url, SEEDED_REQUESTS);
    const sandbox = await new MockControlClient(mock.url).createSandbox({});
    await seedConnectionRequests(sandbox.url, SEEDED_REQUESTS);
    const [largest, ...smaller] = pageLimits;
    const groups: Group[] = [
      { baseUrl: mock.url, pageLimit: largest!, kinds: ['token refresh', 'native login', 'code exchange', 'client credentials', ...LISTS, 'get by id'] },
      ...smaller.map((pageLimit): Group => ({ baseUrl: mock.url, pageLimit, kinds: LISTS })),
      // Last in the root: it adds the requests it pops behind the pages the lists read.
      { baseUrl: mock.url, pageLimit: largest!, kinds: ['put'] },
      { baseUrl: sandbox.url, pageLimit: largest!, kinds: ['token refresh', 'list JSON'], suffix: ' in a sandbox' },
    ];
    const results: EndpointThroughput[] = [];
    const refreshPeakRss: ThroughputReport['refreshPeakRss'] = { mock: null, bare: null };
    for (const group of groups) {
      for (const endpoint of await throughputEndpoints(group.baseUrl, group.pageLimit, group.kinds)) {
        const measured = await measureEndpoint(mock, bare.entry, group.baseUrl, { ...endpoint, name: endpoint.name + (group.suffix ?? '') }, settings, cpu, log);
        // The refresh is the mock's first load: its peak RSS is the refresh load's.
        if (results.length === 0) Object.assign(refreshPeakRss, measured.peakRss);
        results.push(measured.throughput);
      }
    }
    return { endpoints: results, refreshPeakRss };
  } finally {
    await mock.child.stop();
    await bare.dispose();
  }
}

async function measureEndpoint(
  mock: RunningServer,
  bareBundle: string,
  baseUrl: string,
  endpoint: Endpoint,
  settings: ThroughputSettings,
  cpu: number | undefined,
  log: (line: string) => void,
): Promise<{ throughput: EndpointThroughput; peakRss: { mock: ProcessMemory | null; bare: ProcessMemory | null } }> {
  const probe = await probeEndpoint(baseUrl, endpoint);
  const contentType = String(probe.headers['content-type'] ?? '');
  const basePath = new URL(baseUrl).pathname.replace(/\/$/, '');
  const bare = await startBare(
    { body: probe.body, contentType, path: basePath + (endpoint.bareRoute ?? endpoint.path.split('?')[0]!), status: endpoint.status ?? 200, rs256: endpoint.bareSigns ?? false },
    { cpu, bundle: bareBundle },
  );
  try {
    const bareBase = bare.url + basePath;
    // Same path, query and headers for both: only the handler behind the route differs.
    const targets = {
      mock: { url: baseUrl + endpoint.path, serverPid: mock.child.pid, vary: sideVariation(endpoint, basePath) },
      bare: { url: bareBase + endpoint.path, serverPid: bare.child.pid, vary: sideVariation(endpoint, basePath) },
    };
    const runs: Record<keyof typeof targets, LoadRun[]> = { mock: [], bare: [] };
    for (const side of RUN_ORDER) {
      log(`  ${endpoint.name}: ${side} run ${runs[side].length + 1}…`);
      const { vary, ...target } = targets[side];
      runs[side].push(
        await runLoad({ ...target, headers: endpoint.headers, ...requestShape(endpoint), ...settings, ...(vary ? { vary, amount: CONSUMING_RUN_REQUESTS } : {}) }),
      );
    }
    const mockLoad = combineRuns(runs.mock);
    const bareLoad = combineRuns(runs.bare);
    return {
      throughput: {
        name: endpoint.name,
        path: endpoint.path.split('?')[0]!,
        contentType: contentType || '(none)',
        bodyBytes: Buffer.byteLength(probe.body),
        mock: mockLoad,
        bare: bareLoad,
        ratio: mockLoad.serverCpu && bareLoad.serverCpu ? bareLoad.serverCpu.microsPerRequest / mockLoad.serverCpu.microsPerRequest : mockLoad.requestsPerSecond / bareLoad.requestsPerSecond,
        rateRatio: mockLoad.requestsPerSecond / bareLoad.requestsPerSecond,
        baseline: endpoint.bareSigns ? 'bare + one RS256 signature' : 'bare',
      },
      peakRss: { mock: await processMemory(mock.child.pid), bare: await processMemory(bare.child.pid) },
    };
  } finally {
    await bare.child.stop();
  }
}

/** A side's own cursor, with the base's path (a sandbox's prefix) in front of every path. */
function sideVariation(endpoint: Endpoint, basePath: string): Variation | undefined {
  if (!endpoint.cursor) return undefined;
  const next = endpoint.cursor();
  return () => {
    const varied = next();
    return varied.path === undefined ? varied : { ...varied, path: basePath + varied.path };
  };
}
