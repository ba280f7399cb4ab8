import { randomBytes } from 'node:crypto';
import { basicCredentials } from '../provider-states/base-variables.js';
import type { ConcurCredentials } from './credentials.js';
import type { MockControl } from './mock-control.js';

const ADMIN_ROLE = 'WebServicesAdministrator';

/**
 * Who the verifier is on the mock. Users are registered once per run; each interaction
 * gets two fresh applications, so its connection-request queue starts empty and nothing
 * one interaction does can leak into the next — without resetting a mock others may use.
 */
export class MockPartnerContext {
  readonly runId = randomBytes(4).toString('hex');
  private readonly password = randomBytes(12).toString('base64url');
  private users: Promise<void> | undefined;
  private serial = 0;

  constructor(private readonly control: MockControl) {}

  get adminLoginId(): string {
    return `contract-admin-${this.runId}@contracts.example`;
  }

  get travelerLoginId(): string {
    return `contract-traveler-${this.runId}@contracts.example`;
  }

  /** A name no earlier interaction of any run has used. */
  unique(prefix: string): string {
    return `${prefix}-${this.runId}-${++this.serial}`;
  }

  newSecret(): string {
    return randomBytes(18).toString('base64url');
  }

  userPassword(): string {
    return this.password;
  }

  /** The base variables of one interaction: fresh applications, the run's users. */
  async forInteraction(baseUrl: string): Promise<Record<string, string>> {
    this.users ??= this.registerUsers();
    await this.users;
    const consumerKey = this.unique('contract-app');
    const consumerSecret = this.newSecret();
    const otherConsumerKey = `${consumerKey}-other`;
    const otherConsumerSecret = this.newSecret();
    await this.control.addApp({ name: `Contract verification ${consumerKey}`, consumerKey, consumerSecret, scopes: ['CONREQ'] });
    await this.control.addApp({ name: `Contract verification ${otherConsumerKey}`, consumerKey: otherConsumerKey, consumerSecret: otherConsumerSecret, scopes: ['CONREQ'] });
    return {
      baseUrl,
      consumerKey,
      consumerSecret,
      otherConsumerKey,
      otherConsumerSecret,
      adminLoginId: this.adminLoginId,
      adminPassword: this.password,
      adminBasicCredentials: basicCredentials(this.adminLoginId, this.password),
      travelerLoginId: this.travelerLoginId,
      travelerPassword: this.password,
    };
  }

  private async registerUsers(): Promise<void> {
    await this.control.addUser({ loginId: this.adminLoginId, password: this.password, firstName: 'Contract', lastName: 'Administrator', roles: [ADMIN_ROLE] });
    await this.control.addUser({ loginId: this.travelerLoginId, password: this.password, firstName: 'Contract', lastName: 'Traveler', loyaltyNumber: '9000000001' });
  }
}

/** The base variables for a real Concur: only what the partner supplied. */
export function sandboxVariables(baseUrl: string, c: ConcurCredentials): Record<string, string> {
  const values: Record<string, string | undefined> = {
    baseUrl,
    consumerKey: c.consumerKey,
    consumerSecret: c.consumerSecret,
    otherConsumerKey: c.otherConsumerKey,
    otherConsumerSecret: c.otherConsumerSecret,
    adminLoginId: c.adminLoginId,
    adminPassword: c.adminPassword,
    adminBasicCredentials: c.adminLoginId && c.adminPassword ? basicCredentials(c.adminLoginId, c.adminPassword) : undefined,
    travelerLoginId: c.travelerLoginId,
    travelerPassword: c.travelerPassword,
  };
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}
