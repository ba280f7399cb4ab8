/**
 * Sandboxes are isolated worlds (property, then examples): whatever runs in one world (the root,
 * the default sandbox, or `/sandboxes/{id}`) leaves every other world exactly as if it had
 * not happened.
 *
 * The property draws a few worlds of one mock (two or more: the root in some runs, up to three
 * sandboxes, each with its own per-world options), and a random sequence of operations, each
 * tagged with the world it runs in, all through `inject()`. Each world's transcript (every
 * answer's status, relevant headers and normalised body, and after each of its steps its
 * health, clock, journal, connection requests, tokens and fault rules) must equal the transcript
 * of the same operations run alone on a fresh mock. Some operations use another world's
 * secrets (an access or refresh token, a request token, a connection-request id): in an
 * isolated world these are strings like any other, so "alone" replays the very same string.
 */
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { MockConcurInput, SandboxOptions } from 'mock-concur';
import { Browser } from '../../support/inject-browser.js';
import { basic, concurError, DAY, DEMO, HOUR, MIN, mockConcur, T0 } from '../../support/mock.js';

// ---------------------------------------------------------------------------------------------
// Worlds

/** One world of a running mock: the root ('' prefix) or a sandbox (`/sandboxes/{id}`). */
interface Handle {
  app: FastifyInstance;
  prefix: string;
}

/** The root's per-world options (the sandboxes inherit what their body leaves out). */
type RootSpec = Pick<MockConcurInput, 'seed' | 'demoTravelers' | 'queueMode' | 'authFailureStatus' | 'jsonErrors' | 'legacyWriteStatus' | 'singleUseRequestTokens' | 'requestTokenTtlMs'> & { clockStartMs: number };

type TargetSpec = { kind: 'root' } | { kind: 'sandbox'; body: SandboxOptions };

const CLOCK_STARTS = [T0, T0 + 7 * DAY * 1000 + 1234, Date.UTC(2027, 5, 1, 12, 30, 0)];

async function call(h: Handle, opts: InjectOptions & { url: string }): Promise<LightMyRequestResponse> {
  return h.app.inject({ ...opts, url: h.prefix + opts.url });
}

async function createSandbox(app: FastifyInstance, body: SandboxOptions): Promise<Handle> {
  const res = await app.inject({ method: 'POST', url: '/_mock/sandboxes', payload: body });
  if (res.statusCode !== 201) throw new Error(`sandbox not made: ${res.statusCode} ${res.body}`);
  const { id, path } = res.json<{ id: string; path: string }>();
  expect(path).toBe(`/sandboxes/${id}`);
  return { app, prefix: path };
}

// ---------------------------------------------------------------------------------------------
// Operations

type Format = 'json' | 'xml';
type PoolName = 'access' | 'refresh' | 'codes' | 'ids';
/** Which secret an operation uses: `foreign` 0 is the world's own, k > 0 the k-th other world's; `pick` indexes the pool. */
interface Ref {
  foreign: number;
  pick: number;
}

type ListOp = { kind: 'list'; version: '3.2' | '3.0'; limit: number; status: string | null; token: Ref };
type NativeOp = { kind: 'native'; app: 'demo' | 'other'; login: 'admin' | 'traveler' | 'wrong-password'; format: Format };
type Op =
  | NativeOp
  | ListOp
  | { kind: 'get'; token: Ref; id: Ref }
  | { kind: 'put'; version: '3.2' | '3.0'; token: Ref; id: Ref; code: string }
  | { kind: 'create'; loginId: string }
  | { kind: 'createMany'; count: number }
  | { kind: 'advance'; seconds: number }
  | { kind: 'fault'; method: string; path: string; status: number; times: number; probability: number | null; probe: NativeOp | ListOp | null }
  | { kind: 'reset' }
  | { kind: 'exchange'; code: Ref; format: Format }
  | { kind: 'refresh'; token: Ref; format: Format }
  | { kind: 'revoke'; token: Ref; victim: Ref }
  | { kind: 'delete'; token: Ref; id: Ref }
  | { kind: 'v0password'; login: 'admin' | 'traveler' }
  | { kind: 'v0client' }
  | { kind: 'v0refresh'; token: Ref };

interface Step {
  target: number;
  op: Op;
}

/** What a world has been told so far, raw: its tokens, request tokens and connection-request ids. */
type Pools = Record<PoolName, string[]>;

/** Stand-ins for an empty pool: the same constant in the interleaved run and alone. */
const UNKNOWN = {
  codes: '0_NeverIssuedRequestToken000000',
  token: '0_NeverIssuedToken000000000000000000000000000',
  ids: '00000000-0000-4000-8000-000000000000',
} as const;

const CLIENT = `client_id=${DEMO.app.consumerKey}&client_secret=${DEMO.app.consumerSecret}`;
const accept = (format: Format) => (format === 'json' ? 'application/json' : 'application/xml');

// ---------------------------------------------------------------------------------------------
// Normalisation: what differs between two worlds by design (random ids and tokens, the path
// prefix) is replaced by the order in which the world first showed it.

/**
 * Random values become `<kindN>`, N the order of first appearance in this world's transcript:
 * the k-th token a world was given reads the same in both runs. The world's own prefix reads
 * `/sandboxes/<self>` (so a URL missing it still shows), any other sandbox's `/sandboxes/<other>`.
 */
