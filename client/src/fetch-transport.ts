import type { Transport } from './wire-transport.js';

/** The WHATWG `fetch` transport: the global one, or an injected one (tests, proxies, other runtimes). */
export function createFetchTransport(fetchImpl: typeof globalThis.fetch = (...args) => globalThis.fetch(...args)): Transport {
  return {
    async request({ method, url, headers, body, signal }) {
      const response = await fetchImpl(url, { method, headers, ...(body !== undefined ? { body } : {}), signal, redirect: 'manual' });
      // The body is read under the same signal: a server that stalls mid-body times out too.
      const text = await response.text();
      return { status: response.status, text, header: (name) => response.headers.get(name) };
    },
  };
}
