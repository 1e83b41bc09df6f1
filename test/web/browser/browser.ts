// Driving Debian's chromium for the web view's browser tests (playwright-core, never `playwright
// install`). Without /usr/bin/chromium the tests are skipped with a reason, except under CI, where
// its absence must fail them. Screenshots go to test-output/screenshots/ (gitignored).

import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { CHROMIUM, launchChromium } from "../../../bench/chromium.ts";

export { launchChromium };

/** Where the tests save their screenshots. */
export const SCREENSHOTS = join(process.cwd(), "test-output", "screenshots");

/** Whether to run the browser tests: always in CI (where a missing chromium must fail), else only when it is installed. */
export function shouldRunBrowser(): boolean {
  if (existsSync(CHROMIUM) || process.env.CI) return true;
  console.warn(`skipping the web view's browser tests: ${CHROMIUM} is not installed (apt-get install chromium)`);
  return false;
}

/** A page at 1400×900 that records console errors and uncaught exceptions into `errors`. */
export async function openPage(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.evaluate(() => (window as unknown as { xennet: { ready: Promise<void> } }).xennet.ready);
  return page;
}

/** Saves a screenshot as test-output/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.waitForTimeout(150); // let cytoscape paint its last frame
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
