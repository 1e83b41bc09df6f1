// The work xen-create-image 4.2 does once its checks pass, step by step with its progress lines
// (domains.md §8.4-8.5): the images — sparse (`dd … count=0 seek=1024`, nothing allocated) or full
// files under <dir>/domains/<host>/, mode 0600 by the umask, or logical volumes <host>-disk and
// <host>-swap — with mkswap and mkfs; debootstrap; the hooks (networking, hostname, ssh host keys);
// the role scripts; the .cfg; the root password. Each command takes virtual time and dom0 CPU, and
// writes what it would print into the log. The root filesystem's content is the GuestImage attached
// to the root image, swap carries a SwapArea marker.

import type { SwapArea } from "../domains/disks.ts";
import { ctime } from "../domains/host-spec.ts";
import { guestImage, type GuestFacts } from "./guest-files.ts";
import type { RunContext } from "./run-context.ts";
import { xmConfigText } from "./xm-template.ts";

const PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/** The byte size `dd bs=<N>{k,M,…} count=1024` gives for a size as xen-tools writes it. */
export function imageBytes(size: string): number {
  let s = size;
  const g = /^([0-9.]+)Gb*$/i.exec(s);
  if (g) s = `${Number(g[1]) * 1024}M`;
  s = s.replace(/Mb*$/i, "k");
  const m = /^([0-9.]+)([kKmMgG]?)/.exec(s);
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, "": 1 }[(m?.[2] ?? "").toLowerCase() as "k"];
  return Math.round(Number(m?.[1] ?? 0) * unit * 1024);
}

/** createLoopbackImages; false when the run stops. */
export function createLoopbackImages(run: RunContext): boolean {
  const fs = run.h.fs;
  const dir = `${run.get("dir")}/domains/${run.get("hostname")}`;
  if (!fs.isDir(dir)) fs.mkdir(dir, { parents: true, mode: 0o755 });
  if (!run.is("force")) {
    const existing = run.partitions.map((p) => `${dir}/${p.name}.img`).find((f) => fs.exists(f));
    if (existing) {
      run.logprint(`The partition image already exists.  Aborting.\nSpecify '--force' to overwrite, or remove the following file\n${existing}\n`);
      run.fail = 2;
      return false;
    }
  }
  for (const part of run.partitions) {
    const disk = `${dir}/${part.name}.img`;
    Object.assign(part, { imagetype: "file:", image: disk });
    const bytes = imageBytes(part.size);
    run.logprint(`\nCreating partition image: ${disk}\n`);
    const sparse = run.get("image") === "sparse";
    if (sparse) fs.createSparse(disk, bytes, 0o600);
    else fs.writeFile(disk, new Uint8Array(0), { size: bytes, mode: 0o600 });
    run.command(sparse ? 0.02 : bytes / 150e6, sparse ? 0.01 : bytes / 400e6, sparse ? "0+0 records in\n0+0 records out\n0 bytes (0 B) copied, 1.6451e-05 s, 0.0 kB/s\n" : "1024+0 records in\n1024+0 records out\n");
    run.logprint("Done\n");
    format(run, disk, part.type, bytes);
  }
  return true;
}

/** createLVMBits; false when the run stops. */
export function createLvmVolumes(run: RunContext): boolean {
  const vg = run.get("lvm")!;
  for (const part of run.partitions) {
    const lv = `/dev/${vg}/${run.get("hostname")}-${part.name}`;
    if (!run.h.fs.exists(lv)) continue;
    if (!run.is("force")) {
      run.logprint("The LVM disk image already exists.  Aborting.\nSpecify '--force' to delete and recreate\n");
      run.fail = 2;
      return false;
    }
    run.logprint(`Removing ${lv} - since we're forcing the install\n`);
    run.command(0.5, 0.1, run.h.lvm.lvremove(lv).output);
  }
  for (const part of run.partitions) {
    const name = `${run.get("hostname")}-${part.name}`;
    const lv = `/dev/${vg}/${name}`;
    Object.assign(part, { imagetype: "phy:", image: lv });
    const r = run.h.lvm.lvcreate(vg, part.size, name);
    run.command(0.4, 0.1, r.output);
    if (r.status !== 0) return commandFailed(run, `lvcreate ${vg} -L ${part.size} -n ${name} 2>&1`, r.status);
    format(run, lv, part.type, run.h.fs.stat(lv)?.size ?? 0);
  }
  return true;
}

