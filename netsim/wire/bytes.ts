// Big-endian (network order) integer access to byte arrays, used by every codec. Callers check bounds
// first (a view's constructor does), so these read without further tests.

/** Writes a 16-bit big-endian value at `offset`. */
export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 8) & 0xff;
  bytes[offset + 1] = value & 0xff;
}

/** Reads a 16-bit big-endian value at `offset` (caller has checked the bounds). */
export function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

/** Reads a 32-bit big-endian unsigned value at `offset` (caller has checked the bounds). */
export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

/** Writes a 32-bit big-endian unsigned value at `offset`. */
export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 24) & 0xff;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

/** Latin-1 text of bytes, one character per byte (so it re-encodes byte for byte). */
export function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}
