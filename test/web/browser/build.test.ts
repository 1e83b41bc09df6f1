// web/client/build.ts: the page bundled in memory by esbuild — the html references exactly
// /app.js and /app.css, the script is one browser bundle with cytoscape in it, and the result is
// built once per process.

import { describe, expect, it } from "vitest";
import { buildClient } from "../../../web/client/build.ts";

describe("buildClient", () => {
  it("bundles the page: html referencing /app.js and /app.css, the script and the stylesheet", async () => {
    const { html, js, css } = await buildClient();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<script src="/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/app.css">');
    expect([...html.matchAll(/(?:src|href)="(\/[^"]*)"/g)].map((m) => m[1])).toEqual(["/app.css", "/app.js"]);
    // One self-contained browser script: no import statements left, cytoscape bundled in.
    expect(js).not.toMatch(/^import /m);
    expect(js).toContain("cytoscape");
    expect(js).toContain("/api/events/stream");
    expect(css).toContain("#graph");
  });

  it("builds once per process", async () => {
    const [a, b] = await Promise.all([buildClient(), buildClient()]);
    expect(a).toBe(b);
    expect(await buildClient()).toBe(a);
  });
});
