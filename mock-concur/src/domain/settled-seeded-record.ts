import type { ConnectionRequestRecord } from './connection-requests.js';
import type { ConcurUser } from './directory.js';
import type { SettledOutcomes } from './settled-outcomes.js';
import type { StatusCode } from './status-codes.js';

/** What a settled record reads back from its seed: what the seeded request was created with. */
export interface SeedOf {
  idOf(slot: number): string;
  appKeyOf(slot: number): string;
  createdAtOf(slot: number): number;
  travellerOf(slot: number): ConcurUser;
}

/**
 * A seeded request once it is final (Connected or Failed), as a record made for the read:
 * what the PUT changed comes from `SettledOutcomes`' columns, its id, app, creation time and
 * traveller from its seed. A final request never changes again (DELETE only forgets it), and
 * the seed gives back exactly what it was created with, so nothing of it needs to stay on
 * the heap: holding the whole record cost ≈ 700 bytes a request, an object of what the PUT
 * changed ≈ 190, the columns 22. Every field is a getter: a spread of the record would miss
 * them (the state dir's encoding names every field). Never in a queue, never handed out.
 */
export class SettledSeededRecord implements ConnectionRequestRecord {
  queueKey: null = null;
  handout: null = null;
  readonly #seed: SeedOf;
  readonly #outcomes: SettledOutcomes;
  readonly #slot: number;

  constructor(seed: SeedOf, outcomes: SettledOutcomes, slot: number) {
    this.#seed = seed;
    this.#outcomes = outcomes;
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

  get lastModified(): number {
    return this.#outcomes.lastModifiedOf(this.#slot);
  }

  get outcome(): 'Connected' | 'Failed' {
    return this.#outcomes.outcomeOf(this.#slot);
  }

  get lastCode(): StatusCode | null {
    return this.#outcomes.lastCodeOf(this.#slot);
  }

  get userErrorRequeues(): number {
    return this.#outcomes.userErrorRequeuesOf(this.#slot);
  }

  get retryRequeues(): number {
    return this.#outcomes.retryRequeuesOf(this.#slot);
  }

  get leaseRequeues(): number {
    return this.#outcomes.leaseRequeuesOf(this.#slot);
  }
}
