import { digest, matchesDigest, newId } from './secrets.js';
import type { Role } from './roles.js';
import { UNRECORDED, type ChangeRecorder } from './change-recorder.js';
import { GeneratedTravellers } from './generated-travellers.js';
import { lazyArray } from './lazy-array.js';

/** A partner application registered with Concur (the App Center listing and its OAuth client). */
export interface PartnerApp {
  readonly consumerKey: string;
  readonly name: string;
  readonly description: string;
  readonly scopes: ReadonlySet<string>;
  readonly redirectUris: readonly string[];
  /** Digest only: the secret itself is handed out once, at registration. */
  readonly secretDigest: string;
  /**
   * How the App Center's Connect sends the user back: `code` (`?code=`, the legacy redirect) or
   * `requestToken` (`?id={user id}&requestToken=…`, today's, exchanged at `/oauth2/v0/token`).
   */
  readonly appCenterRedirect: AppCenterRedirect;
}

export type AppCenterRedirect = 'code' | 'requestToken';

/** A Concur user. Login ids are case-insensitive, as on Concur. */
export interface ConcurUser {
  readonly id: string;
  readonly loginId: string;
  readonly firstName: string;
  readonly middleName: string | null;
  readonly lastName: string;
  readonly loyaltyNumber: string | null;
  /** Exactly five slots, as Concur's EmailAddresses has Email1 … Email5. */
  readonly emails: readonly (string | null)[];
  readonly roles: ReadonlySet<Role>;
  readonly passwordDigest: string;
}

export interface NewApp {
  consumerKey: string;
  consumerSecret: string;
  name: string;
  description?: string;
  scopes: readonly string[];
  redirectUris?: readonly string[];
  appCenterRedirect?: AppCenterRedirect;
}

export interface NewUser {
  id?: string;
  loginId: string;
  firstName: string;
  middleName?: string | null;
  lastName: string;
  loyaltyNumber?: string | null;
  emails?: readonly string[];
  roles?: readonly Role[];
  password: string;
}

export class DuplicateError extends Error {}

/** Apps and users: who may call and on whose behalf. */
export class Directory {
  private readonly apps = new Map<string, PartnerApp>();
  private readonly users = new Map<string, ConcurUser>();
  /** The same users in the order they were added, for paging without a copy of them all. */
  private readonly usersInOrder: ConcurUser[] = [];
  /** By the user's id (a UUID): the v0 `username` of an auth-token exchange, `userId` in v3.2. */
  private readonly usersById = new Map<string, ConcurUser>();
  /**
   * By loyalty number (the console finds a traveller's request by it), with the user's number
   * (the directory's size when it was added). Concur does not make them unique: the user
   * added last with a number is the one found.
   */
  private readonly usersByLoyalty = new Map<string, { user: ConcurUser; number: number }>();
  /** Load-test travellers, kept as numbers: the maps above hold only the directory's own users. */
  readonly generated = new GeneratedTravellers();

  constructor(private readonly recorder: ChangeRecorder = UNRECORDED) {}

  addApp(input: NewApp): PartnerApp {
    if (this.apps.has(input.consumerKey)) throw new DuplicateError(`an app with consumer key ${input.consumerKey} already exists`);
    const app: PartnerApp = {
      consumerKey: input.consumerKey,
      name: input.name,
      description: input.description ?? '',
      scopes: new Set(input.scopes.map((s) => s.toUpperCase())),
      redirectUris: [...(input.redirectUris ?? [])],
      secretDigest: digest(input.consumerSecret),
      appCenterRedirect: input.appCenterRedirect ?? 'code',
    };
    this.apps.set(app.consumerKey, app);
    this.recorder.app(app);
    return app;
  }

  addUser(input: NewUser): ConcurUser {
    const key = input.loginId.toLowerCase();
    if (this.users.has(key) || this.generated.numberOfLoginId(key) >= 0) throw new DuplicateError(`a user with login id ${input.loginId} already exists`);
    const emails: (string | null)[] = [...(input.emails ?? [])].slice(0, 5);
    while (emails.length < 5) emails.push(null);
    const user: ConcurUser = {
      id: input.id ?? newId(),
      loginId: input.loginId,
      firstName: input.firstName,
      middleName: input.middleName ?? null,
      lastName: input.lastName,
      loyaltyNumber: input.loyaltyNumber ?? null,
      emails,
      roles: new Set(input.roles ?? []),
      passwordDigest: digest(input.password),
    };
    this.index(key, user);
    this.recorder.user(user);
    return user;
  }

