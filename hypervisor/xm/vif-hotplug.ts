// `xm network-attach` and `xm network-detach` (main.py xm_network_attach/detach, xend
// XendDomainInfo.device_create/destroyDevice and DevController, Xen 4.0.1): the words after the
// domain must be key=value with a known key (else xm's "Invalid argument: …"); xend gives the new vif
// the next device id, a random MAC when none is given and the default vif script, brings its backend
// online through the VifBackend and waits for the hotplug script like at create time; the guest then
// sees a new netfront (eth1, …). Detaching takes a device id or a MAC; an unknown one is "Device N
// not connected" (from xend) or "Cannot find device 'MAC' in domain 'D'" (from xm).

import type { Hypervisor } from "../domains/hypervisor.ts";
import { DEVICE_TIMEOUT_US } from "../domains/domain-create.ts";
import { randomUuid, randomXendMac, type VifDevice } from "../domains/domain-spec.ts";
import { noDomain, ok, Op, xendError, type XendResult } from "../domains/op.ts";
import { hotplugErrorText } from "../domains/vif-backend.ts";
import type { XmResult } from "./toolstack.ts";

const PARAMS = ["type", "mac", "bridge", "ip", "script", "backend", "vifname", "rate", "model", "accel"];

/** Starts `xm network-attach`; an Op for the new device id, or xm's refusal of the arguments. */
export function attachVif(hv: Hypervisor, ref: string, params: readonly string[]): XmResult<Op<number>> {
  const fields = new Map<string, string>();
  for (const a of params) {
    const kv = a.split("=");
    if (kv.length !== 2 || kv[1] === "" || !PARAMS.includes(kv[0]!)) return { ok: false, error: { kind: "option", message: `Invalid argument: ${a}` } };
    fields.set(kv[0]!, kv[1]!);
  }
  const dom = hv.lookup(ref);
  if (!dom) return { ok: true, value: Op.done(noDomain(ref)) };
  const devid = Math.max(-1, ...dom.vifs.keys()) + 1;
  const script = fields.get("script") ?? hv.xend.vifScript.script;
  const device: VifDevice = {
    devid,
    mac: fields.get("mac") ?? randomXendMac(hv.rng),
    script: script.startsWith("/") ? script : `/etc/xen/scripts/${script}`,
    uuid: randomUuid(hv.rng),
    ...Object.fromEntries(["bridge", "vifname", "type", "model", "rate", "backend", "accel"].flatMap((k) => (fields.has(k) ? [[k, fields.get(k)]] : []))),
    ...(fields.has("ip") ? { ip: fields.get("ip")!.split(" ") } : {}),
  };
  dom.spec = { ...dom.spec, vifs: [...dom.spec.vifs, device] };
  dom.vifs.set(devid, { device, name: dom.vifName(device), frontState: 1 });
  const op = new Op<number>();
  const done = (r: XendResult<number>) => {
    if (op.done) return;
    if (!r.ok) {
      hv.vifBackend.offline(hv.vifInfo(dom, devid));
      dom.vifs.delete(devid);
      dom.spec = { ...dom.spec, vifs: dom.spec.vifs.filter((v) => v !== device) };
    } else {
      dom.guest?.attachNic(devid, device.mac);
    }
    op.finish(r);
  };
  const timeout = hv.sim.schedule(DEVICE_TIMEOUT_US, () => done(xendError(hotplugErrorText(devid, "vif", "timeout"))));
  hv.vifBackend.online(hv.vifInfo(dom, devid), (status) => {
    timeout.cancel();
    done(status.status === "connected" ? ok(devid) : xendError(hotplugErrorText(devid, "vif", status)));
  });
  return { ok: true, value: op };
}

/** `xm network-detach DOM DEVID|MAC`. */
export function detachVif(hv: Hypervisor, ref: string, device: string): XmResult<void> {
  const dom = hv.lookup(ref);
  if (!dom) return { ok: false, error: { kind: "no-domain", message: ref } };
  let devid: number | undefined;
  if (device.split(":").length === 6) {
    devid = [...dom.vifs.values()].find((v) => v.device.mac.toLowerCase() === device.toLowerCase())?.device.devid;
    if (devid === undefined) return { ok: false, error: { kind: "option", message: `Cannot find device '${device}' in domain '${ref}'` } };
  } else if (/^[0-9]+$/.test(device.trim())) {
    devid = Number(device);
  }
  const vif = devid === undefined ? undefined : dom.vifs.get(devid);
  if (devid === undefined || !vif) return { ok: false, error: { kind: "xend", message: `Device ${device} not connected` } };
  hv.vifBackend.offline(hv.vifInfo(dom, devid));
  dom.guest?.detachNic(devid);
  dom.vifs.delete(devid);
  dom.spec = { ...dom.spec, vifs: dom.spec.vifs.filter((v) => v.devid !== devid) };
  hv.emit("changed", dom);
  return { ok: true, value: undefined };
}
