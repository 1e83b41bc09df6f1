// The network outside the simulated host: the world file (`xennet-world.json`: LAN subnet, router
// with DHCP and masquerading, internet and LAN hosts, dom0's cards), its checks with line:column
// diagnostics, the standard LAN used without one, and the netsim nodes built from it.

import type { Diagnostic, FileReader, Parsed } from "../../topology/index.ts";
import { DEFAULT_WORLD, readWorld, type WorldSpec } from "./world-spec.ts";

export { parseJson, member, type JsonMember, type JsonNode } from "./json-spans.ts";
export { DEFAULT_WORLD, RESERVED_NAMES, inSubnet, readWorld, stableMac, type WorldDhcp, type WorldHost, type WorldSpec } from "./world-spec.ts";
export { NEGOTIATION_US, World } from "./world.ts";

/** Where a host root keeps its world file. */
export const WORLD_FILE = "/xennet-world.json";

/** The world of a root: its `/xennet-world.json` when there is one, else the standard LAN. */
export function worldOfRoot(root: FileReader | undefined, path = WORLD_FILE): Parsed<WorldSpec> {
  const text = root?.readFile(path);
  return text === undefined ? { value: DEFAULT_WORLD, diagnostics: [] } : readWorld(text, path);
}

/** True when a world read without errors (warnings are fine). */
export function worldUsable(diagnostics: readonly Diagnostic[]): boolean {
  return !diagnostics.some((d) => d.severity === "error");
}
