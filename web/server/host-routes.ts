// The routes over the host itself (web/api-types.ts): its graph, its domains and their buttons, xm
// and dom0 shell lines, a trace, the check report and the files of the simulated filesystem. Each
// handler only unpacks the request and calls the session.
import type { Express, Request } from "express";
import { RequestError, type HostSession } from "../session/index.ts";

/** A query parameter that must be a single string when present. */
export function queryString(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new RequestError(400, `query parameter ${name}: one value is required`);
  return value;
}

/** The JSON body as an object (400 when there is none). */
export function body(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  if (typeof b !== "object" || b === null || Array.isArray(b)) throw new RequestError(400, "a JSON object body is required (Content-Type: application/json)");
  return b as Record<string, unknown>;
}

/** Adds the host routes. */
export function hostRoutes(app: Express, session: HostSession): void {
  app.get("/api/graph", (req, res) => {
    res.json(session.graph(queryString(req, "model")));
  });
  app.get("/api/domains", (_req, res) => {
    res.json(session.domains());
  });
  app.get("/api/domains/:name/console", (req, res) => {
    res.json(session.console(String(req.params.name)));
  });
  app.post("/api/domains/:name/:action", (req, res) => {
    res.json(session.domainAction(String(req.params.name), String(req.params.action)));
  });
  app.post("/api/xm", (req, res) => {
    res.json(session.xm(body(req).args));
  });
  app.post("/api/shell", (req, res) => {
    res.json(session.shellLine(body(req).line));
  });
  app.post("/api/trace", (req, res) => {
    res.json(session.trace(body(req)));
  });
  app.get("/api/check", (_req, res) => {
    res.json(session.check());
  });
  app.get("/api/files", (req, res) => {
    res.json(session.readFile(queryString(req, "path")));
  });
  app.put("/api/files", (req, res) => {
    const b = body(req);
    res.json(session.writeFile(b.path, b.text));
  });
}
