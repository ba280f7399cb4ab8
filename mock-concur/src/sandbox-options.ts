import { MINUTE_MS } from './domain/token-service.js';
import { InvalidMockOptionsError, resolveOptions, type MockConcurOptions } from './options.js';

/**
 * What `POST /_mock/sandboxes` takes: the per-world options `npm start` takes, by their flag
 * names. Anything left out is what the root was started with; the clock is the root's kind,
 * new (a manual one starts at the machine's time, or `clockStart`).
 */
export interface SandboxOptions {
  seed?: number;
  /** How many generated travellers with pending requests (`--travelers`). */
  travelers?: number;
  clock?: 'system' | 'manual';
  /** Where a manual clock starts (ISO 8601). */
  clockStart?: string;
  queueMode?: 'peek' | 'lease';
  /** Request-token life in minutes (`--request-token-ttl`). */
  requestTokenTtl?: number;
  reusableRequestTokens?: boolean;
  tokenSpelling?: 'documented' | 'alternate';
  authFailureStatus?: 401 | 403;
  legacyWriteStatus?: 204 | 200;
  jsonErrors?: 'wrapped' | 'flat';
  allowChunked?: boolean;
  refreshTokenRotation?: 'rotate' | 'reuse';
  expiresInFormat?: 'number' | 'string';
  demoAppRedirect?: 'code' | 'requestToken';
  /** With `--state-dir`: keep this sandbox across restarts (and until it is deleted). */
  durable?: boolean;
}

/** The body's JSON schema: Fastify validates it (400 in the control API's envelope), nothing is coerced. */
export const sandboxOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    seed: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    travelers: { type: 'integer', minimum: 0, maximum: 10_000 },
    clock: { type: 'string', enum: ['system', 'manual'] },
    clockStart: { type: 'string', format: 'date-time' },
    queueMode: { type: 'string', enum: ['peek', 'lease'] },
    requestTokenTtl: { type: 'number', exclusiveMinimum: 0, maximum: 10 * 365 * 24 * 60 },
    reusableRequestTokens: { type: 'boolean' },
    tokenSpelling: { type: 'string', enum: ['documented', 'alternate'] },
    authFailureStatus: { type: 'integer', enum: [401, 403] },
    legacyWriteStatus: { type: 'integer', enum: [204, 200] },
    jsonErrors: { type: 'string', enum: ['wrapped', 'flat'] },
    allowChunked: { type: 'boolean' },
    refreshTokenRotation: { type: 'string', enum: ['rotate', 'reuse'] },
    expiresInFormat: { type: 'string', enum: ['number', 'string'] },
    demoAppRedirect: { type: 'string', enum: ['code', 'requestToken'] },
    durable: { type: 'boolean' },
  },
} as const;

/**
 * A sandbox's options: the root's, with the body's per-world ones over them. Everything about
 * the server (host names, the control token, body limits, logging) stays the root's.
 */
export function sandboxMockOptions(root: MockConcurOptions, body: SandboxOptions, stateDir: string | undefined): MockConcurOptions {
  const rootMode = typeof root.clock === 'string' ? root.clock : root.clock.mode;
  let clockStartMs: number | undefined;
  if (body.clockStart !== undefined) {
    clockStartMs = Date.parse(body.clockStart);
    if (!Number.isFinite(clockStartMs)) throw new InvalidMockOptionsError(`clockStart must be an ISO 8601 time, got ${body.clockStart.slice(0, 40)}`);
  }
  const { clockStartMs: _rootStart, stateDir: _rootDir, ...server } = root;
  return resolveOptions({
    ...server,
    queue: root.queue,
    clock: body.clock ?? rootMode,
    clockStartMs,
    stateDir,
    seed: body.seed ?? root.seed,
    demoTravelers: body.travelers ?? root.demoTravelers,
    queueMode: body.queueMode ?? root.queueMode,
    requestTokenTtlMs: body.requestTokenTtl === undefined ? root.requestTokenTtlMs : Math.max(1, Math.round(body.requestTokenTtl * MINUTE_MS)),
    singleUseRequestTokens: body.reusableRequestTokens === undefined ? root.singleUseRequestTokens : !body.reusableRequestTokens,
    tokenElementSpelling: body.tokenSpelling ?? root.tokenElementSpelling,
    authFailureStatus: body.authFailureStatus ?? root.authFailureStatus,
    legacyWriteStatus: body.legacyWriteStatus ?? root.legacyWriteStatus,
    jsonErrors: body.jsonErrors ?? root.jsonErrors,
    allowChunked: body.allowChunked ?? root.allowChunked,
    refreshTokenRotation: body.refreshTokenRotation ?? root.refreshTokenRotation,
    expiresInFormat: body.expiresInFormat ?? root.expiresInFormat,
    demoAppRedirect: body.demoAppRedirect ?? root.demoAppRedirect,
  });
}