function commandFailed(run: RunContext, cmd: string, status: number): boolean {
  run.logprint(`Running command '${cmd}' failed with exit code ${status * 256}.\nAborting\n`);
  run.print(`See /var/log/xen-tools/${run.get("hostname")}.log for details\n`);
  run.fail = 1;
  return false;
}

/** mkswap, or mkfs for the partition's filesystem. */
function format(run: RunContext, path: string, type: string, bytes: number): void {
  if (type === "swap") {
    run.logprint(`\nCreating swap on ${path}\n`);
    const swap: SwapArea = { kind: "swap-area" };
    run.h.fs.writeFile(path, run.h.fs.readBytes(path, 0, 0) ?? new Uint8Array(0), { size: bytes, allocated: run.get("image") !== "sparse", mode: 0o600, attachment: swap });
    run.command(0.1, 0.02, `Setting up swapspace version 1, size = ${Math.floor(bytes / 1024) - 4} KiB\nno label, UUID=${uuid(run)}\n`);
  } else {
    run.logprint(`\nCreating ${type} filesystem on ${path}\n`);
    const blocks = Math.floor(bytes / 4096);
    run.command(1.2 + bytes / 2.5e9, 0.6 + bytes / 6e9, `mke2fs 1.41.12 (17-May-2010)\nFilesystem label=\nOS type: Linux\nBlock size=4096 (log=2)\n${Math.floor(bytes / 16384)} inodes, ${blocks} blocks\nWriting inode tables: done\nCreating journal (16384 blocks): done\nWriting superblocks and filesystem accounting information: done\n`);
  }
  run.logprint("Done\n");
}

