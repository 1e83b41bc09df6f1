// An expected failure of a request (unknown domain, a path outside the simulated root, a file its
// parser refuses), with the HTTP status the server's one error handler answers it with.
import type { DiagnosticView } from "../api-types.ts";

/** An expected error: the server answers `{ error, diagnostics? }` with `status`. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly diagnostics?: readonly DiagnosticView[],
  ) {
    super(message);
  }
}
