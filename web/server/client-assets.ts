// The page itself: `/`, `/app.js` and `/app.css` from web/client/build.ts's buildClient (bundled in
// memory by esbuild) on first request. A client that does not build (a broken checkout) leaves the
// API working and answers the page with 503 JSON.
import type { Express, Response } from "express";
import { buildClient } from "../client/build.ts";
import { RequestError } from "../session/index.ts";

async function bundle(): ReturnType<typeof buildClient> {
  try {
    return await buildClient();
  } catch (error) {
    throw new RequestError(503, `the web page is not available: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function serve(res: Response, type: string, text: string): void {
  res.set({ "Content-Type": type, "Cache-Control": "no-cache" }).send(text);
}

/** Adds the page routes. */
export function clientRoutes(app: Express): void {
  app.get("/", async (_req, res) => serve(res, "text/html; charset=utf-8", (await bundle()).html));
  app.get("/app.js", async (_req, res) => serve(res, "text/javascript; charset=utf-8", (await bundle()).js));
  app.get("/app.css", async (_req, res) => serve(res, "text/css; charset=utf-8", (await bundle()).css));
}
