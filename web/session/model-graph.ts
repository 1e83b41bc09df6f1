// "The same host under the bridge, routing and NAT models": a fresh simulation of the served
// host's files as they are now, with xend-config.sxp's network-script and vif-script switched
// (laid over the SimFs in memory: neither the served host nor --root is touched), the guests' disk
// images copied in (their contents are immutable GuestImage records, so sharing them is safe;
// save files, which carry a live guest, are not copied), booted, the guests that run on the served
// host started from their configs, and left to settle for the guests' leases. A host already under
// the model asked for keeps its files as they are (its scripts' arguments, or the Debian way of
// bridging from /etc/network/interfaces, stay); otherwise the model's two scripts replace xend's.
import { Machine } from "../../hypervisor/machine/machine.ts";
import { isSwapArea } from "../../hypervisor/domains/disks.ts";
import { isGuestImage } from "../../hypervisor/guest/guest-image.ts";
import type { SimFs } from "../../hypervisor/sim-fs.ts";
import { Dom0Shell } from "../../hypervisor/shell/index.ts";
import { SECOND } from "../../netsim/engine/sim.ts";
import type { LiveGraph } from "../api-types.ts";
import { overlayReader } from "./files.ts";
import { liveGraph } from "./live-graph.ts";
import { RequestError } from "./request-error.ts";

const XEND_CONFIG = "/etc/xen/xend-config.sxp";
/** Simulated seconds the other-model host gets for its guests to boot and take leases. */
const SETTLE_S = 60;

/** The Xen network models the page compares. */
export const MODELS = ["bridge", "route", "nat"] as const;

const SCRIPTS: Readonly<Record<(typeof MODELS)[number], readonly [string, string]>> = {
  bridge: ["network-bridge", "vif-bridge"],
  route: ["network-route", "vif-route"],
  nat: ["network-nat", "vif-nat"],
};

/** The live graph of `machine`'s host under another network model; 400 for an unknown model. */
export function modelGraph(machine: Machine, model: string, seed: number): LiveGraph {
  if (!(MODELS as readonly string[]).includes(model)) throw new RequestError(400, `model must be one of ${MODELS.join(", ")}, not "${model}"`);
  const fs = machine.xen.fs;
  const current = machine.files?.config.xend.model;
  // debian-bridge (no network script, bridges from /etc/network/interfaces) is a bridge model.
  const keep = model === (current === "debian-bridge" ? "bridge" : current);
  const [network, vif] = SCRIPTS[model as (typeof MODELS)[number]];
  const root = keep ? fs : overlayReader(fs, XEND_CONFIG, switchScripts(fs.readFile(XEND_CONFIG) ?? "", network, vif));
  const other = new Machine({ seed, root, world: machine.world.spec });
  copyDiskImages(fs, other.xen.fs);
  other.boot();
  const shell = new Dom0Shell(other);
  const running = new Set(other.xen.hypervisor.domains().map((d) => d.name));
  const notes: string[] = [];
  for (const dom of machine.xen.hypervisor.domains()) {
    if (dom.privileged || running.has(dom.name)) continue;
    const cfg = [`/etc/xen/${dom.name}.cfg`, `/etc/xen/${dom.name}`].find((p) => other.xen.fs.readFile(p) !== undefined);
    if (cfg === undefined) {
      notes.push(`${dom.name}: no config under /etc/xen to start it from`);
      continue;
    }
    const r = shell.run(`xm create ${cfg}`);
    if (r.exitCode !== 0) notes.push(`${dom.name} does not start under ${model}: ${(r.stderr || r.stdout).trim().split("\n").at(-1)}`);
  }
  other.sim.runFor(SETTLE_S * SECOND);
  return { ...liveGraph(other), ...(notes.length > 0 ? { notes } : {}) };
}

/** xend-config.sxp with its network-script and vif-script lines replaced by the given scripts. */
export function switchScripts(text: string, network: string, vif: string): string {
  const kept = text.split("\n").filter((line) => !/^\s*\((network-script|vif-script)\b/.test(line));
  return [...kept, `(network-script ${network})`, `(vif-script ${vif})`, ""].join("\n");
}

/** Copies the guest disk and swap images written in `from` (text files are read through the overlay). */
function copyDiskImages(from: SimFs, to: SimFs): void {
  for (const path of from.writtenPaths()) {
    const attachment = from.attachment(path);
    const stat = from.stat(path);
    if (stat?.kind !== "file" || !(isGuestImage(attachment) || isSwapArea(attachment))) continue;
    to.mkdir(path.slice(0, path.lastIndexOf("/")) || "/", { parents: true });
    to.writeFile(path, from.readBytes(path, 0, 0) ?? new Uint8Array(0), { size: stat.size, allocated: stat.allocated, mode: stat.mode, attachment });
  }
}
