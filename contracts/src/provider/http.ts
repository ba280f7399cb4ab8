/** The verifier's one way out to the network: a fetch with a deadline and the body read as text. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export type Fetch = typeof globalThis.fetch;

export class HttpFailure extends Error {}

export async function send(fetchImpl: Fetch, url: string, init: RequestInit, timeoutMs: number): Promise<HttpResponse> {
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((error as { cause?: Error }).cause?.message ?? (error as Error).message);
    throw new HttpFailure(`${init.method ?? 'GET'} ${redactQuery(url)} failed: ${reason}`);
  }
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** URLs carry secrets in their query strings here (client_secret, code, token): never print them. */
export function redactQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  return `${url.slice(0, q)}?${[...params.keys()].map((k) => `${k}=…`).join('&')}`;
}
