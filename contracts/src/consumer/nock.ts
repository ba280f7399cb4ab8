import nock from 'nock';
import { exampleValues } from '../fixtures/bind-variables.js';
import type { FixtureSet, LoadedInteraction } from '../fixtures/fixture-types.js';
import { loadFixtures } from '../fixtures/load-fixtures.js';
import type { Mismatch } from '../matching/mismatch.js';
import { exampleResponse, type ExampleResponse } from './example-response.js';
import { matchConsumerRequest } from './match-request.js';
import { consumerUsage, type ConsumerUsage } from './usage-registry.js';

export interface InterceptOptions {
  /** Where the client under test sends requests; default: the `baseUrl` variable's example. */
  baseUrl?: string;
  /** How many requests the interceptor answers (default 1); `persist` answers any number. */
  times?: number;
  persist?: boolean;
  fixtures?: FixtureSet;
  usage?: ConsumerUsage;
}

export interface ContractInterceptor {
  key: string;
  interaction: LoadedInteraction;
  /** What the interceptor answers with. */
  response: ExampleResponse;
  scope: nock.Scope;
  isDone(): boolean;
  /** Requests to this interaction's path that did not match it, and why (newest last). */
  rejected(): { path: string; mismatches: Mismatch[] }[];
}

/**
 * A nock interceptor that answers exactly what the provider was verified to answer, for
 * a request that matches the fixture's (path, query, the named headers, body; variables at
 * their examples). A near miss is remembered with its mismatches so a failing client test
 * can say why: see `explainUnmatched`.
 */
export function interceptInteraction(key: string, options: InterceptOptions = {}): ContractInterceptor {
  const fixtures = options.fixtures ?? loadFixtures();
  const interaction = fixtures.interactions.find((i) => i.key === key);
  if (!interaction) throw new Error(`no contract interaction '${key}' (known: ${fixtures.interactions.map((i) => i.key).join(', ')})`);
  const examples = exampleValues(fixtures.variables);
  const base = new URL(options.baseUrl ?? examples['baseUrl']!);
  const basePath = base.pathname.replace(/\/+$/, '');
  examples['baseUrl'] = `${base.origin}${basePath}`;
  const response = exampleResponse(interaction.response, examples);
  const usage = options.usage ?? consumerUsage;
  const rejected: { path: string; mismatches: Mismatch[] }[] = [];
  const expectedPath = basePath + interaction.request.path.split('{{')[0]!;

  const scope = nock(base.origin);
  if (options.persist) scope.persist();
  const interceptor = scope.intercept(
    // A cheap first filter on the path's fixed part keeps unrelated requests out of the diagnostics.
    (uri: string) => uri.split('?')[0]!.startsWith(expectedPath),
    interaction.request.method,
    function (this: { path?: string; headers?: Record<string, unknown> }, body: unknown) {
      const url = new URL(this.path ?? '/', base.origin);
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(this.headers ?? {})) headers[k.toLowerCase()] = v === undefined ? undefined : String(v);
      const mismatches = matchConsumerRequest(
        interaction.request,
        { method: interaction.request.method, path: url.pathname.slice(basePath.length) || '/', query: url.searchParams, headers, body: body === '' ? undefined : body },
        examples,
      );
      if (mismatches.length > 0) rejected.push({ path: url.pathname, mismatches });
      return mismatches.length === 0;
    },
  );
  if (!options.persist) interceptor.times(options.times ?? 1);
  interceptor.reply(() => {
    usage.record(interaction.key);
    return [response.status, response.body, response.headers];
  });
  return { key, interaction, response, scope, isDone: () => scope.isDone(), rejected: () => [...rejected] };
}

export function interceptInteractions(keys: readonly string[], options: InterceptOptions = {}): ContractInterceptor[] {
  return keys.map((key) => interceptInteraction(key, options));
}

/** A consumer test's call did not reach every interaction it was run through. */
export class InteractionsNotUsedError extends Error {
  override name = 'InteractionsNotUsedError';
}

/**
 * Runs `call` (your client's code) with the interactions' interceptors in place, then insists
 * every one of them answered: a client that sent something else (or nothing) fails with each
 * near miss explained. Works in any test runner; answers what `call` answered.
 */
export async function throughInteractions<T>(keys: string | readonly string[], call: () => Promise<T>, options: InterceptOptions = {}): Promise<T> {
  const interceptors = interceptInteractions(typeof keys === 'string' ? [keys] : keys, options);
  try {
    return await call();
  } finally {
    const missed = interceptors.filter((i) => !i.isDone());
    // eslint-disable-next-line no-unsafe-finally -- on purpose: an unanswered contract is the failure to report
    if (missed.length > 0) throw new InteractionsNotUsedError(`not answered: ${missed.map((i) => i.key).join(', ')}\n${explainUnmatched(interceptors)}`);
  }
}

/** Why no interceptor took a request: each near miss with its mismatches, for a test's failure message. */
export function explainUnmatched(interceptors: readonly ContractInterceptor[]): string {
  const lines: string[] = [];
  for (const i of interceptors) {
    for (const r of i.rejected()) lines.push(`${i.key} did not match ${r.path}:`, ...r.mismatches.map((m) => `  ${m.where}: ${m.message}`));
  }
  return lines.length > 0 ? lines.join('\n') : 'no interceptor saw a request to its path';
}

/** The example values consumers configure their client with (consumer key, tokens …). */
export function contractExamples(fixtures: FixtureSet = loadFixtures()): Record<string, string> {
  return exampleValues(fixtures.variables);
}
