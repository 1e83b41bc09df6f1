// xen-create-image 4.2's checks before it touches anything (checkSystem's testXenConfig warning about
// xend-config.sxp, checkArguments with its messages, domains.md §8.1), the log file set-up with its
// rotation (<host>.log → <host>.0.log, older .N.log → .N+1.log; mode 0640 in a 0750 directory),
// the default partitions (swap then root) and the deterministic MAC (MD5 of hostname, IPs, dhcp and
// dist: 00:16:3E and the first three bytes, upper case).

import { createHash } from "node:crypto";
import type { RunContext } from "./run-context.ts";

/** testXenConfig: warns when xend-config.sxp lacks, or uses a dummy, network-script or vif-script. */
export function testXenConfig(run: RunContext): void {
  const fs = run.h.fs;
  if (!fs.isDir("/etc/xen")) return;
  const lines = (fs.readFile("/etc/xen/xend-config.sxp") ?? "").split("\n");
  const vif = lines.map((l) => /^\(vif-script ([^)]+)/.exec(l)?.[1]).find((x) => x !== undefined);
  const net = lines.map((l) => /^\(network-script ([^)]+)/.exec(l)?.[1]).find((x) => x !== undefined);
  if (vif === undefined || net === undefined) {
    run.print(
      "\nWARNING\n-------\n\n  You appear to have a missing vif-script, or network-script, in the\n Xen configuration file /etc/xen/xend-config.sxp.\n\n" +
        "  Please fix this and restart Xend, or your guests will not be able\n to use any networking!\n\n",
    );
  } else if (/dummy/i.test(net) || /dummy/i.test(vif)) {
    run.print(
      'WARNING\n-------\n\n  You appear to have a "dummy" vif-script, or network-script, setting\n in the Xen configuration file /etc/xen/xend-config.sxp.\n\n' +
        "  Please fix this and restart Xend, or your guests will not be able to\n use any networking!\n\n",
    );
  }
}

const INSTALL_METHOD_HELP =
  "  Please specify the installation method to use, along with a source\n if that is required.\n\n  For example:\n\n" +
  "     --install-method=copy        --install-source=/some/path\n     --install-method=debootstrap\n     --install-method=rinse\n" +
  "     --install-method=rpmstrap\n     --install-method=tar         --install-source=/some/file.tar\n\n";

/** checkArguments; false when the run must stop (FAIL and the message already set). */
export function checkArguments(run: RunContext): boolean {
  const v = run.cfg.values;
  const stop = (text: string, logged = true) => {
    if (logged) run.logprint(text);
    else run.print(text);
    run.fail = 1;
    return false;
  };
  if (!v.has("dist")) return stop("The '--dist' argument is mandatory\n");
  if (!v.has("hostname")) return stop("The '--hostname' argument is mandatory.\n");
  const dist = v.get("dist")!;
  if (/lucid|maverick|natty/.test(dist)) v.set("pygrub", "1");
  if (!run.get("mirror") && run.get(`mirror_${dist}`)) v.set("mirror", v.get(`mirror_${dist}`)!);
  if (run.get("lvm") || run.get("evms") || run.get("image-dev")) v.set("image", "full");
  const method = (v.get("install-method") ?? "").toLowerCase();
  let valid = ["copy", "debootstrap", "cdebootstrap", "rinse", "rpmstrap", "tar"].includes(method) || !v.has("install-method");
  if (method === "cdebootstrap") {
    v.set("install-method", "debootstrap");
    v.set("debootstrap-cmd", "cdebootstrap");
  }
  if ((method === "copy" || method === "tar") && !v.has("install-source")) valid = false;
  if (!valid) return stop(INSTALL_METHOD_HELP, false);
  const roledir = run.get("roledir");
  if (roledir && !run.h.fs.isDir(roledir)) return stop(`The specified role directory '${roledir}' does not exist\n`);
  if (run.is("swap-dev") && run.is("noswap")) return stop("Please choose either swap-dev or noswap, not both!\n");
  if (run.get("image-dev") && !run.get("swap-dev") && !run.is("noswap")) return stop("Please choose swap-dev or noswap with image-dev!\n");
  return checkNetworking(run, stop);
}

function checkNetworking(run: RunContext, stop: (text: string) => boolean): boolean {
  const cfg = run.cfg;
  if (run.is("dhcp") && cfg.ips.length > 0) {
    if (/^([0-9]+)\.([0-9]+)\.([0-9]+)\.*$/.test(cfg.ips[cfg.ips.length - 1]!)) cfg.ips = [];
    else return stop("Please choose either DHCP or static usage, not both!\n");
  }
  if (!run.is("dhcp") && cfg.ips.length === 0) {
    run.logprint("Please choose one of:\n");
    run.logprint(" --dhcp\n");
    return stop(" --ip xx.xx.xx.xx\n");
  }
  if (cfg.ips.length > 0) {
    if (!cfg.values.has("gateway")) run.logprint("WARNING:  No gateway address specified!\n");
    if (!cfg.values.has("netmask")) run.logprint("WARNING:  No netmask address specified!\n");
  }
  if (!run.get("mac")) cfg.values.set("mac", generateMac(run));
  const output = run.get("output") ?? "";
  if (!run.h.fs.isDir(output)) {
    run.print(`  The output directory for creating the xen configuration file within\n doesn't exist:\n\n           ${output}\n\n  Aborting.\n\n`);
    run.fail = 1;
    return false;
  }
  return true;
}

/** generateMACAddress: 00:16:3E + the first three bytes of MD5(hostname ip dhcp dist), upper case. */
export function generateMac(run: RunContext): string {
  let data = "";
  for (const key of ["hostname", "ip", "dhcp", "dist"]) {
    if (key === "ip") data += run.cfg.ips.join(",");
    else if (run.is(key)) data += run.cfg.values.get(key);
  }
  const hash = createHash("md5").update(data, "utf8").digest("hex");
  return `00:16:3E:${hash.slice(0, 2)}:${hash.slice(2, 4)}:${hash.slice(4, 6)}`.toUpperCase();
}

/** setupLogFile: rotate older logs, start an empty one (0640). */
export function setupLogFile(run: RunContext): void {
  const fs = run.h.fs;
  const host = run.get("hostname")!;
  if (!fs.isDir("/var/log/xen-tools")) fs.mkdir("/var/log/xen-tools", { parents: true, mode: 0o750 });
  const numbered = (fs.listDir("/var/log/xen-tools") ?? [])
    .map((f) => ({ f, n: new RegExp(`^${host.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(\\d+)\\.log$`).exec(f)?.[1] }))
    .filter((x): x is { f: string; n: string } => x.n !== undefined)
    .sort((a, b) => Number(b.n) - Number(a.n));
  for (const { f, n } of numbered) fs.rename(`/var/log/xen-tools/${f}`, `/var/log/xen-tools/${host}.${Number(n) + 1}.log`);
  const log = `/var/log/xen-tools/${host}.log`;
  if (fs.stat(log)?.kind === "file") fs.rename(log, `/var/log/xen-tools/${host}.0.log`);
  fs.writeFile(log, "", { mode: 0o640 });
}

/** populatePartitionsData: swap (unless --noswap), then the root filesystem. */
export function defaultPartitions(run: RunContext): void {
  const fs = run.get("fs") ?? "ext3";
  const parts = [];
  if (!run.is("noswap")) parts.push({ name: "swap", size: run.get("swap") ?? "", type: "swap", mountpoint: "", imagetype: "", image: "" });
  parts.push({ name: "disk", size: run.get("size") ?? "", type: fs, mountpoint: "/", imagetype: "", image: "" });
  run.partitions = parts;
}
