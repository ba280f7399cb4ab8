import { describe, expect, it } from 'vitest';
import { SignedOutSessions } from '../../../mock-concur/src/domain/signed-out-sessions.js';

describe('SignedOutSessions', () => {
  it('remembers an ended session, and stays within its limit: expired entries go first, then the oldest', () => {
    const ended = new SignedOutSessions(3);
    ended.end('a', 100, 0);
    ended.end('b', 1_000, 0);
    ended.end('c', 1_000, 0);
    expect(['a', 'b', 'c'].map((id) => ended.has(id))).toEqual([true, true, true]);
    // Full: 'a' has expired by now, so it is the one to go.
    ended.end('d', 1_000, 500);
    expect([ended.has('a'), ended.has('b'), ended.has('d'), ended.size]).toEqual([false, true, true, 3]);
    // Full of live entries: the oldest-ended goes.
    ended.end('e', 1_000, 500);
    expect([ended.has('b'), ended.has('c'), ended.has('e'), ended.size]).toEqual([false, true, true, 3]);
  });
});
