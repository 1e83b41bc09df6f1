// What xend runs once when it starts: the `(network-script …)` of xend-config.sxp with `start` and
// its VAR=VAL words (xen-networking.md §1.1; xend never runs it with `stop`). network-bridge is in
// network-bridge.ts; here are the others:
//
// network-route: `echo 1 > /proc/sys/net/ipv4/ip_forward` and `echo 1 >
//   /proc/sys/net/ipv4/conf/${netdev}/proxy_arp`, where 4.0's default netdev is `eth${vifnum}` with
//   vifnum never set — `conf/eth/proxy_arp` does not exist, bash says so on stderr and proxy ARP on
//   the uplink stays off unless `netdev=eth0` is given (fixed in 4.1, whose default is eth0).
// network-nat (`#!/bin/bash -x`, so every command is traced to stderr): ip_forward on, `iptables
//   -t nat -A POSTROUTING -o ${netdev} -j MASQUERADE` (appended again on every start), and with
//   dhcp (default yes only when /etc/dhcpd.conf exists) the 10.0.0.0/16 subnet added once to
//   dhcpd.conf and dhcpd restarted.
// network-dummy: nothing.
// A script that is not there: xend logs the failure and carries on.

import { xenAtLeast, type ScriptCall } from "../../topology/index.ts";
import { Dhcpd, findDhcpdFiles } from "./dhcpd.ts";
import { networkBridgeStart } from "./network-bridge.ts";
import { iptables, PROGRAM_US, scriptVars, type ScriptHost } from "./script-host.ts";

/** The scripts Xen 4.0 ships in /etc/xen/scripts that xend may run at start. */
export const NETWORK_SCRIPTS = ["network-bridge", "network-route", "network-nat", "network-dummy"] as const;

/** Runs xend's network script (null: none configured); `done` when it has finished. */
export function runNetworkScript(h: ScriptHost, call: ScriptCall | null, dhcpd: Dhcpd, done: () => void): void {
  if (call === null) return done();
  const name = call.script.slice(call.script.lastIndexOf("/") + 1);
  const vars = scriptVars(call.vars);
  const finish = (): void => void h.sim.schedule(PROGRAM_US, done);
  switch (name) {
    case "network-bridge":
      return networkBridgeStart(h, vars, finish);
    case "network-route":
      networkRoute(h, vars);
      return finish();
    case "network-nat":
      networkNat(h, vars, dhcpd);
      return finish();
    case "network-dummy":
      return finish();
    default:
      h.log(`/etc/xen/scripts/${name}: No such file or directory\n`);
      return finish();
  }
}

/** network-route start (see the file header). */
export function networkRoute(h: ScriptHost, vars: Readonly<Record<string, string>>): void {
  const netdev = vars["netdev"] ?? (xenAtLeast(h.xen, 4, 1) ? "eth0" : `eth${vars["vifnum"] ?? ""}`);
  h.stack.writeSysctl("/proc/sys/net/ipv4/ip_forward", "1");
  const path = `/proc/sys/net/ipv4/conf/${netdev}/proxy_arp`;
  // Line 27 of the 4.0 script (the echo after `netdev=${netdev:-eth${vifnum}}`).
  if (h.stack.writeSysctl(path, "1") !== undefined) h.log(`/etc/xen/scripts/network-route: line 27: ${path}: No such file or directory\n`);
}

/** network-nat start (see the file header). */
export function networkNat(h: ScriptHost, vars: Readonly<Record<string, string>>, dhcpd: Dhcpd): void {
  const netdev = vars["netdev"] ?? "eth0";
  const dhcp = vars["dhcp"] ?? (h.fs.stat("/etc/dhcpd.conf")?.kind === "file" ? "yes" : "no");
  const trace = (line: string) => h.log(`+ ${line}\n`);
  trace(`netdev=${netdev}`);
  trace(`dhcp=${dhcp}`);
  const files = findDhcpdFiles(h.fs);
  if (dhcp !== "no" && (files.conf === undefined || files.init === undefined)) {
    trace("echo 'Failed to find dhcpd configuration or init file.'");
    h.log("Failed to find dhcpd configuration or init file.\n+ exit 1\n");
    return;
  }
  trace("echo 1");
  h.stack.writeSysctl("/proc/sys/net/ipv4/ip_forward", "1");
  trace(`iptables -t nat -A POSTROUTING -o ${netdev} -j MASQUERADE`);
  iptables(h, ["-t", "nat", "-A", "POSTROUTING", "-o", netdev, "-j", "MASQUERADE"]);
  if (dhcp === "no" || files.conf === undefined || files.init === undefined) return;
  const conf = h.fs.readFile(files.conf) ?? "";
  if (!conf.includes("subnet 10.0.0.0")) {
    const resolv = h.fs.readFile("/etc/resolv.conf") ?? "";
    const domain = /^\s*(?:search|domain)\s+(\S+)/im.exec(resolv)?.[1] ?? "";
    const ns = /^\s*nameserver\s+(\S+)/im.exec(resolv)?.[1] ?? "";
    h.fs.appendFile(files.conf, `subnet 10.0.0.0 netmask 255.255.0.0 { option domain-name "${domain}"; option domain-name-servers ${ns}; }\n`);
  }
  trace(`${files.init} restart`);
  dhcpd.restart(files);
}
