// The contract between the two halves of differential fidelity (issue 8): `fidelity/realize`
// builds a booted simulated host for real in network namespaces and runs a shell script there;
// `fidelity/diff` runs the same script in simulation, normalises both sets of captures and compares
// them. Both key captures by `node:dev` with the simulator's names (`dom0:vif1.0`, `testxen:eth0`,
// `router:eth1`, `www:eth0`), and both sides use the same MACs, so one role map reads both.

/** One frame as a capture holds it; `time` in µs from the start of the script (negative: during setup/boot). */
export interface Seen {
  readonly time: number;
  readonly frame: Uint8Array;
}

/** Every interface's frames, keyed `node:dev`. */
export type CaptureSet = ReadonlyMap<string, readonly Seen[]>;

/** What a run of a script produced, on either side. */
export interface ScriptRun {
  readonly side: "sim" | "real";
  readonly captures: CaptureSet;
  /** The transcript: each line after the prompt, then its output (real: the real tools' output). */
  readonly transcript: string;
  /** Script lines that this side could not run, with why (e.g. `xm create` is simulation-only). */
  readonly skipped: readonly { readonly line: number; readonly text: string; readonly reason: string }[];
}

/** How a realisation is bounded and where it keeps its files. */
export interface RealizeOptions {
  /** Kill everything and clean up after this many seconds (default 120). */
  readonly timeoutSeconds?: number;
  /** Keep the namespaces' pcaps, dnsmasq leases and the generated bash script here (default: a temp dir, removed). */
  readonly keepDir?: string;
  /** Progress lines (namespace created, lease obtained, command started). */
  readonly log?: (line: string) => void;
}
