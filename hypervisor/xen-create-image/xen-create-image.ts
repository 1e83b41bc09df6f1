// `xen-create-image` from xen-tools 4.2 (Debian Squeeze), run on the simulated dom0: defaults, then
// /etc/xen-tools/xen-tools.conf, then the command line (Getopt::Long with its prefix matching — the
// `--debootstrap` quirk), then --config=FILE; the checks; the log; the summary; the images or
// volumes; the installation, hooks, roles, the .cfg and the root password; "All done"; and the END
// block's log notice and Installation Summary. On failure ($FAIL 1) the partial install is removed
// as xen-delete-image would, unless --keep; $FAIL 2 keeps everything. Exit status: 0 on success
// (and, as in Perl, when GetOptions fails), 127 when the run aborts. With --boot the guest is
// started with `xm create` (its output discarded); as in 4.2, the forked child and the parent both
// end with a summary, the key fingerprint lost because the image was unmounted for the boot.

import { checkOption, configKey, OPTION_SPECS, targetOf } from "./options.ts";
import { getOptions } from "./getopt-long.ts";
import { checkArguments, defaultPartitions, setupLogFile, testXenConfig } from "./checks.ts";
import { finalReport, showSummary } from "./report.ts";
import { RunContext, type XciHost, type XciOutput } from "./run-context.ts";
import { defaultConfig, readConfigurationFile } from "./settings.ts";
import { attachGuestImage, createLoopbackImages, createLvmVolumes, createXenConfig, installSystem, runHooks, runRoles, setupRootPassword } from "./steps.ts";

/** Runs `xen-create-image ARGS…` on the simulated host. */
export function runXenCreateImage(h: XciHost, args: readonly string[]): XciOutput {
  const cfg = defaultConfig();
  readConfigurationFile(cfg, h.fs, "/etc/xen-tools/xen-tools.conf", h.host);
  const run = new RunContext(h, cfg);
  h.dom0.cpu.charge(250_000);
  if (!parseCommandLine(run, args)) return done(run, 0, true);
  const help = ["help", "manual", "version"].find((k) => run.is(`--${k}`));
  if (help === "version") return { stdout: "xen-create-image release 4.2\n", stderr: "", status: 0 };
  if (help) return { stdout: "", stderr: `xen-create-image: --${help} (the manual page text) is not simulated; see xen-create-image(8)\n`, status: 1 };
  const extra = run.get("config");
  if (extra) {
    const path = extra.startsWith("/") ? extra : `/etc/xen-tools/${extra}`;
    if (!readConfigurationFile(cfg, h.fs, path, h.host)) {
      run.logprint(`The specified configuration file does not exist: '${path}'\nAborting\n\n`);
      run.fail = 1;
      return done(run, 127, true);
    }
  }
  if (run.is("debug")) {
    for (const key of [...cfg.values.keys()].sort()) run.print(`${key}${run.get(key) ? ` : ${run.get(key)}` : ""}\n`);
    run.fail = 1;
    return done(run, 127, true);
  }
  testXenConfig(run);
  if (!checkArguments(run)) return done(run, 127, true);
  setupLogFile(run);
  if (run.get("dir") || run.get("evms") || run.get("lvm")) defaultPartitions(run);
  showSummary(run);
  if (!createStorage(run)) return done(run, 127, true);
  run.mounted = true;
  if (run.is("install")) {
    installSystem(run);
    if (run.is("hooks")) runHooks(run);
  }
  runRoles(run);
  if (!createXenConfig(run)) return done(run, 127, true);
  if (run.is("passwd") || run.is("genpass") || run.get("password")) setupRootPassword(run);
  attachGuestImage(run);
  run.logprint("All done\n");
  if (run.is("boot")) return boot(run);
  run.command(0.6, 0.05);
  return done(run, 0, true);
}

/** parseCommandLineArguments: false when GetOptions failed (its warnings are on stderr). */
function parseCommandLine(run: RunContext, args: readonly string[]): boolean {
  const parsed = getOptions(args, OPTION_SPECS);
  const warnings = [...parsed.warnings];
  const install = new Map<string, string>();
  for (const o of parsed.options) {
    const target = targetOf(o.name);
    if (target === "install") install.set(o.name, o.value);
    else if (target === "help") run.cfg.values.set(`--${o.name}`, "1");
    else if (target === "config") run.cfg.values.set(configKey(o.name), o.value);
    else {
      const problem = checkOption(o.name, o.value, run.h.fs);
      if (problem) warnings.push(problem);
      else if (o.name === "ip") run.cfg.ips.push(o.value);
      else run.cfg.values.set(o.name.replace("genpass-len", "genpass_len"), o.value);
    }
  }
  run.stderr += warnings.join("");
  if (warnings.length > 0) {
    run.fail = 2;
    return false;
  }
  applyStorageChoice(run, install);
  return true;
}

