import { seededRandom } from '../domain/seeded-random.js';

/**
 * Fault rules for a route: latency, an HTTP status, a connection reset or a malformed body,
 * for a number of times and with a seeded probability, so a flaky run can be replayed.
 */
export interface FaultRuleInput {
  /** HTTP method, or `*` for any. */
  method?: string;
  /** Path pattern, case-insensitive; `*` matches any run of characters. */
  path: string;
  latencyMs?: number;
  status?: number;
  /** Seconds for a Retry-After header on a status fault. */
  retryAfterSeconds?: number;
  reset?: boolean;
  malformedBody?: boolean;
  /** How many matching requests to affect; unlimited when absent. */
  times?: number;
  /** Chance (0–1) that a matching request is affected; 1 when absent. */
  probability?: number;
  /** Seed of the rule's own random sequence (for `probability`). */
  seed?: number;
}

export interface FaultRule extends Required<Pick<FaultRuleInput, 'method' | 'path' | 'probability' | 'seed'>> {
  readonly id: string;
  readonly latencyMs: number;
  readonly status: number | null;
  readonly retryAfterSeconds: number | null;
  readonly reset: boolean;
  readonly malformedBody: boolean;
  /** Affected requests left, or null for unlimited. */
  remaining: number | null;
  hits: number;
}

interface LiveRule {
  rule: FaultRule;
  random: () => number;
}

/** How many used-up rules `list()` still shows (with their hits), oldest dropped first. */
const SPENT_SHOWN = 1000;

export class FaultRules {
  /** Rules that can still fire: the only ones `match` scans. */
  private rules: LiveRule[] = [];
  /** Rules whose `times` ran out, kept for `list()` only, at most SPENT_SHOWN. */
  private spent: FaultRule[] = [];
  private nextId = 1;

  /** Whether any rule can still fire: lets the hot path skip matching entirely. */
  get active(): boolean {
    return this.rules.length > 0;
  }

  /** Rules that can still fire. */
  get size(): number {
    return this.rules.length;
  }

  add(input: FaultRuleInput): FaultRule {
    const seed = input.seed ?? this.nextId;
    const rule: FaultRule = {
      id: `fault-${this.nextId++}`,
      method: (input.method ?? '*').toUpperCase(),
      path: input.path,
      latencyMs: input.latencyMs ?? 0,
      status: input.status ?? null,
      retryAfterSeconds: input.retryAfterSeconds ?? null,
      reset: input.reset ?? false,
      malformedBody: input.malformedBody ?? false,
      probability: input.probability ?? 1,
      seed,
      remaining: input.times ?? null,
      hits: 0,
    };
    this.rules.push({ rule, random: seededRandom(seed) });
    return rule;
  }

  /** The first rule that fires for this request, counting it against `times`. */
  match(method: string, path: string): FaultRule | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const live = this.rules[i]!;
      const { rule } = live;
      if (rule.method !== '*' && rule.method !== method.toUpperCase()) continue;
      if (!globMatches(rule.path, path)) continue;
      if (rule.probability < 1 && live.random() >= rule.probability) continue;
      if (rule.remaining !== null) rule.remaining--;
      rule.hits++;
      // A used-up rule leaves the rule set at once: dead rules cost matching nothing.
      if (rule.remaining === 0) this.retire(i);
      return rule;
    }
    return undefined;
  }

  /** Live rules, then the most recent used-up ones, in the order they were added. */
  list(): FaultRule[] {
    return [...this.spent, ...this.rules.map((l) => l.rule)].sort((a, b) => idNumber(a) - idNumber(b));
  }

  remove(id: string): boolean {
    const before = this.rules.length + this.spent.length;
    this.rules = this.rules.filter((l) => l.rule.id !== id);
    this.spent = this.spent.filter((r) => r.id !== id);
    return this.rules.length + this.spent.length < before;
  }

  clear(): void {
    this.rules = [];
    this.spent = [];
  }

  private retire(index: number): void {
    const [live] = this.rules.splice(index, 1);
    this.spent.push(live!.rule);
    if (this.spent.length > SPENT_SHOWN) this.spent.splice(0, this.spent.length - SPENT_SHOWN);
  }
}

function idNumber(rule: FaultRule): number {
  return Number(rule.id.slice('fault-'.length));
}

/**
 * Case-insensitive match where `*` is any run of characters. The classic two-pointer
 * algorithm: O(pattern × text) at worst, never the exponential backtracking a `.*` regex
 * can fall into, so no fault rule can freeze the mock.
 */
export function globMatches(glob: string, text: string): boolean {
  const p = glob.toLowerCase();
  const t = text.toLowerCase();
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    if (pi < p.length && p[pi] !== '*' && p[pi] === t[ti]) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}
