// The web server's one error handler: every failure of a request becomes an ApiError JSON body
// with its status — RequestError's own (404 unknown domain, 400 bad path, 422 a file its parser
// refuses...), body-parser's (413 body over the limit, 400 malformed JSON), 404 for an unknown
// route, and 500 for a bug (logged on the server's stderr, as any unexpected exception).
import type { NextFunction, Request, Response } from "express";
import type { ApiError } from "../api-types.ts";
import { RequestError } from "../session/index.ts";

/** The handler for routes nobody serves: 404 as JSON. */
export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new RequestError(404, `no route ${req.method} ${req.path}`));
}

/** The error handler; registered last. */
export function errorHandler(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(error);
    return;
  }
  const { status, body } = describe(error);
  res.status(status).json(body);
}

function describe(error: unknown): { status: number; body: ApiError } {
  if (error instanceof RequestError) {
    return { status: error.status, body: error.diagnostics ? { error: error.message, diagnostics: error.diagnostics } : { error: error.message } };
  }
  // body-parser and express mark the client's errors with `status` (and `expose`).
  const e = error as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; type?: unknown };
  const status = typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const message = e.type === "entity.too.large" ? "request body too large" : typeof e.message === "string" ? e.message : "bad request";
    return { status, body: { error: message } };
  }
  console.error(error);
  return { status: 500, body: { error: `internal error: ${error instanceof Error ? error.message : String(error)}` } };
}
