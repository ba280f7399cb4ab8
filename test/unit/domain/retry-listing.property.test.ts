import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../mock-concur/src/domain/world.js';
import { STATUS_CODES, type StatusCode } from '../../../mock-concur/src/domain/status-codes.js';
import { defaultOptions } from '../../../mock-concur/src/options.js';

const APP = 'app';
const MIN = 60_000;
const CODES = Object.keys(STATUS_CODES) as StatusCode[];

type Op = { kind: 'create' } | { kind: 'list'; limit: number } | { kind: 'put'; pick: number; code: StatusCode } | { kind: 'advance'; minutes: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'create' as const }),
  fc.record({ kind: fc.constant('list' as const), limit: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ kind: fc.constant('put' as const), pick: fc.nat(), code: fc.constantFrom(...CODES) }),
  fc.record({ kind: fc.constant('advance' as const), minutes: fc.constantFrom(1, 20, 61, 24 * 60 + 1) }),
);

describe('listing status=retry reads an index, not every request', () => {
  for (const mode of ['peek', 'lease'] as const) {
    it(`pages exactly the deferred, not handed-out requests in queue order (${mode} mode, property)`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (ops, pageSize) => {
          const world = createWorld(
            { requestTokenTtlMs: 15 * MIN, accessTokenTtlMs: defaultOptions.accessTokenTtlMs, singleUseRequestTokens: true },
            { ...defaultOptions.queue, mode },
          );
          let now = Date.UTC(2026, 0, 1);
          let users = 0;
          for (const o of ops) {
            if (o.kind === 'create') {
              const user = world.directory.addUser({ loginId: `u${users++}@example.com`, firstName: 'A', lastName: 'B', emails: [], password: 'pw' });
              world.queue.create(APP, user, now);
            } else if (o.kind === 'list') world.queue.listPending(APP, 0, o.limit, now);
            else if (o.kind === 'advance') now += o.minutes * MIN;
            else {
              const ids = [...world.queue.allRecords()].map((r) => r.id);
              if (ids.length > 0) world.queue.put(APP, ids[o.pick % ids.length]!, o.code, now);
            }
          }
          // The truth by brute force: every request whose view says Retry, in queue order.
          const expected = [...world.queue.allRecords()]
            .filter((r) => world.queue.view(r, now).status === 'Retry')
            .sort((a, b) => a.queueKey![0] - b.queueKey![0] || a.queueKey![1] - b.queueKey![1])
            .map((r) => r.id);
          const seen: string[] = [];
          for (let offset = 0; ; offset += pageSize) {
            const page = world.queue.listByStatus(APP, 'retry', offset, pageSize, now);
            seen.push(...page.items.map((i) => i.id));
            expect(page.items.every((i) => i.status === 'Retry')).toBe(true);
            if (page.nextOffset === null) break;
            expect(page.nextOffset).toBe(String(offset + pageSize));
          }
          expect(seen).toEqual(expected);
          expect(world.queue.counts(now).Retry).toBe(expected.length);
        }),
        { numRuns: 300 },
      );
    });
  }
});
