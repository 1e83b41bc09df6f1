// The outcome of a xend operation. Long ones (create, save, restore, attaching a device) take
// virtual time — building a domain, waiting for hotplug scripts, streaming memory — so they return
// an Op that completes later in the simulation; callers that act like xm run the simulation until it
// is done. Failures carry xend's message, or mark an unknown domain (xm prints that one itself).

/** Why xend refused or failed. */
export type XendFailure =
  | { readonly kind: "invalid-domain"; readonly domain: string }
  | { readonly kind: "error"; readonly message: string };

/** A result of a xend call. */
export type XendResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: XendFailure };

/** A success. */
export function ok<T>(value: T): XendResult<T> {
  return { ok: true, value };
}

/** xend's error with this message. */
export function xendError<T = never>(message: string): XendResult<T> {
  return { ok: false, failure: { kind: "error", message } };
}

/** XendInvalidDomain: no domain of that name or id. */
export function noDomain<T = never>(domain: string): XendResult<T> {
  return { ok: false, failure: { kind: "invalid-domain", domain } };
}

/** An operation in progress. */
export class Op<T> {
  private outcome: XendResult<T> | undefined;
  private readonly waiting: ((r: XendResult<T>) => void)[] = [];

  /** An operation that is already over. */
  static done<T>(result: XendResult<T>): Op<T> {
    const op = new Op<T>();
    op.finish(result);
    return op;
  }

  get done(): boolean {
    return this.outcome !== undefined;
  }

  /** The result; throws if not done (a caller bug). */
  get result(): XendResult<T> {
    if (this.outcome === undefined) throw new Error("Op: not finished yet");
    return this.outcome;
  }

  /** Completes the operation (only the first call counts). */
  finish(result: XendResult<T>): void {
    if (this.outcome !== undefined) return;
    this.outcome = result;
    for (const fn of this.waiting.splice(0)) fn(result);
  }

  /** Runs `fn` with the result, now if done. */
  then(fn: (r: XendResult<T>) => void): void {
    if (this.outcome !== undefined) fn(this.outcome);
    else this.waiting.push(fn);
  }
}
