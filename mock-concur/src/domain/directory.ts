import { digest, matchesDigest, newId } from './secrets.js';
import type { Role } from './roles.js';
import { UNRECORDED, type ChangeRecorder } from './change-recorder.js';

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
  /** By the user's id (a UUID): the v0 `username` of an auth-token exchange, `userId` in v3.2. */
  private readonly usersById = new Map<string, ConcurUser>();
  /**
   * By loyalty number (the console finds a traveller's request by it). Concur does not make
   * them unique: the user added last with a number is the one found.
   */
  private readonly usersByLoyalty = new Map<string, ConcurUser>();

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
    if (this.users.has(key)) throw new DuplicateError(`a user with login id ${input.loginId} already exists`);
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

  /** Puts back an app or user read from `--state-dir`, unrecorded. */
  restoreApp(app: PartnerApp): void {
    this.apps.set(app.consumerKey, app);
  }

  restoreUser(user: ConcurUser): void {
    this.index(user.loginId.toLowerCase(), user);
  }

  private index(key: string, user: ConcurUser): void {
    this.users.set(key, user);
    this.usersById.set(user.id.toLowerCase(), user);
    if (user.loyaltyNumber) this.usersByLoyalty.set(user.loyaltyNumber, user);
  }

  app(consumerKey: string): PartnerApp | undefined {
    return this.apps.get(consumerKey);
  }

  user(loginId: string): ConcurUser | undefined {
    return this.users.get(loginId.toLowerCase());
  }

  userById(id: string): ConcurUser | undefined {
    return this.usersById.get(id.toLowerCase());
  }

  userByLoyaltyNumber(loyaltyNumber: string): ConcurUser | undefined {
    return this.usersByLoyalty.get(loyaltyNumber);
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

  allUsers(): ConcurUser[] {
    return [...this.users.values()];
  }

  userCount(): number {
    return this.users.size;
  }

  appCount(): number {
    return this.apps.size;
  }
}

const DUMMY_DIGEST = digest('\u0000no such secret\u0000');
