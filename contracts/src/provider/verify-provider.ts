import { exampleValues } from '../fixtures/bind-variables.js';
import type { FixtureSet, LoadedInteraction } from '../fixtures/fixture-types.js';
import { loadFixtures } from '../fixtures/load-fixtures.js';
import { placeholderUses } from '../fixtures/placeholder-uses.js';
import { MissingVariableError } from '../fixtures/placeholders.js';
import type { Mismatch } from '../matching/mismatch.js';
import { BASE_VARIABLES } from '../provider-states/base-variables.js';
import { describeState, stateDeclaration } from '../provider-states/state-declarations.js';
import { stateHandler, StateUnavailable, type StateContext } from '../provider-states/state-handlers.js';
import { checkAgainstSwagger, swaggerTarget } from '../swagger/swagger-schema.js';
import { buildRequest } from './build-request.js';
import { checkResponse } from './check-response.js';
import type { ConcurCredentials } from './credentials.js';
import { HttpFailure, redactQuery, send, type Fetch } from './http.js';
import { MockControl } from './mock-control.js';
import { MockPartnerContext, sandboxVariables } from './partner-context.js';

export interface VerifyOptions {
  /** Where the provider listens, e.g. `http://127.0.0.1:8080` or `https://www.concursolutions.com`. */
  baseUrl: string;
  /** For a real Concur sandbox; ignored by the mock, where the verifier registers its own. */
  credentials?: ConcurCredentials;
  /** Default: every fixture under contracts/interactions/. */
  fixtures?: FixtureSet;
  /** Only the interactions whose `family/id` key passes. */
  filter?: (key: string) => boolean;
  fetch?: Fetch;
  /** Per HTTP call; default 10 s. */
  timeoutMs?: number;
  /** Called as each interaction finishes (the CLI prints progress with it). */
  onResult?: (result: InteractionResult) => void;
  /** The mock's control token, when it guards its control API with one (a container does). Default: env MOCK_CONTROL_TOKEN. */
  mockControlToken?: string;
}

export type Outcome = 'passed' | 'failed' | 'skipped' | 'error';

export interface InteractionResult {
  key: string;
  name: string;
  outcome: Outcome;
  /** Why it was skipped or could not run. */
  reason?: string;
  mismatches: Mismatch[];
  /** The provider states as arranged, with their params filled in. */
  states: string[];
  durationMs: number;
}

export interface VerificationReport {
  baseUrl: string;
  target: 'mock' | 'other';
  results: InteractionResult[];
  counts: Record<Outcome, number>;
  /** True when nothing failed or errored; skipped interactions are listed, never passed. */
  ok: boolean;
}

const SECRET_BASE_VARIABLES = new Set(BASE_VARIABLES.filter((v) => v.secret).map((v) => v.name));

/**
 * Replays every interaction against a provider and reports, per interaction, what differed.
 * Provider states are arranged through `/_mock/` when the target is the mock; against
 * anything else an interaction whose states or variables cannot be had is skipped with the
 * reason.
 */
