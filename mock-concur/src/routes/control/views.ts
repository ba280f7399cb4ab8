import type { ConnectionRequestRecord, ConnectionRequestView } from '../../domain/connection-requests.js';
import type { ConcurUser, PartnerApp } from '../../domain/directory.js';
import { concurDateTime } from '../../wire/dates.js';

/** Every time the control API shows, as ISO 8601. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** How the control API shows the domain's records: no secrets, plain JSON. */
export function publicUser(u: ConcurUser) {
  return {
    id: u.id,
    loginId: u.loginId,
    firstName: u.firstName,
    middleName: u.middleName,
    lastName: u.lastName,
    loyaltyNumber: u.loyaltyNumber,
    emails: u.emails.filter((e): e is string => e !== null),
    roles: [...u.roles],
  };
}

export function publicApp(a: PartnerApp) {
  return { name: a.name, consumerKey: a.consumerKey, description: a.description, scopes: [...a.scopes], redirectUris: a.redirectUris, appCenterRedirect: a.appCenterRedirect };
}

export function requestBody(record: ConnectionRequestRecord, view: ConnectionRequestView) {
  return {
    id: record.id,
    consumerKey: record.appKey,
    loginId: record.user.loginId,
    status: view.status,
    lastCode: record.lastCode,
    hasRequestToken: view.requestToken !== null,
    availableAt: record.queueKey ? iso(record.queueKey[0]) : null,
    lastModified: concurDateTime(record.lastModified),
    requeues: { userError: record.userErrorRequeues, retry: record.retryRequeues, lease: record.leaseRequeues },
  };
}