/** The command line's --dir/--evms/--lvm/--image-dev override the config file's. */
function applyStorageChoice(run: RunContext, install: Map<string, string>): void {
  const v = run.cfg.values;
  for (const kind of ["dir", "evms", "lvm", "image-dev"]) {
    const value = install.get(kind);
    if (!value) continue;
    for (const other of ["dir", "evms", "lvm", "image-dev"]) v.delete(other);
    v.set(kind, value);
    if (kind === "image-dev") {
      v.delete("size");
      v.delete("swap");
      if (install.has("swap-dev")) v.set("swap-dev", install.get("swap-dev")!);
    }
  }
}

function createStorage(run: RunContext): boolean {
  if (run.get("dir")) return createLoopbackImages(run);
  if (run.get("lvm")) return createLvmVolumes(run);
  if (run.get("image-dev")) return usePhysicalDevice(run);
  run.logprint("Error:  No recognised installation type.\nPlease specify a directory, lvm, or evms volume to use.\n");
  run.fail = 1;
  return false;
}

/** --image-dev (and --swap-dev): existing devices; only the swap one is checked for existence. */
function usePhysicalDevice(run: RunContext): boolean {
  const swap = run.get("swap-dev");
  if (swap && !run.h.fs.exists(swap)) {
    run.logprint(`The physical device or logical volume for swap-dev ${swap} doesn't exist.  Aborting.\nNOTE: Please provide full path to your physical device or logical volume.\n`);
    run.fail = 1;
    return false;
  }
  const fs = run.get("fs") ?? "ext3";
  run.partitions = [];
  if (swap && !run.is("noswap")) run.partitions.push({ name: "swap", size: "", type: "swap", mountpoint: "", imagetype: "phy:", image: swap });
  run.partitions.push({ name: "disk", size: "", type: fs, mountpoint: "/", imagetype: "phy:", image: run.get("image-dev")! });
  run.logprint(`\nCreating ${fs} filesystem on ${run.get("image-dev")}\n`);
  run.command(2, 0.8);
  run.logprint("Done\n");
  return true;
}

/** --boot: unmount, link into /etc/xen/auto, `xm create` the new config (see the file header). */
function boot(run: RunContext): XciOutput {
  run.command(0.6, 0.05);
  run.mounted = false;
  const cfg = `${run.get("output")}/${run.get("hostname")}${run.cfg.values.get("extension") ?? ".cfg"}`;
  if (run.h.fs.isDir("/etc/xen/auto") && !run.h.fs.exists(`/etc/xen/auto/${cfg.slice(cfg.lastIndexOf("/") + 1)}`)) {
    run.logprint(`Creating auto-start symlink to: ${cfg}\n`);
    run.h.fs.symlink(cfg, `/etc/xen/auto/${cfg.slice(cfg.lastIndexOf("/") + 1)}`);
  }
  finalReport(run, false);
  run.h.toolstack.create(cfg);
  run.logprint(`Started new Xen guest: ${run.get("hostname")} [${cfg}]\n`);
  finalReport(run, true);
  return { stdout: run.stdout, stderr: run.stderr, status: 0 };
}

/** The END block, and the cleanup of a failed install. */
function done(run: RunContext, status: number, showLog: boolean): XciOutput {
  finalReport(run, showLog);
  if (run.fail === 1 && !run.is("keep") && run.get("hostname")) removeFailedInstall(run);
  return { stdout: run.stdout, stderr: run.stderr, status };
}

/** What xen-delete-image removes: the images or volumes, and the .cfg. */
function removeFailedInstall(run: RunContext): void {
  const fs = run.h.fs;
  const host = run.get("hostname")!;
  if (run.get("dir")) {
    const dir = `${run.get("dir")}/domains/${host}`;
    for (const name of fs.listDir(dir) ?? []) fs.unlink(`${dir}/${name}`);
  } else if (run.get("lvm")) {
    for (const part of ["disk", "swap"]) if (fs.exists(`/dev/${run.get("lvm")}/${host}-${part}`)) run.h.lvm.lvremove(`/dev/${run.get("lvm")}/${host}-${part}`);
  }
  const cfg = `${run.get("output") ?? "/etc/xen"}/${host}${run.cfg.values.get("extension") ?? ".cfg"}`;
  if (fs.exists(cfg)) fs.unlink(cfg);
}
