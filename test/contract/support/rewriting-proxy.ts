import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RewritingProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A tiny HTTP proxy in front of a real provider that can change what it answers: how the
 * tests build a deliberately wrong provider without touching the mock. `rewrite` sees the
 * request's method and path and returns the response to send (or null to answer 404).
 */
export async function startRewritingProxy(target: string, rewrite: (request: { method: string; path: string }, response: ProxiedResponse) => ProxiedResponse | null = (_, r) => r): Promise<RewritingProxy> {
  const server: Server = createServer((req, res) => {
    void forward(req).then(
      (answer) => {
        const rewritten = rewrite({ method: req.method ?? 'GET', path: req.url ?? '/' }, answer);
        if (!rewritten) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
          return;
        }
        res.writeHead(rewritten.status, rewritten.headers).end(rewritten.body);
      },
      (error: Error) => res.writeHead(502, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
  async function forward(req: IncomingMessage): Promise<ProxiedResponse> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && name !== 'content-length') headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection') out[name] = value;
    });
    return { status: upstream.status, headers: out, body: await upstream.text() };
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
