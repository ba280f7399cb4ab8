import type { ConnectionRequestRecord } from './connection-requests.js';
import type { ConcurUser } from './directory.js';
import type { StatusCode } from './status-codes.js';

/** What a settled record reads back from its seed: the seeded request's traveller. */
export interface SeedOf {
  travellerOf(slot: number): ConcurUser;
}

/**
 * A seeded request once it is final (Connected or Failed): what a PUT changed, with its
 * traveller read back from its seed. A final request never changes again (DELETE only forgets
 * it), and the seed gives back exactly the traveller it was created with: holding the whole
 * record cost ≈ 700 bytes a request (the traveller and its strings, and the renders cached on
 * it) where this costs ≈ 300, so draining a million seeded requests keeps less than half the
 * memory, and a PUT load leaves the scavenger less to copy. Every field but `user` is an own
 * field, so a spread of the record (`{ user, ...rest }`) reads as any record's.
 */
export class SettledSeededRecord implements ConnectionRequestRecord {
  readonly id: string;
  readonly appKey: string;
  readonly createdAt: number;
  lastModified: number;
  queueKey: null = null;
  handout: null = null;
  outcome: 'Connected' | 'Failed';
  lastCode: StatusCode | null;
  userErrorRequeues: number;
  retryRequeues: number;
  leaseRequeues: number;
  readonly #seed: SeedOf;
  readonly #slot: number;

  constructor(record: ConnectionRequestRecord & { outcome: 'Connected' | 'Failed' }, seed: SeedOf, slot: number) {
    this.id = record.id;
    this.appKey = record.appKey;
    this.createdAt = record.createdAt;
    this.lastModified = record.lastModified;
    this.outcome = record.outcome;
    this.lastCode = record.lastCode;
    this.userErrorRequeues = record.userErrorRequeues;
    this.retryRequeues = record.retryRequeues;
    this.leaseRequeues = record.leaseRequeues;
    this.#seed = seed;
    this.#slot = slot;
  }

  get user(): ConcurUser {
    return this.#seed.travellerOf(this.#slot);
  }
}
