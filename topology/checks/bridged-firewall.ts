// services/bridged-forward-drop: a dom0 whose FORWARD chain drops by default, with bridged guests.
// On Squeeze's 2.6.32 kernel br_netfilter is built in and net.bridge.bridge-nf-call-iptables
// defaults to 1, so every IPv4 frame xenbr0 forwards between a guest's vif and the uplink (or
// another vif) traverses iptables' FORWARD chain with the bridge as both devices. A FORWARD policy
// DROP (or a catch-all `-A FORWARD -j DROP`/`REJECT`) then cuts every bridged guest off, unless a
// rule accepts bridged traffic first — the usual one is `-A FORWARD -m physdev --physdev-is-bridged
// -j ACCEPT` (or `-i xenbr0`/`-o xenbr0`). The simulator applies the rules for real (netsim's
// br_netfilter hook); this check names the line before the reboot does.

import type { Diagnostic, Span } from "../diagnostic.ts";
import type { HostConfig } from "../host-config.ts";
import type { FirewallRule } from "../services/types.ts";
import { bridgesAtBoot, domainName, finding, vifScript, type HostCheck } from "./facts.ts";

/** Rules boot installs in filter FORWARD, in order: the restored file, then the hooks'. */
function forwardRules(c: HostConfig): FirewallRule[] {
  const fromFile = c.services.firewall.rulesFile?.accepted === true ? c.services.firewall.rulesFile.rules : [];
  return [...fromFile, ...c.services.firewall.hookRules].filter((r) => r.table === "filter" && r.chain === "FORWARD");
}

/** Where FORWARD drops everything: the chain's policy in the rules file, or a rule without a match. */
function forwardDrop(c: HostConfig, rules: readonly FirewallRule[]): { span: Span; text: string } | undefined {
  const file = c.services.firewall.rulesFile;
  const chain = file?.accepted === true ? file.tables.find((t) => t.name === "filter")?.chains.find((ch) => ch.name === "FORWARD") : undefined;
  const catchAll = rules.find((r) => ["DROP", "REJECT"].includes(r.target ?? "") && r.argv.length === 4);
  if (catchAll !== undefined) return { span: catchAll.span, text: `\`${catchAll.argv.join(" ")}\`` };
  if (chain?.policy === "DROP") return { span: chain.span, text: "the FORWARD policy DROP" };
  return undefined;
}

const DEVICE_FLAGS = ["-i", "--in-interface", "-o", "--out-interface"];
const PHYSDEV_FLAGS = ["--physdev-is-bridged", "--physdev-in", "--physdev-out"];

/** Whether an ACCEPT rule lets bridged frames of `bridges` through. */
function acceptsBridged(rule: FirewallRule, bridges: readonly string[]): boolean {
  if (rule.target !== "ACCEPT") return false;
  const a = rule.argv;
  const onBridge = a.some((w, i) => DEVICE_FLAGS.includes(w) && bridges.includes(a[i + 1] ?? ""));
  return onBridge || a.some((w) => PHYSDEV_FLAGS.includes(w));
}

/** services/bridged-forward-drop (see the file header). */
export const bridgedForwardDrop: HostCheck = (c): Diagnostic[] => {
  if (!c.services.sysctl.settings.bridgeNfCallIptables.value) return [];
  const bridges = bridgesAtBoot(c).map((b) => b.name);
  const guests = c.domains.filter((d) => d.vifs.some((v) => vifScript(c, v) === "vif-bridge"));
  if (bridges.length === 0 || guests.length === 0) return [];
  const rules = forwardRules(c);
  const drop = forwardDrop(c, rules);
  if (drop === undefined || rules.some((r) => acceptsBridged(r, bridges))) return [];
  const names = guests.map(domainName).join(", ");
  const message = `${drop.text} drops the bridged guests' traffic: with br_netfilter (net.bridge.bridge-nf-call-iptables=1, Squeeze's default) every frame ${bridges.join(", ")} forwards passes iptables' FORWARD chain, so ${names} reach nothing beyond their bridge and nothing reaches them`;
  return [finding("services/bridged-forward-drop", "error", message, drop.span, "accept bridged traffic first: `-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT`, or set net.bridge.bridge-nf-call-iptables=0")];
};
