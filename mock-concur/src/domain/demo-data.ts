import { DEMO } from './demo-accounts.js';
import type { AppCenterRedirect } from './directory.js';
import { demoPeople } from './demo-people.js';
import type { World } from './world.js';
import { WEB_SERVICES_ADMINISTRATOR } from './roles.js';
import { MINUTE_MS } from './token-service.js';

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
  const people = demoPeople(seed, travelers);
  directory.addUser({
    id: people.adminId,
    loginId: DEMO.admin.loginId,
    firstName: 'Wanda',
    lastName: 'Webservices',
    emails: [DEMO.admin.loginId],
    roles: [WEB_SERVICES_ADMINISTRATOR],
    password: DEMO.admin.password,
  });
  directory.addUser({
    id: people.travelerId,
    loginId: DEMO.traveler.loginId,
    firstName: 'Taylor',
    middleName: 'J',
    lastName: 'Traveler',
    loyaltyNumber: DEMO.traveler.loyaltyNumber,
    emails: [DEMO.traveler.loginId, 'taylor.traveler@example.com'],
    password: DEMO.traveler.password,
  });
  people.travellers.forEach((traveller, i) => {
    const { requestId, ...fields } = traveller;
    const user = directory.addUser({ ...fields, password: DEMO.traveler.password });
    // Staggered creation times, oldest first, so the queue order reads naturally.
    queue.create(DEMO.app.consumerKey, user, now - (travelers - i) * MINUTE_MS, requestId);
  });
}