export async function verifyProvider(options: VerifyOptions): Promise<VerificationReport> {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fixtures = options.fixtures ?? loadFixtures();
  const isMock = await MockControl.detect(baseUrl, fetchImpl, timeoutMs);
  const control = isMock ? new MockControl(baseUrl, fetchImpl, timeoutMs, options.mockControlToken ?? (process.env['MOCK_CONTROL_TOKEN'] || undefined)) : undefined;
  const partner = control ? new MockPartnerContext(control) : undefined;
  const credentials = options.credentials ?? {};
  const examples = exampleValues(fixtures.variables);

  const results: InteractionResult[] = [];
  for (const interaction of fixtures.interactions) {
    if (options.filter && !options.filter(interaction.key)) continue;
    const started = performance.now();
    const partial = await verifyOne(interaction);
    const result = { ...partial, key: interaction.key, name: interaction.name, durationMs: Math.round(performance.now() - started) };
    results.push(result);
    options.onResult?.(result);
  }
  const counts: Record<Outcome, number> = { passed: 0, failed: 0, skipped: 0, error: 0 };
  for (const r of results) counts[r.outcome]++;
  return { baseUrl, target: isMock ? 'mock' : 'other', results, counts, ok: counts.failed === 0 && counts.error === 0 };

  async function verifyOne(interaction: LoadedInteraction): Promise<Omit<InteractionResult, 'key' | 'name' | 'durationMs'>> {
    const given = interaction.given ?? [];
    const states = given.map((g) => describeState(g.state, g.params));
    const done = (outcome: Outcome, extra: { reason?: string; mismatches?: Mismatch[] } = {}) => ({ outcome, states, mismatches: extra.mismatches ?? [], ...(extra.reason ? { reason: extra.reason } : {}) });

    const mockOnly = given.find((g) => stateDeclaration(g.state)?.mockOnly);
    if (!isMock && mockOnly) return done('skipped', { reason: `state '${describeState(mockOnly.state, mockOnly.params)}' needs the mock's control API (/_mock), which ${baseUrl} does not serve` });

    const secrets = new Map<string, string>();
    let values: Record<string, string>;
    try {
      values = partner ? await partner.forInteraction(baseUrl) : sandboxVariables(baseUrl, credentials);
      const missing = missingBaseVariables(interaction, values);
      if (missing.length > 0) return done(isMock ? 'error' : 'skipped', { reason: `needs ${missing.join(', ')}` });
      for (const [name, value] of Object.entries(values)) if (SECRET_BASE_VARIABLES.has(name)) secrets.set(value, name);
      if (credentials.adminToken) secrets.set(credentials.adminToken, 'adminToken');
      for (const ref of given) {
        const context: StateContext = { baseUrl, variables: values, credentials, fetch: fetchImpl, timeoutMs, ...(control && partner ? { mock: { control, partner } } : {}) };
        const provided = await stateHandler(ref.state)(context, ref.params ?? {});
        for (const [name, value] of Object.entries(provided)) secrets.set(value, name);
        values = { ...values, ...provided };
      }
    } catch (error) {
      if (error instanceof StateUnavailable) return done(isMock ? 'error' : 'skipped', { reason: `state not arranged: ${error.message}` });
      return done('error', { reason: `arranging the provider states failed: ${(error as Error).message}` });
    }

    const redact = (text: string) => redactSecrets(text, secrets);
    try {
      const request = buildRequest(interaction.request, baseUrl, values);
      const response = await send(fetchImpl, request.url, request.init, timeoutMs);
      // Matcher examples may name variables no state of this interaction provides; the declared examples fill those.
      const checked = checkResponse(interaction.response, response, { ...examples, ...values });
      const mismatches = [...checked.mismatches];
      const target = swaggerTarget(interaction.request.method, new URL(request.url).pathname, response.status);
      if (target && checked.body && response.status === interaction.response.status) {
        for (const v of checkAgainstSwagger(target, checked.body)) mismatches.push({ where: `swagger ${v.path}`, message: v.message });
      }
      return done(mismatches.length === 0 ? 'passed' : 'failed', { mismatches: mismatches.map((m) => ({ where: m.where, message: redact(m.message) })) });
    } catch (error) {
      if (error instanceof MissingVariableError) return done(isMock ? 'error' : 'skipped', { reason: `needs {{${error.variable}}}` });
      if (error instanceof HttpFailure) return done('error', { reason: redact(error.message) });
      return done('error', { reason: redact(`${(error as Error).message} (${redactQuery(baseUrl + interaction.request.path)})`) });
    }
  }
}

/** Base variables the interaction needs but the target's credentials did not supply, named with their flag and variable. */
function missingBaseVariables(interaction: LoadedInteraction, values: Readonly<Record<string, string>>): string[] {
  const missing = new Set<string>();
  for (const use of placeholderUses(interaction)) {
    if (!use.needsValue || values[use.variable] !== undefined) continue;
    const base = BASE_VARIABLES.find((v) => v.name === use.variable);
    if (!base) continue;
    if (base.flag) missing.add(`{{${base.name}}} (${base.flag} or ${base.env})`);
    else if (base.name === 'adminBasicCredentials') missing.add('{{adminBasicCredentials}} (--admin-login and --admin-password)');
    else missing.add(`{{${base.name}}}`);
  }
  return [...missing];
}

/** Every secret the run handled, replaced by its variable's name: reports are safe to paste. */
function redactSecrets(text: string, secrets: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [value, name] of secrets) if (value.length >= 6) out = out.split(value).join(`‹${name}›`);
  return out;
}
