import { DEMO } from './demo-data.js';
import { newId } from './secrets.js';
import type { World } from './world.js';

const FIRST = ['Ada', 'Bo', 'Chen', 'Dara', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Mo', 'Nia', 'Oz', 'Pia'];
const LAST = ['Ito', 'Khan', 'Lopez', 'Meyer', 'Novak', 'Okafor', 'Park', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Ueda', 'Vogel', 'Wong'];

/**
 * `count` travellers, each with a pending request for `consumerKey`, for load tests: cheap
 * deterministic names instead of faker (a million faker people take minutes), unique login
 * ids and loyalty numbers. Appends the new requests' ids to `ids`. Call it in slices (the
 * control route does, yielding between them): numbering follows the directory's size at each
 * call, so slices of two seeds running at once never collide.
 */
export function addBulkTravellers(world: World, consumerKey: string, count: number, now: number, ids: string[] = []): string[] {
  const start = world.directory.userCount();
  for (let i = 0; i < count; i++) {
    const n = start + i;
    const firstName = FIRST[n % FIRST.length]!;
    const lastName = LAST[Math.floor(n / FIRST.length) % LAST.length]!;
    const loginId = `traveler${n}.${newId().slice(0, 8)}@load.demo.example`;
    const user = world.directory.addUser({ loginId, firstName, lastName, loyaltyNumber: String(8_000_000_000 + n), emails: [loginId], password: DEMO.traveler.password });
    const created = world.queue.create(consumerKey, user, now);
    if (created.ok) ids.push(created.value.id);
  }
  return ids;
}
