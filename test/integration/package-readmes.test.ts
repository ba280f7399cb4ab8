import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startMockConcur, type StartedMockConcur } from 'mock-concur';
import { runSnippet, testedSnippets } from '../support/readme-snippets.js';

/** A package README's one tested snippet, run as its own program. */
function runReadme(readme: string, env: Record<string, string> = {}): Promise<string> {
  const [snippet] = testedSnippets(readme);
  if (!snippet) throw new Error(`${readme} has no tested snippet`);
  return runSnippet(readme.split('/')[0]!, snippet, env);
}

describe("each package README's snippet runs as written", () => {
  let mock: StartedMockConcur;
  beforeAll(async () => {
    mock = await startMockConcur({ logLevel: 'silent' });
  });
  afterAll(() => mock.close());
  beforeAll(() => mock.state.reset());

  it('mock-concur: startMockConcur, the typed control client, a fault', async () => {
    expect((await runReadme('mock-concur/README.md')).trim()).toBe('12 503 demo-consumer-key');
  });

  it('concur-partner-client: an admin token, a page of requests, each request token exchanged', async () => {
    const out = await runReadme('client/README.md', { CONCUR_BASE_URL: mock.url });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(10);
    for (const line of lines) expect(line).toMatch(new RegExp(`^\\S+ token for ${mock.url.replace(/[.]/g, '\\.')}/?$`));
  });

  it('concur-auto-connect: one cycle with a members matcher connects the demo traveller', async () => {
    mock.state.reset();
    // The demo traveller (loyalty number 7000000001) asks to connect, beside the 12 generated ones.
    await mock.control.addConnectionRequest({ loginId: DEMO.traveler.loginId });
    const out = await runReadme('auto-connect/README.md', { CONCUR_BASE_URL: mock.url });
    expect(out).toContain('store TL-7000000001 true');
    expect(out).toMatch(/CRSUC: 1\b/);
    expect((await mock.control.health()).connectionRequests.Pending).toBe(0);
  });

  it('concur-contracts: verifyProvider against the mock, every interaction passing', async () => {
    const out = await runReadme('contracts/README.md', { CONCUR_BASE_URL: mock.url });
    expect(out).toMatch(/\b0 failed\b/);
  });
});
