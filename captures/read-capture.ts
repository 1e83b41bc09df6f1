// One entry point for reading captures: it looks at the first four bytes and hands the file to the
// classic microsecond reader (pcap-parser), the nanosecond reader or the pcapng reader, in either
// byte order. Unknown or cut-short files give a result with a clear reason, never an exception.

import { fail } from "../netsim/wire/result.ts";
import type { Result } from "../netsim/wire/result.ts";
import type { Capture } from "./capture.ts";
import { readMicrosPcap, readNanosPcap } from "./read-pcap.ts";
import { readPcapng } from "./read-pcapng.ts";

/** Reads a classic (µs or ns) pcap or a pcapng file. */
export function readCapture(bytes: Uint8Array): Result<Capture> {
  if (bytes.length < 4) return fail("truncated", "capture", `file of ${bytes.length} bytes has no magic number`);
  const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
  switch (magic) {
    case "a1b2c3d4":
    case "d4c3b2a1":
      return readMicrosPcap(bytes);
    case "a1b23c4d":
    case "4d3cb2a1":
      return readNanosPcap(bytes);
    case "0a0d0d0a":
      return readPcapng(bytes);
    default:
      return fail("unsupported", "capture", `unknown magic number 0x${magic}: not a pcap or pcapng file`);
  }
}
