import { UnauthorizedError } from 'concur-partner-client';

/**
 * Runs `call` with `token`; when Concur refuses the token as no longer valid, renews it once
 * and tries again (a second refusal is the caller's to see). Both the administrator's and the
 * application's sessions work this way.
 */
export async function withRenewalOnce<K, T>(token: K, call: (token: K) => Promise<T>, renew: (refusal: UnauthorizedError) => Promise<K>): Promise<T> {
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    return call(await renew(error));
  }
}
