// `xennet serve` as a user runs it: a child process (`tsx cli/main.ts serve --port 0`) that prints
// the URL it serves, answers the API there, and exits 0 on SIGINT; a bad --port is exit status 2.
import { spawn, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const ARGS = ["--import", "tsx", "cli/main.ts"];

describe("xennet serve", () => {
  it("serves the handbook host on a free port and stops cleanly on SIGINT", async () => {
    const child = spawn(process.execPath, [...ARGS, "serve", "--port", "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b) => (out += String(b)));
    child.stderr.on("data", (b) => (err += String(b)));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no URL printed: ${out}${err}`)), 30_000);
        child.stdout.on("data", () => {
          const m = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (m) {
            clearTimeout(timer);
            done(m[1]!);
          }
        });
      });
      expect(out).toMatch(/^xennet: serving .*examples\/handbook at http:\/\/127\.0\.0\.1:\d+\/ \(Ctrl-C stops\)\n$/);
      const clock = await (await fetch(`${url}/api/clock`)).json();
      expect(clock).toMatchObject({ playing: false });
      expect(clock.cursor).toBe(clock.latest);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
    expect(err).toBe("");
  });

  it("refuses a port that is not a number with exit status 2", () => {
    const run = spawnSync(process.execPath, [...ARGS, "serve", "--port", "http"], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('xennet: --port must be 0-65535, not "http"\n');
  });
});
