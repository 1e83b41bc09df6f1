// The golden-file check every test shares: compares text with test/golden/<name>, and (re)writes
// the file only when UPDATE_GOLDEN=1 — a diff that is reviewed, never an automatic pass.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expect } from "vitest";

const GOLDEN_DIR = resolve(import.meta.dirname, "golden");

/** Compares `text` with test/golden/<name>; with UPDATE_GOLDEN=1 (re)writes the file instead. */
export function expectGolden(name: string, text: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing: run once with UPDATE_GOLDEN=1 and review it`);
  expect(text).toBe(readFileSync(path, "utf8"));
}
