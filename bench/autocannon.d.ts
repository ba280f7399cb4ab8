// autocannon ships no type definitions and @types/autocannon is not a dependency: this
// declares only the part of its programmatic API that the benchmark uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    method?: string;
    headers?: Record<string, string>;
    /** Seconds before a request counts as a timeout. */
    timeout?: number;
    body?: string;
    /** A fixed number of requests instead of a duration. */
    amount?: number;
    /** Requests to send in turn; `setupRequest` may rewrite each one just before it is sent. */
    requests?: RequestTemplate[];
  }

  export interface RequestTemplate {
    method: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: RequestTemplate) => RequestTemplate;
  }

  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  }

  export interface Result {
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    /** Milliseconds, recorded in whole milliseconds. */
    latency: Histogram;
    /** Per-second samples of completed requests. */
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }

  /** An event emitter (`response`, `done`, `error`) that is also a promise of the result. */
  export interface Instance extends EventEmitter, PromiseLike<Result> {
    /** `responseTime` is a float in milliseconds (process.hrtime based). */
    on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    stop(): void;
  }

  export default function autocannon(options: Options): Instance;
}
