import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createConcurClient,
  createUndiciTransport,
  InvalidOptionsError,
  MalformedResponseError,
  NetworkError,
  TimeoutError,
  UnauthorizedError,
  type ConcurClient,
  type ConcurClientInput,
  type Transport,
} from 'concur-partner-client';
import { SOURCE_NODE_ARGS } from '../../support/node-args.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A bare node:http server on loopback whose behaviour each case sets; nothing of the client's, no nock. */
describe('the undici and fetch transports fail alike', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler = (_req, res) => res.end();
  const sockets = new Set<Socket>();
  let connections = 0;
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const made: ConcurClient[] = [];
  const make = (transport: 'undici' | 'fetch', extra: Partial<ConcurClientInput> = {}) => {
    const client = createConcurClient({ baseUrl, consumerKey: 'key', consumerSecret: 'secret', retry: false, timeoutMs: 2_000, transport, ...extra });
    made.push(client);
    return client;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        handler(req, res, body);
      });
    });
    server.on('connection', (socket) => {
      connections++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((c) => c.close()));
    seen.length = 0;
    connections = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const token = { Access_Token: { Instance_Url: 'https://www.concursolutions.com/', Token: 'tok', Expiration_date: '1/1/2030 1:00:00 AM', Refresh_Token: 'ref' } };

  describe.each(['undici', 'fetch'] as const)('%s', (transport) => {
    it('maps a connection reset to NetworkError', async () => {
      handler = (req) => req.socket.destroy();
      const error = await make(transport).refreshAccessToken('ref').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ name: 'NetworkError', method: 'GET' });
      // Credentials stay out of the message, whichever transport failed.
      expect((error as Error).message).not.toContain('=secret');
      expect((error as Error).message).toContain('client_secret=REDACTED');
    });

    it('maps a refused connection to NetworkError', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const client = make(transport, { baseUrl: `http://127.0.0.1:${port}` });
      const error = await client.refreshAccessToken('ref').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as Error).message).toContain('ECONNREFUSED');
    });

    it('maps no answer, and a body that stalls, to TimeoutError with the client’s timeoutMs', async () => {
      handler = () => {};
      const client = make(transport, { timeoutMs: 100 });
      await expect(client.refreshAccessToken('ref')).rejects.toMatchObject({ name: 'TimeoutError', timeoutMs: 100 });
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"Access_Token": {');
      };
      const error = await client.refreshAccessToken('ref').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
    });

    it('rejects with the caller’s abort reason, in flight or before the call', async () => {
      handler = () => {};
      const client = make(transport);
      const controller = new AbortController();
      const reason = new Error('shutting down');
      setTimeout(() => controller.abort(reason), 30);
      await expect(client.refreshAccessToken('ref', { signal: controller.signal })).rejects.toBe(reason);
      await expect(client.refreshAccessToken('ref', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    });

    it('retries a reset like fetch does, then answers', async () => {
      let calls = 0;
      handler = (req, res, body) => (++calls === 1 ? req.socket.destroy() : json(200, token)(req, res, body));
      const client = make(transport, { retry: { retries: 2, initialDelayMs: 0, maxDelayMs: 0 } });
      await expect(client.refreshAccessToken('ref')).resolves.toMatchObject({ token: 'tok', refreshToken: 'ref' });
      expect(calls).toBe(2);
    });

    it('hands a redirect back instead of following it', async () => {
      handler = (_req, res) => {
        res.writeHead(302, { location: '/elsewhere' });
        res.end();
      };
      await expect(make(transport).refreshAccessToken('ref')).rejects.toBeInstanceOf(MalformedResponseError);
      expect(seen.map((s) => s.url.split('?')[0])).toEqual(['/net2/oauth2/getaccesstoken.ashx']);
    });

    it('reads a body that starts with a UTF-8 byte-order mark as if it had none', async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(token))]));
      };
      await expect(make(transport).refreshAccessToken('ref')).resolves.toMatchObject({ token: 'tok', refreshToken: 'ref' });
    });

    it('reads status, headers and body alike: an error envelope with its correlation id and Retry-After', async () => {
      handler = json(401, { Error: { Message: 'Invalid token', Id: 'E1' } }, { 'concur-correlationid': 'corr-1', 'retry-after': '3' });
      const error = await make(transport).refreshAccessToken('ref').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect(error).toMatchObject({ status: 401, concurMessage: 'Invalid token', errorId: 'E1', correlationId: 'corr-1', retryAfterMs: 3_000 });
    });
  });

  it('undici inside a transport that rebuilds each request: the copy’s signal still times the call out and aborts it', async () => {
    const inner = createUndiciTransport();
    const copying: Transport = { request: (request) => inner.request({ ...request, headers: { ...request.headers, 'x-copied': 'yes' } }) };
    const client = createConcurClient({ baseUrl, consumerKey: 'key', consumerSecret: 'secret', retry: false, timeoutMs: 100, transport: copying });
    try {
      handler = json(200, token);
      await expect(client.refreshAccessToken('ref')).resolves.toMatchObject({ token: 'tok' });
      expect(seen.at(-1)!.headers['x-copied']).toBe('yes');
      handler = () => {};
      await expect(client.refreshAccessToken('ref')).rejects.toMatchObject({ name: 'TimeoutError', timeoutMs: 100 });
      const reason = new Error('shutting down');
      const controller = new AbortController();
      setTimeout(() => controller.abort(reason), 30);
      await expect(client.refreshAccessToken('ref', { signal: controller.signal })).rejects.toBe(reason);
    } finally {
      await inner.close!();
    }
  });

  it('sends the same request line, headers and body on both', async () => {
    handler = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    const wire: unknown[] = [];
    for (const transport of ['undici', 'fetch'] as const) {
      const client = make(transport);
      await client.revokeToken('admin', 'tok');
      await client.connectionRequests('admin').update('id-1', 'CRSUC', 'Welcome');
      // A 204 is no token: only what went out matters here.
      await client.passwordLogin('user@corp.example', 'pw').catch(() => {});
      const CLIENT_HEADERS = ['accept', 'authorization', 'content-type', 'content-length', 'user-agent'];
      wire.push(seen.splice(0).map(({ method, url, headers, body }) => ({ method, url, body, headers: Object.fromEntries(CLIENT_HEADERS.map((h) => [h, headers[h]])) })));
    }
    expect(wire[0]).toEqual(wire[1]);
    expect(wire[0]).toMatchObject([{ method: 'POST', headers: { 'content-length': '0' } }, { method: 'PUT', body: expect.stringContaining('CRSUC') }, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }]);
  }, 10_000);

  it('undici keeps its sockets alive across calls; close() ends them', async () => {
    handler = json(200, token);
    const before = new Set(sockets);
    const client = make('undici');
    for (let i = 0; i < 10; i++) await client.refreshAccessToken('ref');
    // Not one connection a call: undici (as fetch) settles on one or two for sequential calls.
    expect(connections).toBeLessThanOrEqual(2);
    const own = () => [...sockets].filter((s) => !before.has(s)).length;
    expect(own()).toBe(connections);
    await client.close();
    await expect.poll(own).toBe(0);
  });

  it('an unclosed undici client keeps no process alive', async () => {
    // The server asks for a minute of keep-alive: a ref'd idle socket would hold the child that long.
    handler = json(200, token, { 'keep-alive': 'timeout=60' });
    server.keepAliveTimeout = 70_000;
    const script = `import { createConcurClient } from 'concur-partner-client';
      const c = createConcurClient({ baseUrl: ${JSON.stringify(baseUrl)}, consumerKey: 'k', consumerSecret: 's' });
      await c.refreshAccessToken('ref'); console.log('done');`;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, [...SOURCE_NODE_ARGS, '--input-type=module', '-e', script], { timeout: 20_000 });
    expect(stdout.trim()).toBe('done');
    // The server keeps the socket open; undici's idle socket must not hold the child's event loop.
    expect(Date.now() - started).toBeLessThan(15_000);
    server.keepAliveTimeout = 5_000;
  }, 30_000);
});

