import type { ConnectionRequestRecord } from './connection-requests.js';
import type { ConcurUser } from './directory.js';
import type { StatusCode } from './status-codes.js';

/** What a settled record reads back from its seed: what the seeded request was created with. */
export interface SeedOf {
  idOf(slot: number): string;
  appKeyOf(slot: number): string;
  createdAtOf(slot: number): number;
  travellerOf(slot: number): ConcurUser;
}

/**
 * A seeded request once it is final (Connected or Failed): what a PUT changed, with its id,
 * app, creation time and traveller read back from its seed. A final request never changes
 * again (DELETE only forgets it), and the seed gives back exactly what it was created with:
 * holding the whole record cost ≈ 700 bytes a request (the traveller and its strings, and the
 * renders cached on it) where this costs under 200 (its id alone, a string of its own, was
 * 60), so draining a million seeded requests keeps a quarter of the memory, and a PUT load
 * leaves the scavenger less to copy. What is read from the seed is a getter: a spread of the
 * record would miss it (the state dir's encoding names every field).
 */
export class SettledSeededRecord implements ConnectionRequestRecord {
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
    this.lastModified = record.lastModified;
    this.outcome = record.outcome;
    this.lastCode = record.lastCode;
    this.userErrorRequeues = record.userErrorRequeues;
    this.retryRequeues = record.retryRequeues;
    this.leaseRequeues = record.leaseRequeues;
    this.#seed = seed;
    this.#slot = slot;
  }

  get id(): string {
    return this.#seed.idOf(this.#slot);
  }

  get appKey(): string {
    return this.#seed.appKeyOf(this.#slot);
  }

  get createdAt(): number {
    return this.#seed.createdAtOf(this.#slot);
  }

  get user(): ConcurUser {
    return this.#seed.travellerOf(this.#slot);
  }
}
