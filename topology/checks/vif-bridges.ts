// Which bridge each bridged vif joins (xen-networking.md §2.4, vif-bridge 4.0): the spec's
// `bridge=`; when it names `xenbrN` that does not exist while `ethN` is a bridge, `ethN`; without
// `bridge=`, the first bridge `brctl show` lists (alphabetical, C locale); no bridge at all is
// fatal ("Could not find bridge device X" / "Could not find bridge, and none was specified") and the
// domain does not start ("Device 0 (vif) could not be connected").

import type { Diagnostic } from "../diagnostic.ts";
import type { HostBridge, HostConfig, HostDomain, HostVif } from "../host-config.ts";
import { bridgesAtBoot, domainName, finding, vifScript, type HostCheck } from "./facts.ts";

/** The vifs that vif-bridge will attach, with their domain. */
function bridgedVifs(c: HostConfig): { d: HostDomain; v: HostVif }[] {
  return c.domains.flatMap((d) => d.vifs.filter((v) => vifScript(c, v) === "vif-bridge").map((v) => ({ d, v })));
}

function pickNote(up: readonly HostBridge[]): string {
  const first = up[0];
  return first === undefined ? "no bridge exists at all" : `without bridge=, vif-bridge would take ${first.name}, the alphabetically first bridge`;
}

function failure(d: HostDomain, v: HostVif, what: string): string {
  return `"${what}": vif ${v.index} of ${domainName(d)} cannot be connected ("Device ${v.index} (vif) could not be connected.") and the domain does not start`;
}

/** vif/unknown-bridge and vif/bridge-not-up: `bridge=` naming a bridge that is not there when the guest starts. */
export const vifBridge: HostCheck = (c) => {
  const up = bridgesAtBoot(c);
  const out: Diagnostic[] = [];
  for (const { d, v } of bridgedVifs(c)) {
    const want = v.bridge;
    if (want === undefined || up.some((b) => b.name === want.value)) continue;
    const n = /^xenbr([0-9]+)$/.exec(want.value)?.[1];
    if (n !== undefined && up.some((b) => b.name === `eth${n}`)) continue; // vif-bridge's xenbrN -> ethN compatibility rewrite
    const defined = c.bridges.find((b) => b.name === want.value);
    if (defined === undefined) {
      const message = `bridge=${want.value}: no bridge of that name is made on this host; vif-bridge fails with ${failure(d, v, `Could not find bridge device ${want.value}`)} (${pickNote(up)})`;
      out.push(finding("vif/unknown-bridge", "error", message, want.span, up[0] === undefined ? "define the bridge in /etc/network/interfaces" : `use bridge=${up[0].name}, or define ${want.value} in /etc/network/interfaces`));
      continue;
    }
    const why = c.network.rejected ? "/etc/network/interfaces is rejected at boot" : `no \`auto ${want.value}\` line brings it up at boot`;
    const message = `bridge=${want.value}: ${want.value} is defined (${defined.span.file}:${defined.span.line}) but ${why}, so vif-bridge fails with ${failure(d, v, `Could not find bridge device ${want.value}`)}`;
    out.push(finding("vif/bridge-not-up", "error", message, want.span, `add \`auto ${want.value}\` before its iface stanza`));
  }
  return out;
};

/** vif/default-bridge: a vif without `bridge=`, and the bridge vif-bridge will choose for it. */
export const defaultBridge: HostCheck = (c) => {
  const up = bridgesAtBoot(c);
  const out: Diagnostic[] = [];
  for (const { d, v } of bridgedVifs(c)) {
    if (v.bridge !== undefined) continue;
    const first = up[0];
    if (first === undefined) {
      const message = `vif ${v.index} of ${domainName(d)} names no bridge and the host has none: vif-bridge fails with ${failure(d, v, "Could not find bridge, and none was specified")}`;
      out.push(finding("vif/default-bridge", "error", message, v.span, "define a bridge in /etc/network/interfaces (Debian's way) or enable network-bridge"));
    } else if (up.length > 1) {
      const message = `vif ${v.index} of ${domainName(d)} names no bridge: vif-bridge takes ${first.name}, the alphabetically first of ${up.map((b) => b.name).join(", ")} (the first \`brctl show\` lists)`;
      out.push(finding("vif/default-bridge", "info", message, v.span, `write bridge=${first.name} (or the one meant) in the vif`));
    }
  }
  return out;
};
