import { Faker, en } from '@faker-js/faker';
import type { AppCenterRedirect } from './directory.js';
import type { World } from './world.js';
import { CONREQ_SCOPE, WEB_SERVICES_ADMINISTRATOR } from './roles.js';
import { MINUTE_MS } from './token-service.js';

/** The fixed demo credentials: tests, demos and other tools rely on these exact values. */
export const DEMO = Object.freeze({
  app: Object.freeze({
    name: 'Demo TripLink Partner',
    consumerKey: 'demo-consumer-key',
    consumerSecret: 'demo-consumer-secret',
    scopes: [CONREQ_SCOPE, 'USER', 'ITINER', 'TRVPRF'],
    redirectUri: 'http://127.0.0.1:3000/concur/callback',
  }),
  otherApp: Object.freeze({
    name: 'Other Partner',
    consumerKey: 'other-consumer-key',
    consumerSecret: 'other-consumer-secret',
    scopes: [CONREQ_SCOPE],
    redirectUri: 'http://127.0.0.1:3001/callback',
  }),
  admin: Object.freeze({ loginId: 'wsadmin@demo.example', password: 'demo-password' }),
  traveler: Object.freeze({ loginId: 'traveler@demo.example', password: 'demo-password', loyaltyNumber: '7000000001' }),
});

/**
 * Seeds the demo apps and users, then `travelers` faker-generated users each with a pending
 * connection request for the demo app. Everything but the minted tokens is a function of
 * `seed`, so the same seed gives the same names, ids and loyalty numbers.
 */
export function seedDemoData(world: World, seed: number, travelers: number, now: number, demoAppRedirect: AppCenterRedirect = 'code'): void {
  const { directory, queue } = world;
  directory.addApp({
    name: DEMO.app.name,
    consumerKey: DEMO.app.consumerKey,
    consumerSecret: DEMO.app.consumerSecret,
    description: 'Links your Concur profile to the Demo TripLink Partner loyalty programme so your bookings flow into Concur.',
    scopes: DEMO.app.scopes,
    redirectUris: [DEMO.app.redirectUri],
    appCenterRedirect: demoAppRedirect,
  });
  directory.addApp({
    name: DEMO.otherApp.name,
    consumerKey: DEMO.otherApp.consumerKey,
    consumerSecret: DEMO.otherApp.consumerSecret,
    description: 'A second partner app: its tokens must be useless to the demo app and the other way round.',
    scopes: DEMO.otherApp.scopes,
    redirectUris: [DEMO.otherApp.redirectUri],
  });
  const faker = new Faker({ locale: [en], seed });
  directory.addUser({
    id: faker.string.uuid(),
    loginId: DEMO.admin.loginId,
    firstName: 'Wanda',
    lastName: 'Webservices',
    emails: [DEMO.admin.loginId],
    roles: [WEB_SERVICES_ADMINISTRATOR],
    password: DEMO.admin.password,
  });
  directory.addUser({
    id: faker.string.uuid(),
    loginId: DEMO.traveler.loginId,
    firstName: 'Taylor',
    middleName: 'J',
    lastName: 'Traveler',
    loyaltyNumber: DEMO.traveler.loyaltyNumber,
    emails: [DEMO.traveler.loginId, 'taylor.traveler@example.com'],
    password: DEMO.traveler.password,
  });
  for (let i = 0; i < travelers; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const middleName = faker.helpers.maybe(() => faker.person.middleName(), { probability: 0.3 }) ?? null;
    const loginId = faker.internet.email({ firstName, lastName, provider: 'travelers.demo.example' }).toLowerCase();
    const extraEmails = faker.helpers.multiple(() => faker.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase(), { count: { min: 0, max: 2 } });
    const user = directory.addUser({
      id: faker.string.uuid(),
      loginId: directory.user(loginId) ? `${i}.${loginId}` : loginId,
      firstName,
      middleName,
      lastName,
      loyaltyNumber: faker.string.numeric(10),
      emails: [loginId, ...extraEmails],
      password: DEMO.traveler.password,
    });
    // Staggered creation times, oldest first, so the queue order reads naturally.
    queue.create(DEMO.app.consumerKey, user, now - (travelers - i) * MINUTE_MS, faker.string.uuid());
  }
}
