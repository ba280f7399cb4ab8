import type { IncomingHttpHeaders } from 'node:http';
import type { Agent, Dispatcher } from 'undici';
import { callAbortOf } from './call-abort.js';
import type { Transport, TransportRequest, TransportResponse } from './wire-transport.js';

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
 * undici's `Agent` (one keep-alive `Pool` per origin) through its `dispatch` API: the response
 * is collected by a handler, without the WHATWG Request/Response/stream objects that make fetch
 * cost ~250 µs of CPU a call, nor the async resource, body stream and header object that
 * `request()` builds on top of `dispatch` (~35 µs of CPU a call in the worker's profile). Idle
 * sockets are unref'd by undici, so an unclosed transport keeps no process alive; `close()`
 * ends them now. Redirects are not followed (no redirect interceptor), bodies are sent as given,
 * and undici's own header/body timeouts are off: the client's `timeoutMs` (through the signal)
 * is the one that applies, as on the fetch path.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  let opening: Promise<Agent> | undefined;
  // Once open, requests go straight to it: awaiting the settled promise costs a turn per call.
  let agent: Agent | undefined;
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
    async request(request) {
      const dispatcher = agent ?? (agent = await (opening ??= open()));
      return exchange(dispatcher, request);
    },
    async close() {
      const closing = opening;
      opening = undefined;
      agent = undefined;
      if (closing) await (await closing).close();
    },
  };
}

/**
 * One request through `dispatch`, its whole body read under the abort: aborting it (the client's
 * timeout, the caller's signal) before or during the response rejects with the abort's reason,
 * and undici drops the socket, as `request()` does. A request `send` made is aborted through its
 * CallAbort, without an AbortSignal; any other (a wrapping transport's own) through its signal.
 */
function exchange(dispatcher: Dispatcher, request: TransportRequest): Promise<TransportResponse> {
  const { method, url, headers, body } = request;
  return new Promise<TransportResponse>((resolve, reject) => {
    const abort: Abortable = callAbortOf(request) ?? signalAbort(request.signal);
    if (abort.aborted) return reject(abort.reason);
    const handler = new CollectingHandler(abort, resolve, reject);
    abort.onAbort((reason) => handler.abort(reason));
    dispatcher.dispatch(
      {
        origin: url.origin,
        path: url.pathname + url.search,
        method: method as Dispatcher.HttpMethod,
        // fetch sends `user-agent: node`; Concur sees the same caller either way.
        headers: { 'user-agent': 'node', ...headers },
        body: body ?? null,
      },
      handler,
    );
  });
}

/** What the handler needs of an abort: a CallAbort, or a signal seen through the same shape. */
interface Abortable {
  readonly aborted: boolean;
  readonly reason: unknown;
  onAbort(listener: ((reason: unknown) => void) | null): void;
}

function signalAbort(signal: AbortSignal): Abortable {
  let listener: (() => void) | null = null;
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return signal.reason as unknown;
    },
    onAbort(onAbort) {
      if (listener) signal.removeEventListener('abort', listener);
      listener = onAbort ? () => onAbort(signal.reason) : null;
      if (listener) signal.addEventListener('abort', listener, { once: true });
    },
  };
}

/**
 * undici's handler interface (`onRequestStart` … `onResponseEnd` / `onResponseError`): collects
 * status, headers and body chunks.
 */
class CollectingHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private length = 0;

  constructor(
    private readonly call: Abortable,
    private readonly resolve: (response: TransportResponse) => void,
    private readonly reject: (reason: unknown) => void,
  ) {}

  /** Before `onRequestStart` there is nothing to abort yet: it does it. */
  abort(reason: unknown): void {
    this.controller?.abort(reason as Error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.call.aborted) controller.abort(this.call.reason as Error);
    else this.controller = controller;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx informational answers come before the real one.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  onResponseEnd(): void {
    this.finish();
    const headers = this.headers;
    this.resolve({
      status: this.status,
      text: decodeUtf8(this.chunks, this.length),
      header(name) {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish();
    // An abort surfaces as the reason it was given, as with `request()`.
    this.reject(this.call.aborted ? this.call.reason : error);
  }

  private finish(): void {
    this.controller = null;
    this.call.onAbort(null);
  }
}

/** UTF-8 without a leading byte-order mark, as undici's `body.text()` decodes it. */
function decodeUtf8(chunks: Buffer[], length: number): string {
  if (length === 0) return '';
  const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  const start = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return buffer.toString('utf8', start);
}
