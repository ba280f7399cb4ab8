import type { Agent } from 'undici';
import type { Transport } from './wire-transport.js';

export interface UndiciTransportOptions {
  /** Most sockets kept open to one origin; unlimited (as global fetch) when not given. */
  connections?: number;
  /** How long an idle socket is kept for reuse, unless the server's `Keep-Alive` says less. */
  keepAliveTimeoutMs?: number;
}

// undici is loaded on the first request, not with the client: its index costs ~100 ms to load,
// which a client that uses fetch, or a CLI that only prints its help, need not pay.
let undici: Promise<typeof import('undici')> | undefined;

/**
 * undici's `Agent` (one keep-alive `Pool` per origin) through its `request` API, without the
 * WHATWG Request/Response/stream objects that make fetch cost ~250 µs of CPU a call. Idle
 * sockets are unref'd by undici, so an unclosed transport keeps no process alive; `close()`
 * ends them now. Redirects are not followed (no redirect interceptor), bodies are sent as given,
 * and undici's own header/body timeouts are off: the client's `timeoutMs` (through the signal)
 * is the one that applies, as on the fetch path.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  let agent: Promise<Agent> | undefined;
  const open = async (): Promise<Agent> => {
    const { Agent } = await (undici ??= import('undici'));
    return new Agent({
      headersTimeout: 0,
      bodyTimeout: 0,
      ...(options.connections !== undefined ? { connections: options.connections } : {}),
      ...(options.keepAliveTimeoutMs !== undefined ? { keepAliveTimeout: options.keepAliveTimeoutMs } : {}),
    });
  };
  return {
    async request({ method, url, headers, body, signal }) {
      const dispatcher = await (agent ??= open());
      const response = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        // fetch sends `user-agent: node`; Concur sees the same caller either way.
        headers: { 'user-agent': 'node', ...headers },
        body: body ?? null,
        signal,
      });
      // Read whole under the same signal (undici destroys the body stream when it aborts): a
      // server that stalls mid-body times out too, and the socket goes back to the pool.
      const text = await response.body.text();
      const raw = response.headers;
      return {
        status: response.statusCode,
        text,
        header(name) {
          const value = raw[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
      };
    },
    async close() {
      const closing = agent;
      agent = undefined;
      if (closing) await (await closing).close();
    },
  };
}
