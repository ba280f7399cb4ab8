import { DEMO } from 'mock-concur';
import { adminTokens, LIST_PATH, refreshQuery, seedConnectionRequests, TOKEN_PATH } from '../lib/mock-api.js';
import { expectStatus, httpRequest, type HttpResponse } from '../lib/http.js';
import { combineRuns, runLoad, type LoadResult, type LoadRun } from '../lib/load.js';
import { startBare, startMock } from '../lib/servers.js';

/**
 * Section 1: requests/s and p99 of mock endpoints against a bare Fastify route that answers
 * a body of the same size and content type, so the ratio isolates the mock's own work
 * (hooks, auth, token minting, queue reads, encoding) from HTTP and Fastify's floor.
 */

export const THROUGHPUT_TARGET_RATIO = 0.6;
const SEEDED_REQUESTS = 100;
/**
 * ABBA: a machine getting steadily faster or slower (thermal, noisy neighbours) weighs on
 * both servers alike; each side's runs are pooled.
 */
export const RUN_ORDER = ['mock', 'bare', 'bare', 'mock'] as const;
const PAGE_LIMIT = 10;

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
  /** Mock requests/s over bare requests/s. */
  ratio: number;
}

/** One request the load repeats: a path under a mock's base URL (its root or a sandbox's). */
export interface Endpoint {
  name: string;
  path: string;
  headers: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
  /** Checks the probe's body, so the load runs against a meaningful answer. */
  check(body: string): void;
}

export type EndpointKind = 'token refresh' | 'client credentials' | 'list JSON' | 'list XML';

/**
 * The endpoints a throughput run loads, with the Web Services Administrator's tokens from
 * `baseUrl` (a mock's root or one of its sandboxes: tokens are only valid in their own world).
 * The list pages need `pageLimit` pending requests there (peek mode leaves them queued).
 */
export async function throughputEndpoints(baseUrl: string, pageLimit: number, kinds?: readonly EndpointKind[]): Promise<Endpoint[]> {
  const { token, refreshToken } = await adminTokens(baseUrl);
  const listPath = `${LIST_PATH}?limit=${pageLimit}`;
  const fullPage = (count: number) => {
    if (count !== pageLimit) throw new Error(`list page holds ${count} items, expected ${pageLimit}`);
  };
  const endpoints: Record<EndpointKind, Endpoint> = {
    'token refresh': {
      // Refresh tokens stay valid across exchanges, unlike single-use request tokens.
      name: 'token refresh (JSON)',
      path: `${TOKEN_PATH}?${refreshQuery(refreshToken)}`,
      headers: { accept: 'application/json' },
      check: (body) => {
        if (!(JSON.parse(body) as { Access_Token?: { Token?: string } }).Access_Token?.Token) throw new Error('token refresh answered no Access_Token.Token');
      },
    },
    'client credentials': {
      // The v0 grant a poller repeats: the application token (a signed JWT per request).
      name: '/oauth2/v0/token client_credentials',
      path: '/oauth2/v0/token',
      method: 'POST',
      body: new URLSearchParams({ client_id: DEMO.app.consumerKey, client_secret: DEMO.app.consumerSecret, grant_type: 'client_credentials' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      check: (body) => {
        if (!(JSON.parse(body) as { access_token?: string }).access_token) throw new Error('/oauth2/v0/token answered no access_token');
      },
    },
    'list JSON': {
      name: `list limit=${pageLimit} (JSON)`,
      path: listPath,
      headers: { authorization: `OAuth ${token}`, accept: 'application/json' },
      check: (body) => fullPage((JSON.parse(body) as { Items: unknown[] }).Items.length),
    },
    'list XML': {
      // No Accept header: Concur (and the mock) answer XML.
      name: `list limit=${pageLimit} (XML)`,
      path: listPath,
      headers: { authorization: `OAuth ${token}` },
      check: (body) => fullPage(body.split('<ConnectionRequest>').length - 1),
    },
  };
  return (kinds ?? (Object.keys(endpoints) as EndpointKind[])).map((kind) => endpoints[kind]);
}

/** The endpoint's method and body as `httpRequest` and `runLoad` take them (GET without). */
export function requestShape(endpoint: Endpoint): { method?: 'GET' | 'POST'; body?: string } {
  return { ...(endpoint.method ? { method: endpoint.method } : {}), ...(endpoint.body !== undefined ? { body: endpoint.body } : {}) };
}

/** One request to the endpoint under `baseUrl`, which must answer 200 and pass the endpoint's check. */
export async function probeEndpoint(baseUrl: string, endpoint: Endpoint): Promise<HttpResponse> {
  const probe = expectStatus(await httpRequest(baseUrl + endpoint.path, { headers: endpoint.headers, ...requestShape(endpoint) }), 200, endpoint.name);
  endpoint.check(probe.body);
  return probe;
}

export async function measureThroughput(settings: ThroughputSettings, log: (line: string) => void): Promise<EndpointThroughput[]> {
  const mock = await startMock();
  try {
    // Pending requests for full pages: the peek queue mode leaves them queued across GETs.
    await seedConnectionRequests(mock.url, SEEDED_REQUESTS);
    const endpoints = await throughputEndpoints(mock.url, PAGE_LIMIT);

    const results: EndpointThroughput[] = [];
    for (const endpoint of endpoints) {
      const probe = await probeEndpoint(mock.url, endpoint);
      const contentType = String(probe.headers['content-type']);
      const bare = await startBare({ body: probe.body, contentType, path: new URL(endpoint.path, mock.url).pathname });
      try {
        // Same path, query and headers for both: only the handler behind the route differs.
        const targets = {
          mock: { url: mock.url + endpoint.path, serverPid: mock.child.pid },
          bare: { url: bare.url + endpoint.path, serverPid: bare.child.pid },
        };
        const runs: Record<keyof typeof targets, LoadRun[]> = { mock: [], bare: [] };
        for (const side of RUN_ORDER) {
          log(`  ${endpoint.name}: ${side} run ${runs[side].length + 1}…`);
          runs[side].push(await runLoad({ ...targets[side], headers: endpoint.headers, ...requestShape(endpoint), ...settings }));
        }
        const mockLoad = combineRuns(runs.mock);
        const bareLoad = combineRuns(runs.bare);
        results.push({
          name: endpoint.name,
          path: endpoint.path.split('?')[0]!,
          contentType,
          bodyBytes: Buffer.byteLength(probe.body),
          mock: mockLoad,
          bare: bareLoad,
          ratio: mockLoad.requestsPerSecond / bareLoad.requestsPerSecond,
        });
      } finally {
        await bare.child.stop();
      }
    }
    return results;
  } finally {
    await mock.child.stop();
  }
}
