/**
 * The Authentication API's own errors (`/oauth2/v0`, `/app-mgmt/v0`): a JSON body
 * `{ "error", "error_description", "code" }` with Concur's numbered codes and their exact
 * descriptions (the Authentication API page's "Response Codes" table). Status 400, as the
 * documents say "the bulk of errors" are, except `invalid_client`: 401, as RFC 6749 §5.2.
 */
export class OAuth2Error extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly code: number,
  ) {
    super(description);
    this.name = 'OAuth2Error';
  }

  body(): { error: string; error_description: string; code: number } {
    return { error: this.error, error_description: this.description, code: this.code };
  }
}

const request = (code: number, description: string) => () => new OAuth2Error(400, 'invalid_request', description, code);
const grant = (code: number, description: string) => () => new OAuth2Error(400, 'invalid_grant', description, code);
const client = (code: number, description: string) => () => new OAuth2Error(401, 'invalid_client', description, code);

export const oauth2Errors = {
  incorrectCredentials: grant(5, 'Incorrect credentials. Please Retry'),
  usernameMissing: request(51, 'username was not supplied'),
  passwordMissing: request(52, 'password was not supplied'),
  scopeExceedsGrant: () => new OAuth2Error(400, 'invalid_scope', 'requested scope exceeds granted scope', 54),
  unknownGrant: grant(60, 'these are not the grants you are looking for'),
  clientNotFound: client(61, 'client not found'),
  clientIdMissing: request(62, 'client_id was not supplied'),
  clientSecretMissing: request(63, 'client_secret was not supplied'),
  wrongClientSecret: client(64, 'Incorrect credentials. Please Retry'),
  grantTypeMissing: request(65, 'grant_type was not supplied'),
  codeMissing: request(101, 'code was not supplied'),
  redirectUriMissing: request(102, 'redirect_uri was not supplied'),
  badCode: request(103, 'code is bad or expired'),
  redirectUriMismatch: grant(104, 'redirect_uri does not match the previous grant'),
  codeOfOtherClient: grant(105, 'this grant was not issued to you!'),
  refreshTokenMissing: request(106, 'refresh_token was not supplied'),
  badRefreshToken: grant(108, 'bad or expired refresh token'),
  invalidCredtype: request(120, 'credtype is invalid'),
  unsupportedFormat: request(135, 'unsupported request format'),
  authTokenOfOtherClient: request(136, 'Authtoken was not issued for you'),
  /** Not in Concur's table: a parameter given twice, or a secret in the URL (the documents say such requests are rejected). */
  badParameter: (description: string) => new OAuth2Error(400, 'invalid_request', description, 135),
  /** A Bearer token the App Management API cannot use. */
  invalidToken: (status: 401 | 403, description: string) => new OAuth2Error(status, 'invalid_token', description, 0),
};
