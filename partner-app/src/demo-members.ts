import { hashPassword } from './password.js';
import type { MemberStore } from './member-store.js';

/**
 * Partner members every demo starts with. Taylor's membership number is the loyalty number the
 * mock's demo Concur traveller carries (7000000001), and the email is one of that user's.
 */
export const DEMO_MEMBERS = Object.freeze([
  Object.freeze({ name: 'Taylor Traveler', email: 'taylor.traveler@example.com', password: 'rewards-password', membershipNumber: 'TL-7000000001' }),
  Object.freeze({ name: 'Sam Rivera', email: 'sam.rivera@example.com', password: 'rewards-password', membershipNumber: 'TL-7000000002' }),
]);

// Hashed once per process: tests build many apps and scrypt is slow on purpose.
let hashes: Promise<string[]> | null = null;

export async function seedDemoMembers(store: MemberStore, now: number): Promise<void> {
  if (store.size > 0) return;
  hashes ??= Promise.all(DEMO_MEMBERS.map((m) => hashPassword(m.password)));
  const hashed = await hashes;
  for (const [i, m] of DEMO_MEMBERS.entries()) {
    await store.add({ name: m.name, email: m.email, membershipNumber: m.membershipNumber, passwordHash: hashed[i]!, createdAt: new Date(now).toISOString() });
  }
}
