// Debian's chromium, headless, driven by playwright-core (never `playwright install`): for the
// web-graph benchmark and the web view's browser tests (test/web/browser/browser.ts).
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Launches headless chromium; throws when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
