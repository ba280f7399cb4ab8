/**
 * What the client needs from HTTP, and nothing more: one request out, its status, headers and
 * whole body back. `send` (transport.ts) owns everything else — the timeout, the caller's
 * signal, the retry policy and the mapping of failures to `NetworkError` / `TimeoutError` — so
 * every transport fails the same way.
 */
export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the exchange, reading the body included; `send` aborts it on timeout or on the caller's signal. */
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** The body, read whole (under the request's signal). */
  text: string;
  /** A response header, by name (any case), or null when absent; repeated ones joined by `, `. */
  header(name: string): string | null;
}

/**
 * An injectable transport. It must not follow redirects (a 3xx is handed back as it came), must
 * reject (with anything) when the connection fails or the signal aborts, and must not add a body
 * or a `Content-Type` the request did not carry.
 */
export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Ends pooled connections; a later request opens new ones. */
  close?(): Promise<void>;
}

/** `'undici'`: pooled keep-alive connections (the default on Node); `'fetch'`: the `fetch` option, else global fetch; or your own. */
export type TransportChoice = 'undici' | 'fetch' | Transport;
