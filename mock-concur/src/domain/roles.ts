/** Concur's admin roles that may poll connection requests and revoke tokens. */
export const WEB_SERVICES_ADMINISTRATOR = 'WebServicesAdministrator';
/** The Standard edition's equivalent of the Web Services Administrator role. */
export const CAN_ADMINISTER = 'CanAdminister';
export const KNOWN_ROLES = [WEB_SERVICES_ADMINISTRATOR, CAN_ADMINISTER] as const;
export type Role = (typeof KNOWN_ROLES)[number];

export function isAdministrator(roles: ReadonlySet<Role>): boolean {
  return roles.has(WEB_SERVICES_ADMINISTRATOR) || roles.has(CAN_ADMINISTER);
}

/** The scope an app needs for the Connection Requests API. */
export const CONREQ_SCOPE = 'CONREQ';
