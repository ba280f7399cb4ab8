import { describe, expect, it } from 'vitest';
import { runSnippet, testedSnippets } from '../support/readme-snippets.js';

// The README's marked snippets, taken from the README itself and run as written, each with a
// few lines appended that print what it left behind, so they cannot drift from the code.
describe('README snippets', () => {
  const [install, inProcess, inject] = testedSnippets('README.md');

  it('finds the three marked snippets', () => {
    expect([install, inProcess, inject].every((s) => typeof s === 'string' && s.length > 0)).toBe(true);
  });

  it('Install: startMockConcur, the client against it, the typed control client', async () => {
    const out = await runSnippet('readme-install', `${install}\nconsole.log(JSON.stringify({ items: page.items.length, url: mock.url }));\n`);
    const result = JSON.parse(out.trim().split('\n').pop()!) as { items: number; url: string };
    expect(result.items).toBe(5);
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('startMockConcur: clock, a fault through mock.control, close', async () => {
    const probe = inProcess!.replace('await mock.close();', "const answer = await fetch(`${mock.url}/api/v3.2/common/connectionrequests`);\nconsole.log(answer.status, (await mock.control.faults()).length);\nawait mock.close();");
    expect(probe).not.toBe(inProcess);
    expect((await runSnippet('readme-in-process', probe)).trim()).toBe('503 1');
  });

  it('buildMockConcur with inject()', async () => {
    const out = await runSnippet('readme-inject', `${inject}\nconsole.log(JSON.stringify(res.json()));\nawait app.close();\n`);
    expect(JSON.parse(out.trim())).toMatchObject({ status: 'ok', queueMode: 'lease' });
  });
});
