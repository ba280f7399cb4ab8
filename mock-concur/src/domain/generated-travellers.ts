import { randomFillSync } from 'node:crypto';
import { DEMO } from './demo-accounts.js';
import type { ConcurUser } from './directory.js';
import type { Role } from './roles.js';
import { NumberedIds } from './numbered-ids.js';
import { digest } from './secrets.js';

const FIRST = ['Ada', 'Bo', 'Chen', 'Dara', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Mo', 'Nia', 'Oz', 'Pia'];
const LAST = ['Ito', 'Khan', 'Lopez', 'Meyer', 'Novak', 'Okafor', 'Park', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Ueda', 'Vogel', 'Wong'];
const LOGIN_ID = /^traveler(\d{1,15})\.([0-9a-f]{8})@load\.demo\.example$/;
const LOYALTY_BASE = 8_000_000_000;
const NO_ROLES: ReadonlySet<Role> = new Set();
/** At most this many built users are kept for reuse (≈ 2 MB). */
const RECENT_USERS = 4096;
/** Every generated traveller signs in with the demo password: one digest for all of them. */
let passwordDigest: string | undefined;

/** Travellers numbered `first` … `first + count - 1`, added after `regularBefore` users of the directory's own. */
export interface TravellerSegment {
  readonly first: number;
  count: number;
  readonly regularBefore: number;
  /** Where the segment's tags start in the tag column. */
  readonly tagOffset: number;
}

/**
 * Load-test travellers kept as numbers, not objects: a traveller's fields are computed from
 * its number n (the directory's size when it was added) and one random 32-bit tag, so a
 * million of them cost 4 MB instead of ~1 GB of user objects and lookup maps. Cheap
 * deterministic names instead of faker (a million faker people take minutes); login ids
 * `traveler{n}.{tag}@load.demo.example` and loyalty numbers 8 000 000 000 + n are unique,
 * and ids name n (`NumberedIds`), so every lookup is a parse. The user objects handed out
 * are built when asked for (the last few thousand are reused) and equal every time (the
 * fields never change).
 */
export class GeneratedTravellers {
  /** Traveller n's id names n. */
  private readonly ids = new NumberedIds();
  private readonly segmentList: TravellerSegment[] = [];
  /** The random part of each traveller's login id, in the order they were added. */
  private tags = new Uint32Array(1024);
  /**
   * The users built last, handed out again as the same objects: a request read again and again
   * (GET by id, a page) is then rendered once, since rendered requests are kept per user object.
   */
  private readonly recent = new Map<number, ConcurUser>();
  private total = 0;

  get count(): number {
    return this.total;
  }

  get segments(): readonly TravellerSegment[] {
    return this.segmentList;
  }

  /** Adds `count` travellers numbered from `first`, after the directory's first `regularBefore` users of its own. */
  add(first: number, count: number, regularBefore: number): void {
    if (this.total + count > this.tags.length) {
      const grown = new Uint32Array(Math.max(this.tags.length * 2, this.total + count));
      grown.set(this.tags.subarray(0, this.total));
      this.tags = grown;
    }
    randomFillSync(this.tags, this.total, count);
    const last = this.segmentList[this.segmentList.length - 1];
    if (last && last.first + last.count === first && last.regularBefore === regularBefore) last.count += count;
    else this.segmentList.push({ first, count, regularBefore, tagOffset: this.total });
    this.total += count;
  }

  has(n: number): boolean {
    return this.tagIndex(n) >= 0;
  }

  /**
   * Traveller n as a user (n must be one of these). `keep: false` for a caller that holds the
   * object itself (a request's record being changed): kept here too, every traveller a PUT
   * load touches once would outlive the young generation for nothing.
   */
  user(n: number, keep = true): ConcurUser {
    const recent = this.recent.get(n);
    if (recent) return recent;
    const user = this.build(n);
    if (!keep) return user;
    if (this.recent.size >= RECENT_USERS) this.recent.clear();
    this.recent.set(n, user);
    return user;
  }

  private build(n: number): ConcurUser {
    const loginId = this.loginIdOf(n);
    return {
      id: this.ids.idOf(n),
      loginId,
      firstName: FIRST[n % FIRST.length]!,
      middleName: null,
      lastName: LAST[Math.floor(n / FIRST.length) % LAST.length]!,
      loyaltyNumber: String(LOYALTY_BASE + n),
      emails: [loginId, null, null, null, null],
      roles: NO_ROLES,
      passwordDigest: (passwordDigest ??= digest(DEMO.traveler.password)),
    };
  }

  loginIdOf(n: number): string {
    return `traveler${n}.${this.tags[this.tagIndex(n)]!.toString(16).padStart(8, '0')}@load.demo.example`;
  }

  /** The number of the traveller with this login id (lower case), or -1. */
  numberOfLoginId(key: string): number {
    if (this.total === 0 || !key.startsWith('traveler')) return -1;
    const match = LOGIN_ID.exec(key);
    if (!match) return -1;
    const n = Number(match[1]);
    const at = String(n) === match[1] ? this.tagIndex(n) : -1;
    return at >= 0 && this.tags[at] === Number.parseInt(match[2]!, 16) ? n : -1;
  }

  /** The number of the traveller with this id (lower case), or -1. */
  numberOfId(id: string): number {
    if (this.total === 0) return -1;
    const n = this.ids.numberOf(id);
    return n >= 0 && this.has(n) ? n : -1;
  }

  /** The number of the traveller with this loyalty number, or -1. */
  numberOfLoyaltyNumber(loyaltyNumber: string): number {
    if (this.total === 0 || !/^[0-9]{10,16}$/.test(loyaltyNumber)) return -1;
    const n = Number(loyaltyNumber) - LOYALTY_BASE;
    return n >= 0 && String(LOYALTY_BASE + n) === loyaltyNumber && this.has(n) ? n : -1;
  }

  /** Where traveller n's tag is, or -1 if n is not one of these. */
  private tagIndex(n: number): number {
    const list = this.segmentList;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const segment = list[mid]!;
      if (n < segment.first) hi = mid - 1;
      else if (n >= segment.first + segment.count) lo = mid + 1;
      else return segment.tagOffset + (n - segment.first);
    }
    return -1;
  }
}
