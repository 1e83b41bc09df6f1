// xm's report layouts, printf for printf (tools/python/xen/xm/main.py, Xen 4.0.1; domains.md §2):
// `xm list` — header '%-40s %5s %5s %5s %10s %9s', rows '%-40s %5s %5d %5d %10s %8.1f', so the
// header's Time(s) overhangs the rows by a column; `xm vcpu-list` — '%-32s %5s %5s %5s %5s %9s %s'
// over '%-32s %5s %5d %5s %5s  %8.1f %s'; `xm network-list`; `xm info` ('%-23s:' then the value);
// `xm uptime` ('%-33s %4s %s ' over '%-32s %5s ' + H:MM:SS, days first when there are any).
// Floats are rounded as Python rounds them (half to even on exact halves).

import { clockTime } from "../domains/host-spec.ts";
import type { DomainRow, NetRow, VcpuRow } from "./rows.ts";

/** Python's '%.Nf': like toFixed, but an exact half rounds to even. */
export function pyFixed(x: number, digits: number): string {
  const scaled = x * 10 ** digits;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && Number.isFinite(scaled)) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / 10 ** digits).toFixed(digits);
  }
  return x.toFixed(digits);
}

const left = (s: string | number, w: number) => String(s).padEnd(w);
const right = (s: string | number, w: number) => String(s).padStart(w);

/** `xm list`. */
export function formatList(rows: readonly DomainRow[]): string {
  let out = `${left("Name", 40)} ${right("ID", 5)} ${right("Mem", 5)} ${right("VCPUs", 5)} ${right("State", 10)} ${right("Time(s)", 9)}\n`;
  for (const r of rows) {
    out += `${left(r.name, 40)} ${right(r.domid, 5)} ${right(r.memMiB, 5)} ${right(r.vcpus, 5)} ${right(r.state, 10)} ${right(pyFixed(r.cpuSeconds, 1), 8)}\n`;
  }
  return out;
}

/** `xm vcpu-list`. */
export function formatVcpuList(rows: readonly VcpuRow[]): string {
  let out = `${left("Name", 32)} ${right("ID", 5)} ${right("VCPU", 5)} ${right("CPU", 5)} ${right("State", 5)} ${right("Time(s)", 9)} CPU Affinity\n`;
  for (const r of rows) {
    out += `${left(r.name, 32)} ${right(r.domid, 5)} ${right(r.vcpu, 5)} ${right(r.cpu, 5)} ${right(r.state, 5)}  ${right(pyFixed(r.cpuSeconds, 1), 8)} ${r.affinity}\n`;
  }
  return out;
}

/** `xm network-list` (nothing at all when the domain has no vif). */
export function formatNetworkList(rows: readonly NetRow[]): string {
  if (rows.length === 0) return "";
  let out = "Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path\n";
  for (const r of rows) {
    out +=
      `${left(r.idx, 3)} ${left(r.backendId, 3)}${left(r.mac, 17)}    ${left(r.handle, 3)}   ${left(r.state, 3)}    ` +
      `${left(r.eventChannel, 3)}   ${left(r.txRingRef, 5)}/${left(r.rxRingRef, 5)}   ${left(r.backendPath, 30)}  \n`;
  }
  return out;
}

/** `xm info`. */
export function formatInfo(fields: readonly (readonly [string, string])[]): string {
  return fields.map(([k, v]) => `${left(k, 23)}: ${v}\n`).join("");
}

/** `xm uptime` (`short`: -s, with the host's time of day). */
export function formatUptime(rows: readonly { name: string; domid: number; seconds: number }[], short: boolean, wallSeconds: number): string {
  let out = short ? "" : `${left("Name", 33)} ${right("ID", 4)} Uptime \n`;
  for (const r of rows) {
    let up = Math.round(r.seconds);
    const days = Math.floor(up / 86_400);
    up -= days * 86_400;
    const hours = Math.floor(up / 3600);
    up -= hours * 3600;
    const minutes = Math.floor(up / 60);
    const seconds = up - minutes * 60;
    let text = days > 0 ? `${days} day${days > 1 ? "s" : ""}, ` : "";
    text += `${right(hours, 2)}:${String(minutes).padStart(2, "0")}`;
    if (short) out += ` ${clockTime(wallSeconds)} up ${text}, ${r.name} (${r.domid})\n`;
    else out += `${left(r.name, 32)} ${right(r.domid, 5)} ${text}:${String(seconds).padStart(2, "0")}\n`;
  }
  return out;
}