  /**
   * Adds `count` generated travellers (see `GeneratedTravellers`) and answers the first one's
   * number; they are numbered on from the directory's size.
   */
  addGeneratedTravellers(count: number): number {
    const first = this.userCount();
    this.generated.add(first, count, this.users.size);
    // Only a recorder needs them as objects (built for it, not kept here).
    if (this.recorder !== UNRECORDED) for (let n = first; n < first + count; n++) this.recorder.user(this.generated.user(n));
    return first;
  }

  /** Puts back an app or user read from `--state-dir`, unrecorded. */
  restoreApp(app: PartnerApp): void {
    this.apps.set(app.consumerKey, app);
  }

  restoreUser(user: ConcurUser): void {
    this.index(user.loginId.toLowerCase(), user);
  }

  private index(key: string, user: ConcurUser): void {
    const number = this.userCount();
    const replaced = this.users.get(key);
    if (replaced) this.usersInOrder[this.usersInOrder.indexOf(replaced)] = user;
    else this.usersInOrder.push(user);
    this.users.set(key, user);
    this.usersById.set(user.id.toLowerCase(), user);
    if (user.loyaltyNumber) this.usersByLoyalty.set(user.loyaltyNumber, { user, number });
  }

  app(consumerKey: string): PartnerApp | undefined {
    return this.apps.get(consumerKey);
  }

  user(loginId: string): ConcurUser | undefined {
    const key = loginId.toLowerCase();
    return this.users.get(key) ?? this.generatedUser(this.generated.numberOfLoginId(key));
  }

  userById(id: string): ConcurUser | undefined {
    const key = id.toLowerCase();
    return this.usersById.get(key) ?? this.generatedUser(this.generated.numberOfId(key));
  }

  userByLoyaltyNumber(loyaltyNumber: string): ConcurUser | undefined {
    const own = this.usersByLoyalty.get(loyaltyNumber);
    const generated = this.generated.numberOfLoyaltyNumber(loyaltyNumber);
    return own && own.number > generated ? own.user : (this.generatedUser(generated) ?? own?.user);
  }

  private generatedUser(n: number): ConcurUser | undefined {
    return n >= 0 ? this.generated.user(n) : undefined;
  }

  /** The app, if the secret is its own; constant time in the secret. */
  authenticateApp(consumerKey: string, consumerSecret: string): PartnerApp | undefined {
    const app = this.apps.get(consumerKey);
    // Compare even for an unknown key so the answer takes the same time either way.
    const ok = matchesDigest(consumerSecret, app?.secretDigest ?? DUMMY_DIGEST);
    return app && ok ? app : undefined;
  }

  authenticateUser(loginId: string, password: string): ConcurUser | undefined {
    const user = this.user(loginId);
    const ok = matchesDigest(password, user?.passwordDigest ?? DUMMY_DIGEST);
    return user && ok ? user : undefined;
  }

  allApps(): PartnerApp[] {
    return [...this.apps.values()];
  }

  /**
   * Every user in the order they were added. Generated travellers are built as they are read,
   * so a page of a million (`slice`) builds only the page.
   */
  allUsers(): readonly ConcurUser[] {
    if (this.generated.count === 0) return [...this.usersInOrder];
    return lazyArray(this.userCount(), (i) => this.usersSlice(i, i + 1)[0]!);
  }

  /**
   * The users at positions [start, end) of `allUsers()`, building only those: a page of a
   * million generated travellers costs a page, not a million users.
   */
  usersSlice(start: number, end: number): ConcurUser[] {
    const out: ConcurUser[] = [];
    const own = this.usersInOrder;
    end = Math.min(end, this.userCount());
    let position = 0;
    let taken = 0;
    // The directory's own users and the generated segments, interleaved as they were added.
    const ownUpTo = (count: number) => {
      const from = Math.max(taken, taken + (start - position));
      const to = Math.min(count, taken + (end - position));
      for (let i = from; i < to; i++) out.push(own[i]!);
      position += count - taken;
      taken = count;
    };
    for (const segment of this.generated.segments) {
      if (position >= end) return out;
      ownUpTo(segment.regularBefore);
      const from = Math.max(0, start - position);
      const to = Math.min(segment.count, end - position);
      for (let i = from; i < to; i++) out.push(this.generated.user(segment.first + i));
      position += segment.count;
    }
    if (position < end) ownUpTo(own.length);
    return out;
  }

  userCount(): number {
    return this.users.size + this.generated.count;
  }

  appCount(): number {
    return this.apps.size;
  }
}

const DUMMY_DIGEST = digest('\u0000no such secret\u0000');