function uuid(run: RunContext): string {
  const hex = [...run.h.sim.rng("xen-create-image/mkswap").bytes(16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** installSystem: xt-install-image (debootstrap, or copy/tar from a source). */
export function installSystem(run: RunContext): void {
  const method = run.get("install-method") ?? "debootstrap";
  run.logprint(`Installation method: ${method}\n`);
  if (method === "copy" || method === "tar") run.logprint(`(Source: ${run.get("install-source")})\n`);
  const dist = run.get("dist") ?? "";
  const log = method === "debootstrap" ? `I: Retrieving Release\nI: Retrieving Packages\nI: Validating Packages\nI: Resolving dependencies of required packages...\nI: Checking component main on ${run.get("mirror") ?? ""}...\nI: Retrieving libc6\nI: Extracting base-files...\nI: Installing core packages...\nI: Configuring required packages...\nI: Configuring ${dist === "" ? "base" : "tasksel"}...\nI: Base system installed successfully.\n` : "";
  run.command(method === "debootstrap" ? 184 : 40, method === "debootstrap" ? 13.2 : 3, log);
  run.logprint("Done\n");
}

/** runCustomisationHooks: networking, hostname, fstab, ssh keys (the host key fingerprint is made here). */
export function runHooks(run: RunContext): void {
  run.logprint("\nRunning hooks\n");
  run.fingerprint = [...run.h.sim.rng("xen-create-image/ssh-host-key").bytes(16)].map((b) => b.toString(16).padStart(2, "0")).join(":");
  run.command(23, 3.0, "Running hooks in: /usr/lib/xen-tools/" + (run.get("dist") ?? "") + ".d\nInstalling OpenSSH Server.\nSetting up hostname.\nSetting up networking.\n");
  run.logprint("Done\n");
}

/** runRoleScripts. */
export function runRoles(run: RunContext): void {
  const roles = run.cfg.values.get("role");
  if (roles === undefined) return run.logprint("\nNo role scripts were specified.  Skipping\n");
  for (const raw of roles.split(",")) {
    const role = raw.trim();
    if (role === "") continue;
    const file = role.includes("/") ? role : `${run.get("roledir")}/${role}`;
    const stat = run.h.fs.stat(file);
    if (!stat || (stat.mode & 0o111) === 0) {
      run.logprint(`\nRole script not executable : ${file} for role '${role}'\nIgnoring\n`);
      continue;
    }
    run.logprint(`\nRole: ${role}\n\tFile: ${file}\n`);
    if (run.get("role-args")) run.logprint(`\tArgs:  ${run.get("role-args")}\n`);
    run.command(role === "udev" ? 6.5 : 12, 1.1, `Installing ${role}\n`);
    run.logprint("Role script completed.\n");
  }
}

/** runXenConfigCreation; false when the .cfg exists and --force was not given. */
export function createXenConfig(run: RunContext): boolean {
  const file = `${run.get("output")}/${run.get("hostname")}${run.cfg.values.get("extension") ?? ".cfg"}`;
  if (run.h.fs.exists(file) && !run.is("force")) {
    run.logprint(`The Xen configuration file ${file} exists\nSpecify --force to force overwriting it.\nAborting\n`);
    run.fail = 2;
    return false;
  }
  run.logprint("\nCreating Xen configuration file\n");
  const device = run.is("ide") ? "hda" : run.is("scsi") ? "sda" : (run.get("disk_device") ?? "xvda").replace(/^.*\//, "");
  const text = xmConfigText({
    hostname: run.get("hostname")!, created: ctime(run.h.sim.now / 1e6 + run.h.host.epochSeconds), pygrub: run.is("pygrub"),
    vcpus: run.get("vcpus") ?? "1", memory: run.get("memory") ?? "", device, partitions: run.partitions, dhcp: run.is("dhcp"), mac: run.get("mac") ?? "",
    ...optional(run, ["kernel", "initrd", "maxmem", "vifname", "bridge"]), ...(run.cfg.ips[0] ? { ip1: run.cfg.ips[0] } : {}),
  });
  run.h.fs.writeFile(file, text);
  run.command(0.2, 0.1);
  run.logprint("Done\n");
  return true;
}

function optional(run: RunContext, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((k) => (run.get(k) ? [[k, run.get(k)!]] : [])));
}

/** setupRootPassword (a generated one unless --password or --passwd). */
export function setupRootPassword(run: RunContext): void {
  run.logprint("Setting up root password\n");
  if (run.is("passwd")) return void run.logprint("'passwd' command not found in the new install.\n");
  run.logprint("Generating a password for the new guest.\n");
  const rng = run.h.sim.rng("xen-create-image/password");
  const length = Number(run.get("genpass_len") ?? "8");
  run.password = run.get("password") ?? Array.from({ length }, () => PASSWORD_ALPHABET[rng.int(0, PASSWORD_ALPHABET.length - 1)]).join("");
  run.command(0.3, 0.05);
}

/** The guest's filesystem, attached to its root image. */
export function attachGuestImage(run: RunContext): void {
  const root = run.partitions.find((p) => p.mountpoint === "/");
  if (!root) return;
  const device = run.is("ide") ? "hda" : run.is("scsi") ? "sda" : "xvda";
  const index = (p: typeof root) => run.partitions.indexOf(p) + 1;
  const swap = run.partitions.find((p) => p.type === "swap");
  const facts: GuestFacts = {
    hostname: run.get("hostname")!, dist: run.get("dist") ?? "", arch: run.get("arch") ?? "amd64", fs: root.type, dhcp: run.is("dhcp"), ips: run.cfg.ips,
    nameservers: (run.get("nameserver") ?? "").split(/\s+/).filter((n) => n !== ""), rootDev: `${device}${index(root)}`,
    serialDevice: run.get("serial_device") ?? "hvc0", roles: (run.cfg.values.get("role") ?? "").split(",").map((r) => r.trim()),
    ...optional(run, ["gateway", "netmask", "broadcast", "p2p"]),
    ...(swap ? { swapDev: `${device}${index(swap)}` } : {}),
    ...(run.h.fs.readFile("/etc/resolv.conf") !== undefined ? { dom0Resolv: run.h.fs.readFile("/etc/resolv.conf")! } : {}),
  };
  const image = guestImage(facts, run.password !== "" ? run.password : undefined, run.fingerprint);
  const stat = run.h.fs.stat(root.image);
  const used = run.get("image") === "sparse" ? 430 * 1024 * 1024 : (stat?.size ?? 0);
  run.h.fs.writeFile(root.image, new Uint8Array(0), { size: stat?.size ?? 0, allocated: used, mode: stat?.mode ?? 0o600, attachment: image });
}
