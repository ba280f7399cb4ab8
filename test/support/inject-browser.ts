import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { DEMO } from './mock.js';

/** A browser in miniature: keeps cookies between inject() calls. */
export class Browser {
  private jar = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  /** The same cookies against another instance: a browser after the server restarted. */
  against(app: FastifyInstance): Browser {
    const moved = new Browser(app);
    moved.jar = new Map(this.jar);
    return moved;
  }

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      headers: { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of res.cookies as { name: string; value: string }[]) {
      if (c.value === '') this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    return res;
  }

  csrf(res: LightMyRequestResponse): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (!m) throw new Error(`no CSRF token on the page: ${res.body.slice(0, 200)}`);
    return m[1]!;
  }

  async signIn(loginId: string = DEMO.traveler.loginId, password: string = DEMO.traveler.password, returnTo = '/appcenter'): Promise<LightMyRequestResponse> {
    const page = await this.request('GET', `/signin?returnTo=${encodeURIComponent(returnTo)}`);
    return this.request('POST', '/signin', { _csrf: this.csrf(page), loginId, password, returnTo });
  }

  setCookie(name: string, value: string): void {
    this.jar.set(name, value);
  }
}
