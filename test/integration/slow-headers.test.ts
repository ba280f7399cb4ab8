import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockConcur, type StartedMockConcur } from 'mock-concur';

describe('a client that never finishes its headers', () => {
  let mock: StartedMockConcur;
  beforeAll(async () => {
    // A short bound for the test; the default is 10 s.
    mock = await startMockConcur({ logLevel: 'silent', headersTimeoutMs: 300 });
  });
  afterAll(() => mock.close());

  it('is answered 408 and cut within a bounded time, and the mock keeps serving others', async () => {
    const { port } = new URL(mock.url);
    const started = performance.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      socket.setTimeout(10_000, () => reject(new Error('the mock kept a half-sent request open for 10 s')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await fetch(`${mock.url}/_mock/health`)).status).toBe(200);
  });
});
