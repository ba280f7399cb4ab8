/**
 * Variables every interaction may use without naming a provider state: the target's base
 * URL and the partner's credentials. Against the mock the verifier registers its own apps
 * and users and fills all of them; against a real Concur they come from flags or the
 * environment, and an interaction needing one that was not given is skipped, saying which.
 */
export interface BaseVariable {
  name: string;
  /** How to supply it for a real Concur sandbox; derived variables have neither. */
  flag?: string;
  env?: string;
  /** Secrets are never printed, not even masked, in a report. */
  secret: boolean;
}

export const BASE_VARIABLES: readonly BaseVariable[] = [
  { name: 'baseUrl', secret: false },
  { name: 'consumerKey', flag: '--consumer-key', env: 'CONCUR_CONSUMER_KEY', secret: false },
  { name: 'consumerSecret', flag: '--consumer-secret', env: 'CONCUR_CONSUMER_SECRET', secret: true },
  { name: 'otherConsumerKey', flag: '--other-consumer-key', env: 'CONCUR_OTHER_CONSUMER_KEY', secret: false },
  { name: 'otherConsumerSecret', flag: '--other-consumer-secret', env: 'CONCUR_OTHER_CONSUMER_SECRET', secret: true },
  { name: 'adminLoginId', flag: '--admin-login', env: 'CONCUR_ADMIN_LOGIN', secret: false },
  { name: 'adminPassword', flag: '--admin-password', env: 'CONCUR_ADMIN_PASSWORD', secret: true },
  // `Basic base64(login:password)` for the Native flow; derived from the two above.
  { name: 'adminBasicCredentials', secret: true },
  { name: 'travelerLoginId', flag: '--traveler-login', env: 'CONCUR_TRAVELER_LOGIN', secret: false },
  { name: 'travelerPassword', flag: '--traveler-password', env: 'CONCUR_TRAVELER_PASSWORD', secret: true },
];

export const BASE_VARIABLE_NAMES: ReadonlySet<string> = new Set(BASE_VARIABLES.map((v) => v.name));

export function basicCredentials(loginId: string, password: string): string {
  return `Basic ${Buffer.from(`${loginId}:${password}`, 'utf8').toString('base64')}`;
}
