// The result union every codec returns instead of throwing on bad bytes (STYLE.md rule 4). Bytes from
// the wire are untrusted input: a parser reports why it refused them so a device can drop the frame
// and trace the reason, as ns-3 traces every drop and smoltcp returns `Error::Truncated` etc.

/** Why bytes were refused. */
export type WireErrorReason =
  | "truncated" // fewer bytes than a length field or a fixed header needs
  | "bad-checksum" // a checksum does not verify
  | "bad-length" // a length field is impossible (smaller than its own header, …)
  | "bad-version" // version field / magic number is not the one this codec reads
  | "unsupported" // well-formed but outside what the codec models (hardware type, link type, …)
  | "malformed"; // any other structural violation (bad option length, missing terminator, …)

/** A refusal: the reason, the layer that refused (`ipv4`, `udp`, `pcapng`, …) and a readable message. */
export interface WireError {
  readonly reason: WireErrorReason;
  readonly layer: string;
  readonly message: string;
}

/** Success with a value, or failure with a {@link WireError}. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** Wraps a value as a success. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failure; `message` is prefixed with the layer, e.g. `udp: length 4 < 8`. */
export function fail<T = never>(reason: WireErrorReason, layer: string, message: string): Result<T> {
  return { ok: false, error: { reason, layer, message: `${layer}: ${message}` } };
}

/** Unwraps a success or throws: for tests and for bytes this program built itself (a failure is a bug). */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new Error(result.error.message);
}
