// The page itself: `/`, `/app.js` and `/app.css` from web/client/build.ts's buildClient (bundled in
// memory by esbuild). The client is loaded on first request, so a server without it (or with a
// client that does not build) still serves the API and answers the page with 503 JSON.
import type { Express, Response } from "express";
import { RequestError } from "../session/index.ts";

interface ClientBundle {
  readonly html: string;
  readonly js: string;
  readonly css: string;
}

/** Where the client's builder is, loaded lazily (kept in a variable: the module may be absent). */
const BUILD_MODULE = "../client/build.ts";

async function bundle(): Promise<ClientBundle> {
  try {
    const mod = (await import(BUILD_MODULE)) as { buildClient(): Promise<ClientBundle> };
    return await mod.buildClient();
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
