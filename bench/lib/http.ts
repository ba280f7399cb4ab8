import http from 'node:http';

/**
 * A minimal HTTP/1.1 client on node:http. The benchmark times single requests, so it avoids
 * fetch (undici) and its per-call overhead: what is measured should be the server.
 */

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Reuse connections (keep-alive); without one each request opens and closes a socket. */
  agent?: http.Agent;
  /** Milliseconds until the request is abandoned. */
  timeoutMs?: number;
}

export function httpRequest(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error(`the benchmark only talks to 127.0.0.1, not ${target.hostname}`);
  return new Promise((resolve, reject) => {
    const request = http.request(
      target,
      {
        method: options.method ?? 'GET',
        headers: { ...options.headers, ...(options.body === undefined ? {} : { 'content-length': Buffer.byteLength(options.body) }) },
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${options.method ?? 'GET'} ${target.pathname} timed out`)));
    request.on('error', reject);
    request.end(options.body);
  });
}

/** One kept-alive connection: sequential requests then measure the server, not TCP setup. */
export function keepAliveAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}

/** Fails with the status and the start of the body unless the answer is `expected`. */
export function expectStatus(response: HttpResponse, expected: number, what: string): HttpResponse {
  if (response.status !== expected) throw new Error(`${what}: expected HTTP ${expected}, got ${response.status}: ${response.body.slice(0, 300)}`);
  return response;
}