class Namer {
  private readonly names = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly prefix: string) {}

  normalise(text: string): string {
    let out = this.prefix === '' ? text : text.split(this.prefix).join('/sandboxes/<self>');
    out = out.replace(/\/sandboxes\/[A-Za-z0-9_-]{22}/g, '/sandboxes/<other>');
    return out.replace(
      /(eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)|(0_[A-Za-z0-9_-]{20,})|([A-Za-z0-9_-]{4}…[A-Za-z0-9_-]{3})|([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|((?<=traveler\d+\.)[0-9a-f]{8}(?=@))/g,
      (match: string, jwt?: string, token?: string, masked?: string, uuid?: string) => {
        if (jwt) return `${this.name('jwt', jwt)}${this.normalise(jwtClaims(jwt))}`;
        return this.name(token ? 'tok' : masked ? 'masked' : uuid ? 'uuid' : 'bulk', match);
      },
    );
  }

  private name(kind: string, value: string): string {
    let name = this.names.get(value);
    if (name === undefined) {
      const n = (this.counts.get(kind) ?? 0) + 1;
      this.counts.set(kind, n);
      name = `<${kind}${n}>`;
      this.names.set(value, name);
    }
    return name;
  }
}

/** A JWT's claims, compared like any body: the issuer (the world's base URL) and the subject in particular. */
function jwtClaims(jwt: string): string {
  try {
    return Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8');
  } catch {
    return '<not a JWT>';
  }
}

interface Answer {
  status: number;
  type: string | null;
  headers: Record<string, string>;
  body: string;
}

interface Entry {
  step: number;
  op: string;
  answers: Answer[];
  observed: Record<string, string>;
}

/** One world as one run drives it. */
class Side {
  readonly pools: Pools = { access: [], refresh: [], codes: [], ids: [] };
  readonly namer: Namer;
  readonly transcript: Entry[] = [];

  constructor(
    readonly name: string,
    readonly handle: Handle,
  ) {
    this.namer = new Namer(handle.prefix);
  }

  answer(res: LightMyRequestResponse): Answer {
    const headers: Record<string, string> = {};
    for (const name of ['www-authenticate', 'retry-after', 'allow']) {
      const value = res.headers[name];
      if (value !== undefined) headers[name] = this.namer.normalise(String(value));
    }
    const type = res.headers['content-type'];
    return { status: res.statusCode, type: type === undefined ? null : String(type).split(';')[0]!, headers, body: this.namer.normalise(res.body) };
  }

  add(pool: PoolName, value: string | undefined | null): void {
    if (typeof value === 'string' && value !== '' && !this.pools[pool].includes(value)) this.pools[pool].push(value);
  }

  /** The world's control API read back: everything a test could observe of its state. */
  async observe(): Promise<Record<string, string>> {
    const get = async (url: string) => {
      const res = await call(this.handle, { url });
      return `${res.statusCode} ${this.namer.normalise(res.body)}`;
    };
    const requests = await call(this.handle, { url: '/_mock/connection-requests?limit=1000' });
    // Every request the world holds is one a step may PUT next, listed or not.
    for (const item of requests.json<{ items: { id: string }[] }>().items) this.add('ids', item.id);
    const journal = await call(this.handle, { url: '/_mock/journal' });
    // durationMs is machine time; everything else in an entry is the world's.
    const entries = journal.json<Record<string, unknown>[]>().map(({ durationMs: _d, ...rest }) => rest);
    return {
      health: await get('/_mock/health'),
      clock: await get('/_mock/clock'),
      journal: `${journal.statusCode} ${this.namer.normalise(JSON.stringify(entries))}`,
      connectionRequests: `${requests.statusCode} ${this.namer.normalise(requests.body)}`,
      tokens: await get('/_mock/tokens'),
      faults: await get('/_mock/faults'),
    };
  }
}

type Resolve = (pool: PoolName, ref: Ref) => string | null;

const pickFrom = (list: readonly string[], pick: number): string | null => (list.length === 0 ? null : list[pick % list.length]!);

function harvestTokens(side: Side, res: LightMyRequestResponse): void {
  if (res.statusCode !== 200) return;
  if (String(res.headers['content-type']).includes('json')) {
    const body = res.json<{ Access_Token?: { Token?: string; Refresh_Token?: string } }>();
    side.add('access', body.Access_Token?.Token);
    side.add('refresh', body.Access_Token?.Refresh_Token);
  } else {
    side.add('access', /<Token>([^<]+)<\/Token>/.exec(res.body)?.[1]);
    side.add('refresh', /<Refresh_Token>([^<]+)<\/Refresh_Token>/.exec(res.body)?.[1]);
  }
}

function harvestList(side: Side, res: LightMyRequestResponse, format: Format): void {
  if (res.statusCode !== 200) return;
  if (format === 'json') {
    const body = res.json<{ Items: { ID: string; requestToken: string | null }[] }>();
    for (const item of body.Items) {
      side.add('ids', item.ID);
      side.add('codes', item.requestToken);
    }
  } else {
    for (const m of res.body.matchAll(/<ID>([^<]+)<\/ID>/g)) side.add('ids', m[1]);
    for (const m of res.body.matchAll(/<RequestToken>([^<]+)<\/RequestToken>/g)) side.add('codes', m[1]);
  }
}

function auth(token: string | null): Record<string, string> {
  return token === null ? {} : { authorization: `OAuth ${token}` };
}

/** Runs one operation in one world; answers what the world answered, in order. */
async function runOp(side: Side, op: Op, resolve: Resolve): Promise<Answer[]> {
  const h = side.handle;
  switch (op.kind) {
    case 'native': {
      const user = op.login === 'traveler' ? DEMO.traveler : DEMO.admin;
      const password = op.login === 'wrong-password' ? 'not-the-password' : user.password;
      const consumerKey = op.app === 'demo' ? DEMO.app.consumerKey : DEMO.otherApp.consumerKey;
      const res = await call(h, { url: '/net2/oauth2/accesstoken.ashx', headers: { authorization: basic(user.loginId, password), 'x-consumerkey': consumerKey, accept: accept(op.format) } });
      harvestTokens(side, res);
      return [side.answer(res)];
    }
    case 'list': {
      const format: Format = op.version === '3.2' ? 'json' : 'xml';
      const query = `?limit=${op.limit}${op.status ? `&status=${op.status}` : ''}`;
      const res = await call(h, { url: `/api/v${op.version}/common/connectionrequests${query}`, headers: { ...auth(resolve('access', op.token)), accept: accept(format) } });
      harvestList(side, res, format);
      return [side.answer(res)];
    }
    case 'get': {
      const token = resolve('access', op.token);
      const id = resolve('ids', op.id) ?? UNKNOWN.ids;
      return [side.answer(await call(h, { url: `/api/v3.2/common/connectionrequests/${id}`, headers: { ...auth(token), accept: 'application/json' } }))];
    }
    case 'put': {
      const token = resolve('access', op.token);
      const id = resolve('ids', op.id) ?? UNKNOWN.ids;
      const url = `/api/v${op.version}/common/connectionrequests/${id}`;
      const res =
        op.version === '3.2'
          ? await call(h, { method: 'PUT', url, headers: { ...auth(token), 'content-type': 'application/json', accept: 'application/json' }, payload: { status: op.code } })
          : await call(h, { method: 'PUT', url, headers: { ...auth(token), 'content-type': 'application/xml' }, payload: `<ConnectionRequest><Message>isolation</Message><Status>${op.code}</Status></ConnectionRequest>` });
      return [side.answer(res)];
    }
    case 'create':
    case 'createMany': {
      const payload = op.kind === 'create' ? { loginId: op.loginId } : { count: op.count };
      const res = await call(h, { method: 'POST', url: '/_mock/connection-requests', payload });
      if (res.statusCode === 201) for (const id of res.json<{ ids: string[] }>().ids) side.add('ids', id);
      return [side.answer(res)];
    }
    case 'advance':
      return [side.answer(await call(h, { method: 'POST', url: '/_mock/clock/advance', payload: { seconds: op.seconds } }))];
    case 'fault': {
      const rule: Record<string, unknown> = { method: op.method, path: op.path, status: op.status, times: op.times };
      if (op.status === 429) rule['retryAfterSeconds'] = 30;
      if (op.probability !== null) rule['probability'] = op.probability;
      const answers = [side.answer(await call(h, { method: 'POST', url: '/_mock/faults', payload: rule }))];
      if (op.probe) answers.push(...(await runOp(side, op.probe, resolve)));
      return answers;
    }
    case 'reset':
      return [side.answer(await call(h, { method: 'POST', url: '/_mock/reset' }))];
    case 'exchange': {
      const code = resolve('codes', op.code) ?? UNKNOWN.codes;
      const res = await call(h, { url: `/net2/oauth2/getaccesstoken.ashx?code=${encodeURIComponent(code)}&${CLIENT}`, headers: { accept: accept(op.format) } });
      harvestTokens(side, res);
      return [side.answer(res)];
    }
    case 'refresh': {
      const refresh = resolve('refresh', op.token) ?? UNKNOWN.token;
      const res = await call(h, { url: `/net2/oauth2/getaccesstoken.ashx?refresh_token=${encodeURIComponent(refresh)}&${CLIENT}`, headers: { accept: accept(op.format) } });
      harvestTokens(side, res);
      return [side.answer(res)];
    }
    case 'delete': {
      const token = resolve('access', op.token);
      const id = resolve('ids', op.id) ?? UNKNOWN.ids;
      return [side.answer(await call(h, { method: 'DELETE', url: `/api/v3.0/common/connectionrequests/${id}`, headers: auth(token) }))];
    }
    case 'v0password':
    case 'v0client':
    case 'v0refresh': {
      let grant: string;
      if (op.kind === 'v0client') grant = 'grant_type=client_credentials';
      else if (op.kind === 'v0refresh') grant = `grant_type=refresh_token&refresh_token=${encodeURIComponent(resolve('refresh', op.token) ?? UNKNOWN.token)}`;
      else {
        const user = op.login === 'admin' ? DEMO.admin : DEMO.traveler;
        grant = `grant_type=password&username=${encodeURIComponent(user.loginId)}&password=${user.password}`;
      }
      const res = await call(h, { method: 'POST', url: '/oauth2/v0/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `${grant}&${CLIENT}` });
      if (res.statusCode === 200) {
        const body = res.json<{ access_token: string; refresh_token?: string }>();
        side.add('access', body.access_token);
        side.add('refresh', body.refresh_token);
      }
      return [side.answer(res)];
    }
    case 'revoke': {
      const token = resolve('access', op.token);
      const victim = resolve('access', op.victim) ?? UNKNOWN.token;
      return [side.answer(await call(h, { method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=${encodeURIComponent(victim)}`, headers: { ...auth(token), accept: 'application/json' } }))];
    }
  }
}

/** The other world a foreign ref names: never the world itself. */
const otherIndex = (self: number, foreign: number, n: number) => (self + 1 + ((foreign - 1) % (n - 1))) % n;

/**
 * The interleaved run: every world in one mock, steps in the drawn order. Foreign secrets are
 * resolved against the other worlds as they stand and recorded, step by step, for the runs alone.
 */
async function interleaved(sides: Side[], steps: Step[], recorded: (string | null)[][]): Promise<void> {
  const n = sides.length;
  for (const [index, { target, op }] of steps.entries()) {
    const side = sides[target]!;
    const literals: (string | null)[] = (recorded[index] = []);
    const resolve: Resolve = (pool, ref) => {
      if (ref.foreign === 0) return pickFrom(side.pools[pool], ref.pick);
      const value = pickFrom(sides[otherIndex(target, ref.foreign, n)]!.pools[pool], ref.pick);
      literals.push(value);
      return value;
    };
    side.transcript.push({ step: index, op: describeOp(op), answers: await runOp(side, op, resolve), observed: await side.observe() });
  }
}

/** One world's steps alone; a foreign secret is the very string the interleaved run sent. */
async function alone(side: Side, target: number, steps: Step[], recorded: (string | null)[][]): Promise<void> {
  for (const [index, step] of steps.entries()) {
    if (step.target !== target) continue;
    const literals = recorded[index]!;
    let next = 0;
    const resolve: Resolve = (pool, ref) => {
      if (ref.foreign === 0) return pickFrom(side.pools[pool], ref.pick);
      if (next >= literals.length) throw new Error(`step ${index} asked for more foreign secrets alone than interleaved`);
      return literals[next++]!;
    };
    side.transcript.push({ step: index, op: describeOp(step.op), answers: await runOp(side, step.op, resolve), observed: await side.observe() });
  }
}

function describeOp(op: Op): string {
  return JSON.stringify(op);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const clockStartArb = fc.constantFrom(...CLOCK_STARTS);
const seedArb = fc.constantFrom(1, 2, 42);
const travellersArb = fc.constantFrom(0, 2, 6);
const queueModeArb = fc.constantFrom('peek' as const, 'lease' as const);
const authFailureArb = fc.constantFrom(401 as const, 403 as const);
const jsonErrorsArb = fc.constantFrom('wrapped' as const, 'flat' as const);
const legacyWriteArb = fc.constantFrom(204 as const, 200 as const);

const rootArb: fc.Arbitrary<RootSpec> = fc.record({
  seed: seedArb,
  demoTravelers: travellersArb,
  queueMode: queueModeArb,
  authFailureStatus: authFailureArb,
  jsonErrors: jsonErrorsArb,
  legacyWriteStatus: legacyWriteArb,
  singleUseRequestTokens: fc.boolean(),
  requestTokenTtlMs: fc.constantFrom(60_000, 15 * 60_000),
  clockStartMs: clockStartArb,
});

/** A sandbox's body: any subset of the per-world options, over the root's; its clock is always pinned. */
const sandboxBodyArb: fc.Arbitrary<SandboxOptions> = fc
  .tuple(
    fc.record(
      {
        seed: seedArb,
        travelers: travellersArb,
        queueMode: queueModeArb,
        authFailureStatus: authFailureArb,
        jsonErrors: jsonErrorsArb,
        legacyWriteStatus: legacyWriteArb,
        reusableRequestTokens: fc.boolean(),
        requestTokenTtl: fc.constantFrom(1, 15),
        clock: fc.constant('manual' as const),
      },
      { requiredKeys: [] },
    ),
    clockStartArb,
  )
  .map(([body, start]) => ({ ...body, clockStart: new Date(start).toISOString() }));

/**
 * Two to four worlds (mostly two or three: every world costs a fresh mock for its run alone),
 * the root among them in about half the runs.
 */
const targetsArb: fc.Arbitrary<TargetSpec[]> = fc
  .tuple(fc.boolean(), fc.oneof({ weight: 5, arbitrary: fc.constant(2) }, { weight: 3, arbitrary: fc.constant(3) }, { weight: 1, arbitrary: fc.constant(4) }))
  .chain(([withRoot, count]) =>
    fc.array(sandboxBodyArb, { minLength: count - (withRoot ? 1 : 0), maxLength: count - (withRoot ? 1 : 0) }).map((bodies) => [...(withRoot ? [{ kind: 'root' as const }] : []), ...bodies.map((body) => ({ kind: 'sandbox' as const, body }))]),
  );

/** Mostly the first of a pool (a world's first token is usually its administrator's), else any. */
const pickArb = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 30 }) });
const ownRef = fc.record({ foreign: fc.constant(0), pick: pickArb });
const anyRef = fc.record({ foreign: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }), pick: pickArb });
const formatArb = fc.constantFrom<Format>('json', 'xml');

const nativeArb: fc.Arbitrary<NativeOp> = fc.record({
  kind: fc.constant('native' as const),
  app: fc.constantFrom('demo' as const, 'demo' as const, 'other' as const),
  login: fc.constantFrom('admin' as const, 'admin' as const, 'admin' as const, 'traveler' as const, 'wrong-password' as const),
  format: formatArb,
});
const listArb: fc.Arbitrary<ListOp> = fc.record({
  kind: fc.constant('list' as const),
  version: fc.constantFrom('3.2' as const, '3.0' as const),
  limit: fc.integer({ min: 1, max: 10 }),
  status: fc.constantFrom(null, null, null, 'Connected', 'Failed', 'Retry', 'Processing'),
  token: anyRef,
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: nativeArb },
  { weight: 6, arbitrary: listArb },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('get' as const), token: ownRef, id: anyRef }) },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('put' as const), version: fc.constantFrom('3.2' as const, '3.2' as const, '3.0' as const), token: ownRef, id: anyRef, code: fc.constantFrom('CRSUC', 'CREU1', 'CREU2', 'CRRET', 'CRPA1', 'CRPA2', 'BOGUS') }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), loginId: fc.constantFrom(DEMO.traveler.loginId, DEMO.admin.loginId, 'nobody@demo.example') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('createMany' as const), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.constantFrom(1, MIN + 1, 15 * MIN + 1, HOUR + 1, DAY + 1) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('fault' as const),
      method: fc.constantFrom('*', 'GET', 'PUT'),
      path: fc.constantFrom('/api/v3.2/common/connectionrequests', '/api/v3.2/*', '/api/v3.0/common/connectionrequests*', '/net2/oauth2/accesstoken.ashx', '/net2/oauth2/*', '*'),
      status: fc.constantFrom(503, 500, 429),
      times: fc.integer({ min: 1, max: 2 }),
      probability: fc.constantFrom(null, null, 0.5),
      probe: fc.option(fc.oneof(nativeArb, listArb), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('exchange' as const), code: anyRef, format: formatArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refresh' as const), token: anyRef, format: formatArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), token: ownRef, victim: anyRef }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), token: ownRef, id: anyRef }) },
);

/**
 * The Authentication API (`/oauth2/v0`) in some runs only: its first token makes the mock's
 * RSA key, which costs a fresh mock a few hundred milliseconds.
 */
const oauth2OpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('v0password' as const), login: fc.constantFrom('admin' as const, 'admin' as const, 'traveler' as const) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'v0client' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('v0refresh' as const), token: anyRef }) },
);

/**
 * Most worlds first get their administrator's token (so that most API calls get past
 * authentication), then up to 25 steps, each in one of the `worlds`.
 */
const ADMIN_TOKEN: NativeOp = { kind: 'native', app: 'demo', login: 'admin', format: 'json' };
const stepsArb = (worlds: number, oauth2: boolean): fc.Arbitrary<Step[]> =>
  fc
    .tuple(
      fc.array(fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), { minLength: worlds, maxLength: worlds }),
      fc.array(fc.record({ target: fc.nat({ max: worlds - 1 }), op: oauth2 ? fc.oneof({ weight: 6, arbitrary: opArb }, { weight: 1, arbitrary: oauth2OpArb }) : opArb }), { minLength: 1, maxLength: 25, size: 'max' }),
    )
    .map(([warm, steps]) => [...warm.flatMap((w, target) => (w ? [{ target, op: ADMIN_TOKEN }] : [])), ...steps]);

const scenarioArb = fc
  .tuple(rootArb, targetsArb, fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }))
  .chain(([root, targets, oauth2]) => stepsArb(targets.length, oauth2).map((steps) => ({ root, targets, steps })));

const NAMES = ['A', 'B', 'C'];

// ---------------------------------------------------------------------------------------------
// The property

describe('sandbox isolation (property)', () => {
  /**
   * The reference for a world is the same operations alone in a fresh mock built with the root
   * options of the interleaved run: the root itself for the root, and for a sandbox a sandbox
   * made in it with the very same body. Only that sandbox ever runs in that mock, so the one
   * difference from the interleaved run is the presence of the other worlds, which is the
   * property. (A fresh mock built from "equivalent" options would also test that a sandbox
   * equals a root, a different claim that would need a hand-written mapping from body to options,
   * including what a sandbox inherits from its root.) Every clock is manual and pinned, so
   * absolute times are compared too, not only offsets; a system clock would tie every answer's
   * times to when it ran.
   */
  it('leaves every world, root or sandbox, as if its operations had run alone on a fresh mock', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ root, targets, steps }) => {
        const apps: FastifyInstance[] = [];
        const fresh = async () => {
          const app = await mockConcur(root);
          apps.push(app);
          return app;
        };
        try {
          const shared = await fresh();
          const run: Side[] = [];
          let sandboxes = 0;
          for (const t of targets) {
            run.push(t.kind === 'root' ? new Side('root', { app: shared, prefix: '' }) : new Side(`sandbox ${NAMES[sandboxes++]}`, await createSandbox(shared, t.body)));
          }
          const recorded: (string | null)[][] = [];
          await interleaved(run, steps, recorded);

          for (const [i, t] of targets.entries()) {
            const app = await fresh();
            const side = new Side(run[i]!.name, t.kind === 'root' ? { app, prefix: '' } : await createSandbox(app, t.body));
            await alone(side, i, steps, recorded);
            const mine = run[i]!;
            // An untouched world, or one whose last step came before others' steps, is read once more at the end.
            mine.transcript.push({ step: steps.length, op: 'final read', answers: [], observed: await mine.observe() });
            side.transcript.push({ step: steps.length, op: 'final read', answers: [], observed: await side.observe() });
            for (const [k, entry] of mine.transcript.entries()) {
              expect(entry, `${mine.name}: its step ${k} (#${entry.step} of the run, ${entry.op}) differs from the same steps alone`).toEqual(side.transcript[k]);
            }
            expect(mine.transcript.length).toBe(side.transcript.length);
          }
        } finally {
          await Promise.all(apps.map((a) => a.close()));
        }
      }),
      // 40 runs take about 8 s on an idle machine, most of it building fresh mocks (Ajv compiles
      // every route's schema); ISOLATION_RUNS=300 for a longer hunt. The timeout is for a loaded machine.
      { numRuns: Number(process.env['ISOLATION_RUNS'] ?? 40) },
    );
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Examples: the leaks one would expect, each checked directly.

describe('sandbox isolation (examples)', () => {
  const NEVER_ISSUED = '0_' + 'Q'.repeat(44);
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  /** A mock with its root and two sandboxes; each world's admin token. */
  async function threeWorlds() {
    const app = await mockConcur({ demoTravelers: 3 });
    const root: Handle = { app, prefix: '' };
    const a = await createSandbox(app, { clockStart: new Date(T0).toISOString() });
    const b = await createSandbox(app, { clockStart: new Date(T0).toISOString() });
    const admin = async (h: Handle) => {
      const res = await call(h, { url: '/net2/oauth2/accesstoken.ashx', headers: { authorization: basic(DEMO.admin.loginId, DEMO.admin.password), 'x-consumerkey': DEMO.app.consumerKey, accept: 'application/json' } });
      expect(res.statusCode).toBe(200);
      return res.json<{ Access_Token: { Token: string; Refresh_Token: string } }>().Access_Token;
    };
    return { app, root, a, b, admin };
  }

  /** Status and message: what tells a known secret from an unknown one (Id and Server-Time are per answer). */
  const outcome = (res: LightMyRequestResponse) => ({ status: res.statusCode, message: res.statusCode >= 400 ? concurError(res).Message : null });
  const oauth2Outcome = (res: LightMyRequestResponse) => ({ status: res.statusCode, body: res.statusCode >= 400 ? res.json<unknown>() : null });
  const list = (h: Handle, token: string, scheme = 'OAuth') => call(h, { url: '/api/v3.2/common/connectionrequests', headers: { authorization: `${scheme} ${token}`, accept: 'application/json' } });

  it('knows an access token only in the world that issued it', async () => {
    const { app, root, a, b, admin } = await threeWorlds();
    try {
      const { Token: token } = await admin(a);
      const unknown = outcome(await list(root, NEVER_ISSUED));
      expect(unknown).toEqual({ status: 403, message: 'Invalid access token' });
      expect(outcome(await list(root, token))).toEqual(unknown);
      expect(outcome(await list(b, token))).toEqual(unknown);
      expect((await list(a, token)).statusCode).toBe(200);
      // Revoking it elsewhere finds nothing to revoke, and it still works where it belongs.
      const rootAdmin = (await admin(root)).Token;
      const revoked = await call(root, { method: 'POST', url: `/net2/oauth2/revoketoken.ashx?token=${token}`, headers: { authorization: `OAuth ${rootAdmin}` } });
      expect(revoked.statusCode).toBe(200);
      const journal = (await call(root, { url: '/_mock/journal' })).json<{ note?: string }[]>();
      expect(journal.at(-1)?.note).toBe('token not found for this app; nothing revoked');
      expect((await list(a, token)).statusCode).toBe(200);
      // /_mock/tokens lists a world's own tokens only.
      expect((await call(root, { url: '/_mock/tokens' })).json<unknown[]>()).toHaveLength(1);
      expect((await call(b, { url: '/_mock/tokens' })).json<unknown[]>()).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it('refreshes a refresh token only in the world that issued it', async () => {
    const { app, root, a, b, admin } = await threeWorlds();
    try {
      const { Refresh_Token: refresh } = await admin(a);
      const refreshAt = (h: Handle, token: string) => call(h, { url: `/net2/oauth2/getaccesstoken.ashx?refresh_token=${token}&${CLIENT}`, headers: { accept: 'application/json' } });
      const unknown = outcome(await refreshAt(root, NEVER_ISSUED));
      expect(unknown).toEqual({ status: 400, message: 'Invalid refresh token' });
      expect(outcome(await refreshAt(root, refresh))).toEqual(unknown);
      expect(outcome(await refreshAt(b, refresh))).toEqual(unknown);
      expect((await refreshAt(a, refresh)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('exchanges a request token (code) only in the world that issued it', async () => {
    const { app, root, a, b, admin } = await threeWorlds();
    try {
      const page = (await list(a, (await admin(a)).Token)).json<{ Items: { requestToken: string }[] }>();
      const code = page.Items[0]!.requestToken;
      expect(code).toMatch(/^0_/);
      const exchangeAt = (h: Handle, c: string) => call(h, { url: `/net2/oauth2/getaccesstoken.ashx?code=${c}&${CLIENT}`, headers: { accept: 'application/json' } });
      const unknown = outcome(await exchangeAt(root, '0_' + 'Q'.repeat(30)));
      expect(unknown).toEqual({ status: 400, message: 'Invalid request token' });
      // Single use: a leak would spend it here, and the exchange in A would then fail.
      expect(outcome(await exchangeAt(root, code))).toEqual(unknown);
      expect(outcome(await exchangeAt(b, code))).toEqual(unknown);
      expect((await exchangeAt(a, code)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('knows a connection request only in the world that made it', async () => {
    const { app, root, a, b, admin } = await threeWorlds();
    try {
      // Made at run time: its id is random (the seeded ones are the seed's, equal in worlds of one seed).
      const made = await call(a, { method: 'POST', url: '/_mock/connection-requests', payload: { loginId: DEMO.traveler.loginId } });
      expect(made.statusCode).toBe(201);
      const [id] = made.json<{ ids: string[] }>().ids;
      for (const h of [root, b]) {
        const token = (await admin(h)).Token;
        const put = await call(h, { method: 'PUT', url: `/api/v3.2/common/connectionrequests/${id}`, headers: { authorization: `OAuth ${token}`, 'content-type': 'application/json' }, payload: { status: 'CRSUC' } });
        expect(outcome(put)).toEqual({ status: 404, message: `Connection request not found: ${id}` });
        const got = await call(h, { url: `/api/v3.2/common/connectionrequests/${id}`, headers: { authorization: `OAuth ${token}`, accept: 'application/json' } });
        expect(got.statusCode).toBe(404);
        expect((await call(h, { url: `/_mock/connection-requests/${id}` })).statusCode).toBe(404);
        // The traveller has no open request there: the world's own can still be made.
        expect((await call(h, { method: 'POST', url: '/_mock/connection-requests', payload: { loginId: DEMO.traveler.loginId } })).statusCode).toBe(201);
      }
      const token = (await admin(a)).Token;
      const put = await call(a, { method: 'PUT', url: `/api/v3.2/common/connectionrequests/${id}`, headers: { authorization: `OAuth ${token}`, 'content-type': 'application/json' }, payload: { status: 'CRSUC' } });
      expect(put.statusCode).toBe(204);
      expect((await call(a, { url: `/_mock/connection-requests/${id}` })).json<{ status: string }>().status).toBe('Connected');
    } finally {
      await app.close();
    }
  });

  it('honours /oauth2/v0 tokens only in the world that issued them, though every world signs with one key', async () => {
    const { app, root, a, b } = await threeWorlds();
    try {
      const grant = `grant_type=password&${CLIENT}&username=${encodeURIComponent(DEMO.admin.loginId)}&password=${DEMO.admin.password}`;
      const issued = await call(a, { method: 'POST', url: '/oauth2/v0/token', headers: form, payload: grant });
      expect(issued.statusCode).toBe(200);
      const { access_token: jwt, refresh_token: refresh } = issued.json<{ access_token: string; refresh_token: string }>();
      const otherJwt = (await call(b, { method: 'POST', url: '/oauth2/v0/token', headers: form, payload: grant })).json<{ access_token: string }>().access_token;
      expect(otherJwt).not.toBe(jwt);
      // A JWT of another world verifies against the shared key; it must still be unknown here.
      const unknownHere = outcome(await list(root, NEVER_ISSUED, 'Bearer'));
      expect(outcome(await list(root, jwt, 'Bearer'))).toEqual(unknownHere);
      expect(outcome(await list(b, jwt, 'Bearer'))).toEqual(unknownHere);
      expect((await list(a, jwt, 'Bearer')).statusCode).toBe(200);
      const end = (h: Handle, token: string) => call(h, { method: 'DELETE', url: '/app-mgmt/v0/connections', headers: { authorization: `Bearer ${token}` } });
      const unknownEnd = oauth2Outcome(await end(root, NEVER_ISSUED));
      expect(oauth2Outcome(await end(root, jwt))).toEqual(unknownEnd);
      const refreshAt = (h: Handle, token: string) => call(h, { method: 'POST', url: '/oauth2/v0/token', headers: form, payload: `grant_type=refresh_token&${CLIENT}&refresh_token=${token}` });
      const unknownRefresh = oauth2Outcome(await refreshAt(root, NEVER_ISSUED));
      expect(unknownRefresh.status).toBe(400);
      expect(oauth2Outcome(await refreshAt(root, refresh))).toEqual(unknownRefresh);
      expect(oauth2Outcome(await refreshAt(b, refresh))).toEqual(unknownRefresh);
      expect((await refreshAt(a, refresh)).statusCode).toBe(200);
      // The issuer named in a sandbox's tokens is the sandbox.
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { iss: string };
      expect(claims.iss).toBe(`http://localhost:80${a.prefix}`);
    } finally {
      await app.close();
    }
  });

  it('fires a fault rule only in the world it was added to', async () => {
    const { app, root, a, b, admin } = await threeWorlds();
    try {
      const tokens = new Map<Handle, string>();
      for (const h of [root, a, b]) tokens.set(h, (await admin(h)).Token);
      const rule = await call(a, { method: 'POST', url: '/_mock/faults', payload: { path: '/api/v3.2/common/connectionrequests', status: 503, times: 1 } });
      expect(rule.statusCode).toBe(201);
      expect((await list(root, tokens.get(root)!)).statusCode).toBe(200);
      expect((await list(b, tokens.get(b)!)).statusCode).toBe(200);
      expect((await call(root, { url: '/_mock/faults' })).json()).toEqual([]);
      expect((await call(b, { url: '/_mock/faults' })).json()).toEqual([]);
      // Still armed in A: the root's and B's calls did not use up its one time.
      expect((await list(a, tokens.get(a)!)).statusCode).toBe(503);
      expect((await list(a, tokens.get(a)!)).statusCode).toBe(200);
      // And the other way round: the root's rule does not fire in a sandbox.
      await call(root, { method: 'POST', url: '/_mock/faults', payload: { path: '*', status: 500 } });
      expect((await list(a, tokens.get(a)!)).statusCode).toBe(200);
      expect((await list(root, tokens.get(root)!)).statusCode).toBe(500);
      const faulted = (h: Handle) => call(h, { url: '/_mock/journal' }).then((r) => r.json<{ fault?: string }[]>().filter((e) => e.fault !== undefined).length);
      expect([await faulted(root), await faulted(a), await faulted(b)]).toEqual([1, 1, 0]);
    } finally {
      await app.close();
    }
  });

  it('signs a user in to the pages of one world only, whatever cookie name carries the session', async () => {
    const { app, root, a, b } = await threeWorlds();
    try {
      // The jar ignores cookie paths: this browser sends A's session cookie to every world.
      const browser = new Browser(app);
      const signInPage = await browser.request('GET', `${a.prefix}/signin`);
      const signedIn = await browser.request('POST', `${a.prefix}/signin`, { _csrf: browser.csrf(signInPage), loginId: DEMO.traveler.loginId, password: DEMO.traveler.password, returnTo: `${a.prefix}/appcenter` });
      expect(signedIn.statusCode).toBe(303);
      const session = (signedIn.cookies as { name: string; value: string }[]).find((c) => c.name.startsWith('concur_mock_session'));
      expect(session?.name).toBe(`concur_mock_session_${a.prefix.slice('/sandboxes/'.length)}`);
      expect((await browser.request('GET', `${a.prefix}/appcenter`)).statusCode).toBe(200);
      const signInFirst = async (h: Handle) => {
        const res = await browser.request('GET', `${h.prefix}/appcenter`);
        return [res.statusCode, String(res.headers.location)];
      };
      expect(await signInFirst(root)).toEqual([303, `/signin?returnTo=${encodeURIComponent('/appcenter')}`]);
      expect(await signInFirst(b)).toEqual([303, `${b.prefix}/signin?returnTo=${encodeURIComponent(`${b.prefix}/appcenter`)}`]);
      // Nor does the cookie's value sign anyone in under the names the root and B read.
      browser.setCookie('concur_mock_session', session!.value);
      browser.setCookie(`concur_mock_session_${b.prefix.slice('/sandboxes/'.length)}`, session!.value);
      expect((await signInFirst(root))[0]).toBe(303);
      expect((await signInFirst(b))[0]).toBe(303);
      expect((await browser.request('GET', `${a.prefix}/appcenter`)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("moves only the advanced world's clock", async () => {
    const { app, root, a, b, admin } = await threeWorlds();
    try {
      const clock = async (h: Handle) => (await call(h, { url: '/_mock/clock' })).json<{ nowMs: number; offsetSeconds: number }>();
      // B hands out a request token (15 minutes) before A's clock moves a day.
      const code = (await list(b, (await admin(b)).Token)).json<{ Items: { requestToken: string }[] }>().Items[0]!.requestToken;
      expect((await call(a, { method: 'POST', url: '/_mock/clock/advance', payload: { seconds: DAY } })).statusCode).toBe(200);
      expect(await clock(a)).toMatchObject({ nowMs: T0 + DAY * 1000, offsetSeconds: DAY });
      expect(await clock(b)).toMatchObject({ nowMs: T0, offsetSeconds: 0 });
      expect(await clock(root)).toMatchObject({ nowMs: T0, offsetSeconds: 0 });
      expect((await call(b, { url: `/net2/oauth2/getaccesstoken.ashx?code=${code}&${CLIENT}`, headers: { accept: 'application/json' } })).statusCode).toBe(200);
      await call(root, { method: 'POST', url: '/_mock/clock/advance', payload: { seconds: HOUR } });
      expect((await clock(a)).offsetSeconds).toBe(DAY);
      expect((await clock(b)).offsetSeconds).toBe(0);
      // A reset keeps a world's clock, and only that world's state goes.
      await call(root, { method: 'POST', url: '/_mock/reset' });
      expect((await clock(root)).offsetSeconds).toBe(HOUR);
      expect((await call(b, { url: '/_mock/tokens' })).json<unknown[]>()).toHaveLength(2);
    } finally {
      await app.close();
    }
  });
});
