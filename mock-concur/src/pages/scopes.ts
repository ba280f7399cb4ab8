/**
 * What each scope lets an app see, in the words a user reads on the listing and the consent
 * page. Unknown scopes are shown by name: Concur has many more than the mock knows.
 */
const DESCRIPTIONS: Record<string, string> = {
  CONREQ: 'Connection requests: lets the app complete your connection automatically',
  USER: 'Your profile: name, email addresses and employee details',
  ITINER: 'Your itineraries: trips and bookings',
  TRVPRF: 'Your travel profile: loyalty programmes and travel preferences',
  EXPRPT: 'Your expense reports',
  RCTIMG: 'Your receipt images',
};

export function describeScope(scope: string): string {
  return DESCRIPTIONS[scope.toUpperCase()] ?? `${scope} (a Concur API scope)`;
}

/** `CONREQ,USER` or `CONREQ USER` → ['CONREQ', 'USER'], without empties or duplicates. */
export function parseScopes(raw: string): string[] {
  return [...new Set(raw.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))].slice(0, 50);
}
