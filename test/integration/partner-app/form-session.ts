export interface Page {
  status: number;
  location: string | null;
  headers: Headers;
  html: string;
}

/**
 * A browser without a browser: keeps cookies, never follows redirects on its own (tests look
 * at each hop), and pulls the CSRF token out of the last page it read.
 */
export class FormSession {
  private readonly cookies = new Map<string, string>();
  lastPage = '';

  constructor(private readonly baseUrl: string) {}

  async get(path: string): Promise<Page> {
    return this.send(path, { method: 'GET' });
  }

  /** Posts a form; `_csrf` is taken from the last page unless the fields give one (or `null` to leave it out). */
  async post(path: string, fields: Record<string, string>, csrf: string | null | undefined = undefined): Promise<Page> {
    const token = csrf === undefined ? this.csrfToken() : csrf;
    const body = new URLSearchParams(token === null ? fields : { _csrf: token, ...fields });
    return this.send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  csrfToken(): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.lastPage);
    if (!match) throw new Error('the last page has no CSRF token');
    return match[1]!;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private async send(path: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await res.text();
    if ((res.headers.get('content-type') ?? '').includes('text/html')) this.lastPage = html;
    return { status: res.status, location: res.headers.get('location'), headers: res.headers, html };
  }
}

/** The text of the page's h1, tags stripped. */
export function heading(page: string): string {
  const match = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(page);
  return match ? match[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() : '';
}
