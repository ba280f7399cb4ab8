import { newId } from './secrets.js';

/**
 * Ids that name a number (a generated traveller, a seeded request's slot): a random prefix of
 * their own, a UUID's first 24 characters (`xxxxxxxx-xxxx-4xxx-yxxx-`), then the number as 12
 * hex digits. Finding what an id names is then a parse, not a map (fidelity note 38).
 */
export class NumberedIds {
  private readonly prefix = newId().slice(0, 24);

  idOf(n: number): string {
    return this.prefix + n.toString(16).padStart(12, '0');
  }

  /** The number `id` names (lower case), or -1 if it is not one of these ids. */
  numberOf(id: string): number {
    if (id.length !== 36 || !id.startsWith(this.prefix)) return -1;
    const hex = id.slice(24);
    return /^[0-9a-f]{12}$/.test(hex) ? Number.parseInt(hex, 16) : -1;
  }
}
