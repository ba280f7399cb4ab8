/**
 * What a stored token costs, measured in this one process through the `TokenService` API
 * (no HTTP: the store alone):
 *
 *   - bytes per live access token under a refresh load: one grant refreshed N times (each
 *     legacy refresh stores a new year-long access token), heap used plus array buffers
 *     (typed-array tables live outside the JS heap) after gc, growth ÷ N;
 *   - bytes per exchange: N request tokens issued and exchanged (each leaves a spent request
 *     token, a refresh token and an access token), the same way;
 *   - CPU µs per `refresh` call (process.cpuUsage over a loop on a warm service, the median
 *     of five rounds).
 *
 * Run: node --expose-gc --conditions=@mock-concur/source --import tsx bench/token-memory.ts
 * Prints each number with PASS or MISS against its target, then one JSON line.
 * `measureTokenMemory` is exported; it takes the service class, so an older implementation
 * can be measured side by side in the same run.
 */
import { pathToFileURL } from 'node:url';
import { TokenService, YEAR_MS, type TokenPolicy } from '../mock-concur/src/domain/token-service.js';
import { settledMemory } from './lib/settled-memory.js';
import { formatTable, verdict } from './lib/table.js';

export const BYTES_PER_TOKEN_TARGET = 200;
/**
 * The refresh's CPU with the `Map` store the tables replaced, measured side by side on the
 * 2-core machine of issue 16 (Node 20: 3.8-3.9 µs): a refresh must not get slower.
 */
export const REFRESH_CPU_US_TARGET = 3.9;

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const POLICY: TokenPolicy = { requestTokenTtlMs: 15 * 60_000, accessTokenTtlMs: YEAR_MS, singleUseRequestTokens: true };

/** The part of the service's API measured here (an older implementation has it too). */
export interface MeasuredTokenService {
  issueAccessToken(appKey: string, loginId: string, now: number, origin: 'native'): { refreshToken: string };
  refresh(refreshToken: string, appKey: string, now: number): { ok: boolean };
  issueRequestToken(appKey: string, loginId: string, now: number): { token: string };
  exchangeRequestToken(code: string, appKey: string, now: number): { ok: boolean };
}

export type TokenServiceClass = new (policy: TokenPolicy) => MeasuredTokenService;

export interface TokenMemoryOptions {
  refreshes: number;
  exchanges: number;
  cpuCalls: number;
}

export interface TokenMemoryResult {
  refreshes: number;
  bytesPerRefreshedToken: number;
  /** RSS growth ÷ refreshes: the process's view, pages the allocator keeps included. */
  rssBytesPerRefreshedToken: number;
  exchanges: number;
  bytesPerExchange: number;
  refreshCpuMicros: number;
  targets: Record<'bytesPerToken' | 'refreshCpu', boolean>;
}

/** Heap plus array buffers (and RSS, for reference) the service holds after `load`, ÷ `count`. */
function bytesPer(Service: TokenServiceClass, count: number, load: (service: MeasuredTokenService, count: number) => void): { bytes: number; rss: number } {
  const before = settledMemory();
  const service = new Service(POLICY);
  load(service, count);
  const after = settledMemory();
  // Keeps the service reachable until after the second reading.
  if (!service) throw new Error('unreachable');
  return { bytes: (after.bytes - before.bytes) / count, rss: (after.rss - before.rss) / count };
}

function refreshLoad(service: MeasuredTokenService, count: number): void {
  const { refreshToken } = service.issueAccessToken('app', 'user', T0, 'native');
  for (let i = 0; i < count; i++) if (!service.refresh(refreshToken, 'app', T0 + i).ok) throw new Error('refresh refused');
}

function exchangeLoad(service: MeasuredTokenService, count: number): void {
  for (let i = 0; i < count; i++) {
    const { token } = service.issueRequestToken('app', `user${i % 100}`, T0);
    if (!service.exchangeRequestToken(token, 'app', T0 + 1).ok) throw new Error('exchange refused');
  }
}

/** CPU µs per refresh: the median of a few rounds over one warm service. */
export function refreshCpuMicros(Service: TokenServiceClass, calls: number, rounds = 5): number {
  const service = new Service(POLICY);
  const { refreshToken } = service.issueAccessToken('app', 'user', T0, 'native');
  let now = T0;
  for (let i = 0; i < 20_000; i++) service.refresh(refreshToken, 'app', ++now);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) service.refresh(refreshToken, 'app', ++now);
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / calls);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

export function measureTokenMemory(options: TokenMemoryOptions, Service: TokenServiceClass = TokenService): TokenMemoryResult {
  const refreshed = bytesPer(Service, options.refreshes, refreshLoad);
  const bytesPerRefreshedToken = refreshed.bytes;
  const bytesPerExchange = bytesPer(Service, options.exchanges, exchangeLoad).bytes;
  const cpu = refreshCpuMicros(Service, options.cpuCalls);
  return {
    refreshes: options.refreshes,
    bytesPerRefreshedToken,
    rssBytesPerRefreshedToken: refreshed.rss,
    exchanges: options.exchanges,
    bytesPerExchange,
    refreshCpuMicros: cpu,
    targets: { bytesPerToken: bytesPerRefreshedToken <= BYTES_PER_TOKEN_TARGET, refreshCpu: cpu <= REFRESH_CPU_US_TARGET },
  };
}

export function printTokenMemory(result: TokenMemoryResult): void {
  console.log(formatTable(
    ['measure', 'value', 'target', ''],
    [
      [`bytes per live token (${result.refreshes.toLocaleString('en-US')} refreshes)`, result.bytesPerRefreshedToken.toFixed(1), `≤ ${BYTES_PER_TOKEN_TARGET}`, verdict(result.targets.bytesPerToken)],
      ['RSS bytes per live token (same run)', result.rssBytesPerRefreshedToken.toFixed(1), 'n/a', ''],
      [`bytes per exchange (${result.exchanges.toLocaleString('en-US')}: request + refresh + access token)`, result.bytesPerExchange.toFixed(1), 'n/a', ''],
      ['CPU µs per refresh', result.refreshCpuMicros.toFixed(2), `≤ ${REFRESH_CPU_US_TARGET}`, verdict(result.targets.refreshCpu)],
    ],
  ));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = measureTokenMemory({ refreshes: 1_000_000, exchanges: 250_000, cpuCalls: 200_000 });
  printTokenMemory(result);
  console.log(JSON.stringify(result));
}
