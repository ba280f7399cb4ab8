import type { ConnectionRequestRecord } from './connection-requests.js';
import type { ConcurUser, PartnerApp } from './directory.js';
import type { AccessTokenRecord, RefreshTokenRecord, RequestTokenRecord } from './token-service.js';

/**
 * Told about every change to the world, by the domain objects themselves, so whatever route
 * (API, control API, web page) made the change, `--state-dir` persistence sees it. Each call
 * passes the live record after (or while) it changes; the recorder may read it later.
 */
export interface ChangeRecorder {
  app(app: PartnerApp): void;
  user(user: ConcurUser): void;
  requestToken(digest: string, record: RequestTokenRecord): void;
  accessToken(digest: string, record: AccessTokenRecord): void;
  refreshToken(digest: string, record: RefreshTokenRecord): void;
  connectionRequest(record: ConnectionRequestRecord): void;
  connectionRequestRemoved(id: string): void;
}

/** Without `--state-dir` nothing listens: one empty call per change. */
export const UNRECORDED: ChangeRecorder = Object.freeze({
  app() {},
  user() {},
  requestToken() {},
  accessToken() {},
  refreshToken() {},
  connectionRequest() {},
  connectionRequestRemoved() {},
});
