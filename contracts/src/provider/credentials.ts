/**
 * What a partner supplies to verify a real Concur sandbox (flags or environment; see the
 * CLI's usage). Against the mock none is needed: the verifier registers its own.
 */
export interface ConcurCredentials {
  consumerKey?: string;
  consumerSecret?: string;
  otherConsumerKey?: string;
  otherConsumerSecret?: string;
  adminLoginId?: string;
  adminPassword?: string;
  /** An administrator's access token, when a Native-flow login is not possible. */
  adminToken?: string;
  travelerLoginId?: string;
  travelerPassword?: string;
}
