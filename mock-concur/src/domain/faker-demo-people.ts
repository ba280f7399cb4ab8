import { Faker, en } from '@faker-js/faker';
import { DEMO } from './demo-accounts.js';
import type { DemoPeople, DemoTraveller } from './demo-people.js';

/**
 * The demo data's people from faker: a function of `seed` alone, and each traveller of the
 * ones before, so the first n of a longer list are the list of n.
 */
export function fakerDemoPeople(seed: number, count: number): DemoPeople {
  const faker = new Faker({ locale: [en], seed });
  const adminId = faker.string.uuid();
  const travelerId = faker.string.uuid();
  // The demo accounts come first; a traveller's login id must not repeat theirs.
  const taken = new Set<string>([DEMO.admin.loginId, DEMO.traveler.loginId]);
  const travellers: DemoTraveller[] = [];
  for (let i = 0; i < count; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const middleName = faker.helpers.maybe(() => faker.person.middleName(), { probability: 0.3 }) ?? null;
    const email = faker.internet.email({ firstName, lastName, provider: 'travelers.demo.example' }).toLowerCase();
    const extraEmails = faker.helpers.multiple(() => faker.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase(), { count: { min: 0, max: 2 } });
    // Two people can get the same address: the later one's gets its number in front.
    const loginId = taken.has(email) ? `${i}.${email}` : email;
    taken.add(loginId);
    const id = faker.string.uuid();
    const loyaltyNumber = faker.string.numeric(10);
    travellers.push({ id, loginId, firstName, middleName, lastName, loyaltyNumber, emails: [email, ...extraEmails], requestId: faker.string.uuid() });
  }
  return { adminId, travelerId, travellers };
}
