// `xm save` and `xm restore` (xend XendCheckpoint.save/restore and XendDomain.domain_save/restore,
// Xen 4.0.1; domains.md §4). Save: refused for Domain-0 and for a domain that is not running; the
// file gets the 16-byte signature `LinuxGuestRecord`; the domain is renamed `migrating-NAME`; the
// config record follows as a 4-byte big-endian length and one-line SXP; the guest is asked to
// suspend, its memory is streamed (the page stream is counted in the file's size, not stored), then
// the domain is destroyed — memory back to the pool, vifs offline (with -c it resumes instead).
// Restore: the signature and config are checked with xend's messages, a live domain of that name is
// refused, a new domain (new domid) is built and ballooned for, xc_restore loads the memory, the
// devices come back (new vif names), and the guest resumes where it stopped — unless -p.
// The guest itself travels in the file as its attachment; one save file resumes one guest once.

import { readSxp } from "../../topology/sxp/index.ts";
import type { GuestOs } from "../guest/guest-os.ts";
import { newDomain, startDevices } from "./domain-create.ts";
import type { Domain } from "./domain.ts";
import { domainSxpr, plainSxp, specFromSxpr } from "./domain-sxp.ts";
import type { Hypervisor } from "./hypervisor.ts";
import { noDomain, ok, Op, xendError } from "./op.ts";
import { sxpToString } from "./sxp-text.ts";

/** The save file signature. */
export const SIGNATURE = "LinuxGuestRecord";
/** How fast xc_save writes and xc_restore reads guest memory, bytes per µs (≈ 100 MB/s). */
export const STREAM_BYTES_PER_US = 100;
/** How long xend waits for a guest to suspend (waitForSuspend: 60 tries of 1 s), µs. */
export const SUSPEND_TIMEOUT_US = 60_000_000;
/** Debian's xc_restore (the command xend names when it fails). */
export const XC_RESTORE = "/usr/lib/xen-4.0/bin/xc_restore";

/** What a save file carries besides its bytes. */
export interface SavedGuest {
  readonly kind: "saved-guest";
  readonly guest: GuestOs;
  restored: boolean;
}

function isSavedGuest(x: unknown): x is SavedGuest {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "saved-guest";
}

/** The header, length and config record of a save file. */
export function saveHeader(dom: Domain): Uint8Array {
  const config = new TextEncoder().encode(sxpToString(domainSxpr(dom)));
  const out = new Uint8Array(SIGNATURE.length + 4 + config.length);
  out.set(new TextEncoder().encode(SIGNATURE), 0);
  new DataView(out.buffer).setInt32(SIGNATURE.length, config.length, false);
  out.set(config, SIGNATURE.length + 4);
  return out;
}

/** `xm save [-c] DOM FILE`. */
export function saveDomain(hv: Hypervisor, ref: string, path: string, checkpoint: boolean): Op<void> {
  const dom = hv.lookup(ref);
  if (!dom) return Op.done(noDomain(ref));
  if (dom.privileged) return Op.done(xendError(`Cannot save privileged domain ${ref}`));
  if (!dom.runnable || !dom.guest) return Op.done(xendError("Domain is not running"));
  const op = new Op<void>();
  const guest = dom.guest;
  const name = dom.name;
  const header = saveHeader(dom);
  dom.name = `migrating-${name}`;
  hv.emit("changed", dom);
  const timeout = hv.sim.schedule(SUSPEND_TIMEOUT_US, () => {
    stop();
    dom.name = name;
    hv.emit("changed", dom);
    op.finish(xendError(`Timeout waiting for domain ${dom.domid} to suspend`));
  });
  const stop = hv.onEvent((e) => {
    if (e.domain !== dom || dom.shutdownReason !== "suspend") return;
    stop();
    timeout.cancel();
    const bytes = dom.memory.actualKiB * 1024;
    hv.sim.schedule(Math.round(bytes / STREAM_BYTES_PER_US), () => {
      const saved: SavedGuest = { kind: "saved-guest", guest, restored: false };
      hv.fs.writeFile(path, header, { size: header.length + bytes + 4096, attachment: saved });
      dom.name = name;
      if (checkpoint) {
        guest.resume(hv.platformFor(dom), false);
        dom.setShutdown(null);
        guest.thaw();
        hv.emit("changed", dom);
      } else {
        dom.guest = null;
        hv.teardown(dom);
      }
      op.finish(ok(undefined));
    });
  });
  guest.suspend();
  return op;
}

/** Reads and checks a save file's header and config (XendCheckpoint.restore's messages). */
function readSaveFile(hv: Hypervisor, path: string): { ok: true; record: ReturnType<typeof plainSxp> } | { ok: false; message: string } {
  const head = hv.fs.readBytes(path, 0, SIGNATURE.length) ?? new Uint8Array(0);
  if (head.length < SIGNATURE.length) return { ok: false, message: "not a valid guest state file: signature read" };
  const signature = new TextDecoder("latin1").decode(head);
  if (signature !== SIGNATURE) return { ok: false, message: `not a valid guest state file: found '${signature}'` };
  const size = hv.fs.readBytes(path, SIGNATURE.length, 4) ?? new Uint8Array(0);
  if (size.length < 4) return { ok: false, message: "not a valid guest state file: config size read" };
  const length = new DataView(size.buffer, size.byteOffset, 4).getInt32(0, false);
  const config = hv.fs.readBytes(path, SIGNATURE.length + 4, Math.max(0, length)) ?? new Uint8Array(0);
  if (length < 0 || config.length < length) return { ok: false, message: "not a valid guest state file: config read" };
  const parsed = readSxp(new TextDecoder().decode(config), path);
  const form = parsed.value.forms[0];
  if (form === undefined || parsed.diagnostics.some((d) => d.severity === "error")) return { ok: false, message: "not a valid guest state file: config parse" };
  return { ok: true, record: plainSxp(form) };
}

/** `xm restore [-p] FILE`. */
export function restoreDomain(hv: Hypervisor, path: string, paused: boolean): Op<Domain> {
  const file = readSaveFile(hv, path);
  if (!file.ok) return Op.done(xendError(file.message));
  const spec = specFromSxpr(file.record);
  if (!spec) return Op.done(xendError("not a valid guest state file: config parse"));
  const made = newDomain(hv, spec);
  if (!made.ok) return Op.done(made);
  const dom = made.value;
  const op = new Op<Domain>();
  const fail = (message: string) => {
    hv.teardown(dom);
    op.finish(xendError(message));
  };
  const memory = hv.freeMemory(spec.memoryMiB * 1024);
  if (!memory.ok) {
    hv.sim.schedule(0, () => fail(memory.failure.kind === "error" ? memory.failure.message : ""));
    return op;
  }
  dom.memory.actualKiB = spec.memoryMiB * 1024;
  const saved = hv.fs.attachment(path);
  hv.sim.schedule(Math.round((spec.memoryMiB * 1024 * 1024) / STREAM_BYTES_PER_US), () => {
    if (!isSavedGuest(saved) || saved.restored) return fail(`${XC_RESTORE} 4 ${dom.domid} 1 2 0 0 0 failed`);
    saved.restored = true;
    dom.guest = saved.guest;
    const devices = startDevices(hv, dom);
    saved.guest.resume(hv.platformFor(dom));
    devices.then((r) => {
      if (!r.ok) return fail(r.failure.kind === "error" ? r.failure.message : "");
      if (!paused) hv.setPaused(dom, false, "build");
      op.finish(ok(dom));
    });
  });
  return op;
}
