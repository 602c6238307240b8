import { afterAll } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Screenshots land here as test artifacts (CI keeps test-results/). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/**
 * Debian's Chromium driven by playwright-core (no browser download), with the flags this
 * machine needs: no sandbox as root, no GPU, and no background calls to Google's hosts.
 */
export function browsers(): () => Promise<Browser> {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });
  return async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser ??= await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    return browser;
  };
}

/** Opens pages of a given width on `browser()`, each collecting its script and console errors. */
export function pageOpener(browser: () => Promise<Browser>): (width?: number) => Promise<{ page: Page; errors: string[] }> {
  return async (width = 1280) => {
    const page = await (await browser()).newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    return { page, errors };
  };
}

/** How many pixels the page is wider than the window: 0 when nothing scrolls sideways. */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document
      .documentElement;
    return d.scrollWidth - d.clientWidth;
  });
}
