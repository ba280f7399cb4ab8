import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/**
 * Call at the top of a browser suite: skips it with one line where no Chromium exists, and
 * fails in CI, which installs Chromium so these tests always run there.
 */
export function requireChromium(suite: string): boolean {
  if (!hasChromium && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: CI installs chromium, so the browser tests must run there`);
  if (!hasChromium) console.warn(`${suite}: browser tests skipped, no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  return hasChromium;
}

/**
 * Debian's Chromium, headless, with a fresh profile. Without the background-networking flags it
 * floods this machine's closed network with connection attempts.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'mock-concur-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export const SCREENSHOTS = 'test-artifacts/screenshots';

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
