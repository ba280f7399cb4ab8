import type { TransportRequest } from './wire-transport.js';

/**
 * How one call is aborted (its timeout, the caller's signal). A transport gets the `AbortSignal`
 * its interface promises, but only made when it reads it: an AbortSignal costs ~7 µs of CPU to
 * create and a listener more, thousands of times a second in the worker. The built-in undici
 * transport reads none and registers a callback here instead (`callAbortOf`).
 */
export class CallAbort {
  private controller: AbortController | null = null;
  private listener: ((reason: unknown) => void) | null = null;
  private abortReason: unknown = undefined;
  private done = false;

  get aborted(): boolean {
    return this.done;
  }

  get reason(): unknown {
    return this.abortReason;
  }

  /** A real signal, made on first use, aborted already if the call was. */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.done) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.done) return;
    this.done = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    const listener = this.listener;
    this.listener = null;
    listener?.(reason);
  }

  /** One listener (the transport's), or null to drop it. */
  onAbort(listener: ((reason: unknown) => void) | null): void {
    this.listener = listener;
  }
}

const CALL_ABORT = Symbol('concur-partner-client call abort');

/** The request a transport is given: its own, enumerable `signal` is made only if read. */
export function transportRequest(method: string, url: URL, headers: Record<string, string>, body: string | undefined, abort: CallAbort): TransportRequest {
  if (body === undefined) {
    return { method, url, headers, get signal() { return abort.signal; }, [CALL_ABORT]: abort } as TransportRequest;
  }
  return { method, url, headers, body, get signal() { return abort.signal; }, [CALL_ABORT]: abort } as TransportRequest;
}

/** The call's CallAbort when `send` made the request (not for a request a wrapping transport rebuilt). */
export function callAbortOf(request: TransportRequest): CallAbort | undefined {
  return (request as TransportRequest & { [CALL_ABORT]?: CallAbort })[CALL_ABORT];
}
