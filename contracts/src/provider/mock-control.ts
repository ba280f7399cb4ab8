import { HttpFailure, send, type Fetch } from './http.js';

/**
 * The few calls the verifier makes to the mock's control API (`/_mock/`) to arrange
 * provider states. Nothing here imports the mock: it speaks HTTP like any other client.
 */
export class MockControl {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: Fetch,
    private readonly timeoutMs: number,
    /** Sent as X-Mock-Control-Token when the mock guards its control API with one. */
    private readonly controlToken?: string,
  ) {}

  private get tokenHeader(): Record<string, string> {
    return this.controlToken === undefined ? {} : { 'x-mock-control-token': this.controlToken };
  }

  /** Whether the target is the mock: only it answers `/_mock/health` with `status: ok`. */
  static async detect(baseUrl: string, fetchImpl: Fetch, timeoutMs: number): Promise<boolean> {
    try {
      const res = await send(fetchImpl, `${baseUrl}/_mock/health`, { headers: { accept: 'application/json' } }, timeoutMs);
      return res.status === 200 && (JSON.parse(res.text) as { status?: unknown }).status === 'ok';
    } catch {
      return false;
    }
  }

  addApp(app: { name: string; consumerKey: string; consumerSecret: string; scopes: string[] }): Promise<unknown> {
    return this.post('/_mock/apps', app);
  }

  addUser(user: { loginId: string; password: string; firstName: string; middleName?: string | null; lastName: string; loyaltyNumber?: string | null; emails?: string[]; roles?: string[] }): Promise<unknown> {
    return this.post('/_mock/users', user);
  }

  async accessToken(body: { consumerKey: string; loginId: string; ageSeconds?: number; revoked?: boolean }): Promise<{ token: string; refreshToken: string }> {
    return (await this.post('/_mock/access-tokens', body)) as { token: string; refreshToken: string };
  }

  async requestToken(body: { consumerKey: string; loginId: string; ageSeconds: number }): Promise<string> {
    return ((await this.post('/_mock/request-tokens', body)) as { code: string }).code;
  }

  async connectionRequests(body: { consumerKey: string; loginId: string } | { consumerKey: string; count: number }): Promise<string[]> {
    return ((await this.post('/_mock/connection-requests', body)) as { ids: string[] }).ids;
  }

  async users(): Promise<{ id: string; loginId: string }[]> {
    const res = await send(this.fetchImpl, `${this.baseUrl}/_mock/users`, { headers: { accept: 'application/json', ...this.tokenHeader } }, this.timeoutMs);
    if (res.status !== 200) throw new HttpFailure(`GET /_mock/users answered ${res.status}`);
    return JSON.parse(res.text) as { id: string; loginId: string }[];
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const res = await send(this.fetchImpl, `${this.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...this.tokenHeader }, body: JSON.stringify(body) }, this.timeoutMs);
    if (res.status < 200 || res.status >= 300) throw new HttpFailure(`POST ${path} answered ${res.status}: ${res.text.slice(0, 200)}`);
    return JSON.parse(res.text);
  }
}
