import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, mockConcur } from '../../support/mock.js';

/**
 * Whatever a crash or a bad disk does to the end or the middle of the change log, the state
 * loads, and it holds exactly the writes whose whole batch precedes the damage.
 */
const USERS = 12;

describe('a damaged change log', () => {
  let original: string;
  let log: string;
  let lines: string[];
  const scratch: string[] = [];

  beforeAll(async () => {
    original = await mkdtemp(join(tmpdir(), 'mock-concur-damage-'));
    const app = await mockConcur({ stateDir: original, demoTravelers: 0 });
    // One request, one batch, one line: each user is its own committed write.
    for (let i = 0; i < USERS; i++) await json(app, { method: 'POST', url: '/_mock/users', payload: { loginId: `u${i}@damage.example`, password: 'pw', firstName: 'U', lastName: String(i) } });
    await app.close();
    log = (await readdir(original)).find((name) => name.startsWith('changes-'))!;
    lines = (await readFile(join(original, log), 'utf8')).split('\n').slice(0, -1);
    expect(lines).toHaveLength(USERS);
  });

  afterAll(async () => {
    for (const dir of [original, ...scratch]) await rm(dir, { recursive: true, force: true });
  });

  /** Loads a copy of the state with the log replaced by `bytes`; answers the users it holds. */
  async function loadWith(bytes: Buffer): Promise<string[]> {
    const dir = await mkdtemp(join(tmpdir(), 'mock-concur-damage-run-'));
    scratch.push(dir);
    await cp(original, dir, { recursive: true });
    await writeFile(join(dir, log), bytes);
    const app = await mockConcur({ stateDir: dir, demoTravelers: 0 });
    try {
      return (await json<{ loginId: string }[]>(app, { url: '/_mock/users' })).body.map((u) => u.loginId).filter((id) => id.endsWith('@damage.example'));
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  const usersBefore = (byteOffset: number) => {
    let end = 0;
    let whole = 0;
    for (const line of lines) {
      end += Buffer.byteLength(line) + 1;
      if (end <= byteOffset) whole++;
    }
    return Array.from({ length: whole }, (_, i) => `u${i}@damage.example`);
  };

  it('cut anywhere (a torn last write), loads every batch that was whole', async () => {
    const bytes = Buffer.from(lines.join('\n') + '\n');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bytes.length }), async (cut) => {
        expect(await loadWith(bytes.subarray(0, cut))).toEqual(usersBefore(cut));
      }),
      { numRuns: 25 },
    );
  });

  it('with a byte changed anywhere (or zeros written over a stretch), loads every batch before the damage', async () => {
    const bytes = Buffer.from(lines.join('\n') + '\n');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), async (at, xor, span, zeros) => {
        const damaged = Buffer.from(bytes);
        if (zeros) damaged.fill(0, at, Math.min(damaged.length, at + span));
        else damaged[at]! ^= xor;
        if (damaged.equals(bytes)) return;
        const loaded = await loadWith(damaged);
        // Every write before the damaged line survives; nothing from the damaged line or after it does.
        expect(loaded).toEqual(usersBefore(lineStart(at)));
      }),
      { numRuns: 25 },
    );
  });

  /** The offset where the line holding byte `at` begins. */
  function lineStart(at: number): number {
    let start = 0;
    for (const line of lines) {
      const end = start + Buffer.byteLength(line) + 1;
      if (at < end) return start;
      start = end;
    }
    return start;
  }
});
