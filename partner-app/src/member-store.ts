import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The Concur side of a linked account: what the App Center flow's code was exchanged for. */
export interface ConcurLink {
  accessToken: string;
  refreshToken: string | null;
  /** ISO 8601. */
  expiresAt: string;
  instanceUrl: string | null;
  linkedAt: string;
}

export interface PartnerMember {
  id: string;
  membershipNumber: string;
  name: string;
  /** Lower-cased; the sign-in name. */
  email: string;
  passwordHash: string;
  createdAt: string;
  concurLink: ConcurLink | null;
}

export class DuplicateEmailError extends Error {
  override name = 'DuplicateEmailError';
}

interface StoreFile {
  version: 1;
  members: PartnerMember[];
}

/** Trimmed and lower-cased, so `Ann@Example.com ` signs in as `ann@example.com`. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The partner's members, in memory, optionally written through to a JSON file (atomically:
 * a temp file renamed over the old one) so a demo keeps its links across restarts. The file
 * holds live Concur tokens, so it is created readable by its owner only.
 */
export class MemberStore {
  private readonly members = new Map<string, PartnerMember>();
  private readonly byEmail = new Map<string, string>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly filePath: string | null) {}

  static async open(filePath: string | null): Promise<MemberStore> {
    const store = new MemberStore(filePath);
    if (filePath) {
      let text: string | null = null;
      try {
        text = await readFile(filePath, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      if (text !== null) {
        const parsed = JSON.parse(text) as StoreFile;
        if (parsed?.version !== 1 || !Array.isArray(parsed.members)) throw new Error(`${filePath} is not a partner-app member store`);
        for (const member of parsed.members) store.put(member);
      }
    }
    return store;
  }

  get size(): number {
    return this.members.size;
  }

  all(): PartnerMember[] {
    return [...this.members.values()];
  }

  byId(id: string): PartnerMember | undefined {
    return this.members.get(id);
  }

  findByEmail(email: string): PartnerMember | undefined {
    const id = this.byEmail.get(normalizeEmail(email));
    return id === undefined ? undefined : this.members.get(id);
  }

  async add(input: { name: string; email: string; passwordHash: string; membershipNumber?: string; createdAt: string }): Promise<PartnerMember> {
    const email = normalizeEmail(input.email);
    if (this.byEmail.has(email)) throw new DuplicateEmailError(`an account with ${email} already exists`);
    const member: PartnerMember = {
      id: randomUUID(),
      membershipNumber: input.membershipNumber ?? this.nextMembershipNumber(),
      name: input.name,
      email,
      passwordHash: input.passwordHash,
      createdAt: input.createdAt,
      concurLink: null,
    };
    this.put(member);
    await this.persist();
    return member;
  }

  /** One Concur link per member: linking again (a reconnect) replaces the old tokens. */
  async link(memberId: string, link: ConcurLink): Promise<PartnerMember> {
    const member = this.members.get(memberId);
    if (!member) throw new Error(`no member ${memberId}`);
    member.concurLink = link;
    await this.persist();
    return member;
  }

  private put(member: PartnerMember): void {
    this.members.set(member.id, member);
    this.byEmail.set(member.email, member.id);
  }

  private nextMembershipNumber(): string {
    let highest = 7_100_000_000;
    for (const m of this.members.values()) highest = Math.max(highest, Number(m.membershipNumber.replace(/\D/g, '')) || 0);
    return `TL-${highest + 1}`;
  }

  /** Writes are chained so two quick changes can never land out of order. */
  private persist(): Promise<void> {
    const filePath = this.filePath;
    if (!filePath) return Promise.resolve();
    const snapshot = JSON.stringify({ version: 1, members: this.all() } satisfies StoreFile, null, 2);
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(filePath), { recursive: true });
      const temp = `${filePath}.${process.pid}.tmp`;
      await writeFile(temp, snapshot, { mode: 0o600 });
      await rename(temp, filePath);
    });
    return this.writing;
  }
}