describe('the transport option', () => {
  const base = { baseUrl: 'https://concur.test', consumerKey: 'k', consumerSecret: 's' };

  it('refuses what cannot work, naming it', () => {
    expect(() => createConcurClient({ ...base, transport: 'http2' as never })).toThrow(InvalidOptionsError);
    expect(() => createConcurClient({ ...base, transport: 'http2' as never })).toThrow(/transport must be 'undici', 'fetch'/);
    expect(() => createConcurClient({ ...base, transport: {} as never })).toThrow(/transport must be/);
    expect(() => createConcurClient({ ...base, transport: 'undici', fetch: globalThis.fetch })).toThrow(/fetch is used only with transport 'fetch'/);
  });

  it('uses an injected transport as given, and leaves closing it to its owner', async () => {
    let closed = 0;
    const requests: string[] = [];
    const transport: Transport = {
      request: async ({ method, url, headers }) => {
        requests.push(`${method} ${url.pathname} ${headers['Accept']}`);
        return { status: 200, text: '{"Access_Token":{"Token":"t","Expiration_date":"1/1/2030 1:00:00 AM"}}', header: (name) => (name === 'content-type' ? 'application/json' : null) };
      },
      close: async () => void closed++,
    };
    const client = createConcurClient({ ...base, transport });
    await expect(client.refreshAccessToken('r')).resolves.toMatchObject({ token: 't' });
    expect(requests).toEqual(['GET /net2/oauth2/getaccesstoken.ashx application/json']);
    await client.close();
    expect(closed).toBe(0);
  });

  it('a fetch option alone selects fetch', async () => {
    let called = 0;
    const fetch: typeof globalThis.fetch = async () => {
      called++;
      return new Response(null, { status: 204 });
    };
    await createConcurClient({ ...base, fetch }).revokeToken('a', 't');
    expect(called).toBe(1);
  });
});
