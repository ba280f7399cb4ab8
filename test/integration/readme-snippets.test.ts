import { describe, expect, it } from 'vitest';
import { buildMockConcur } from '../../mock-concur/app.js';
import { startMockConcur } from '../../mock-concur/testing.js';

// The README's "Using it from tests" snippets, verbatim, so they cannot drift from the code.
describe('README snippets', () => {
  it('startMockConcur: clock, faults, close', async () => {
    const mock = await startMockConcur(); // { url, clock, control, app, close }
    const before = mock.clock.now();
    mock.clock.advance(16 * 60_000); // every request token handed out so far is now expired
    mock.control.faults.add({ path: '/api/v3.2/*', status: 503, times: 2 });
    expect(mock.clock.now() - before).toBe(16 * 60_000);
    expect((await fetch(`${mock.url}/api/v3.2/common/connectionrequests`)).status).toBe(503);
    await mock.close();
  });

  it('buildMockConcur with inject()', async () => {
    const app = await buildMockConcur({ clock: 'manual', queueMode: 'lease', requestTokenTtlMs: 60_000 });
    const res = await app.inject({ url: '/_mock/health' });
    expect(res.json()).toMatchObject({ status: 'ok', queueMode: 'lease' });
    await app.close();
  });
});
