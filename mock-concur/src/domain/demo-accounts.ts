import { CONREQ_SCOPE } from './roles.js';

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
