// One entry of a domain's `vif = [...]` list: a comma-separated `key=value` string (xen-networking.md
// §5). Split as xm does it (create.py comma_sep_kv_to_dict: strip, split on `,`, split each item at
// its first `=`, strip key and value; xl 4.2's parse_config_data reads the same items). Every key of
// xm 4.0's list is typed — mac, ip, bridge, script, vifname, type, model, rate, backend, accel,
// policy, label — plus xl's gatewaydev and mtu, each with the Range of its value inside the source
// line. `rate` is decoded as xend's netif.py parseRate does (1000-based units, `b` = bits, default
// 50 ms credit interval, unusable results mean unlimited).

import { Validator } from "ip-num";
import { subRange, type PyStr } from "./py-value.ts";
import { emit, type Sink } from "./sink.ts";
import type { Located, Range } from "../source-text.ts";

/** One `key=value` item as written, with where its key and value are. */
export interface VifOption {
  readonly key: string;
  readonly value: string;
  readonly keyRange: Range;
  readonly valueRange: Range;
}

/** A vif's bandwidth limit as netback applies it: `bytesPerInterval` credit every `intervalUs`. */
export interface VifRate {
  readonly bytesPerSecond: number;
  readonly intervalUs: number;
  readonly bytesPerInterval: number;
}

/** A parsed vif spec; absent keys take the toolstack defaults (random MAC, default bridge...). */
export interface VifSpec {
  /** Position in the vif list: the DEVID, so this is `vif<domid>.<index>`. */
  readonly index: number;
  readonly text: string;
  readonly range: Range;
  readonly options: readonly VifOption[];
  readonly mac?: Located<string>;
  readonly ip?: Located<readonly string[]>;
  readonly bridge?: Located<string>;
  readonly script?: Located<string>;
  readonly vifname?: Located<string>;
  readonly type?: Located<string>;
  readonly model?: Located<string>;
  /** `null`: xm treats the rate as unlimited because it cannot parse it. */
  readonly rate?: Located<VifRate | null>;
  readonly backend?: Located<string>;
  readonly accel?: Located<string>;
  readonly policy?: Located<string>;
  readonly label?: Located<string>;
  readonly gatewaydev?: Located<string>;
  readonly mtu?: Located<string>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type StringKey = "bridge" | "script" | "vifname" | "type" | "model" | "backend" | "accel" | "policy" | "label" | "gatewaydev" | "mtu";

const XM_KEYS = ["backend", "bridge", "ip", "mac", "script", "type", "vifname", "rate", "model", "accel", "policy", "label"];
const XL_ONLY_KEYS = ["gatewaydev", "mtu"];
const WHITESPACE = /[ \t\n\r\v\f]/;

/** Reads vif spec number `index` from its string literal. */
export function parseVifSpec(str: PyStr, index: number, sink: Sink): VifSpec {
  const spec: Mutable<VifSpec> = { index, text: str.value, range: str.range, options: [] };
  const options: VifOption[] = [];
  const [from, to] = stripBounds(str.value, 0, str.value.length);
  if (from === to) return { ...spec, options };
  let start = from;
  for (let comma = str.value.indexOf(",", start); start <= to; comma = str.value.indexOf(",", start)) {
    const end = comma === -1 || comma > to ? to : comma;
    const option = readItem(str, start, end, sink);
    if (option) {
      if (options.some((o) => o.key === option.key)) {
        emit(sink, "vif-duplicate-key", "warning", `\`${option.key}\` is given twice in this vif; the last one wins`, option.keyRange);
      }
      options.push(option);
      applyOption(spec, option, sink);
    }
    start = end + 1;
  }
  return { ...spec, options };
}

/** Offsets [from, to) of `s[a, b)` without surrounding whitespace (Python's str.strip). */
function stripBounds(s: string, a: number, b: number): [number, number] {
  while (a < b && WHITESPACE.test(s[a]!)) a += 1;
  while (b > a && WHITESPACE.test(s[b - 1]!)) b -= 1;
  return [a, b];
}

function readItem(str: PyStr, start: number, end: number, sink: Sink): VifOption | undefined {
  const s = str.value;
  const [a, b] = stripBounds(s, start, end);
  const range = subRange(sink.index, str, a === b ? start : a, Math.max(b, a + 1));
  const eq = s.indexOf("=", a);
  if (a === b) {
    const message = "empty item in the vif spec (a stray comma): xm refuses the vif (\"should be a pair\"); xl skips it";
    emit(sink, "vif-empty-item", { xm: "error", xl: null, either: "warning" }, message, range, "remove the extra comma");
    return undefined;
  }
  if (eq === -1 || eq >= b) {
    const message = `\`${s.slice(a, b)}\` is not key=value: xm refuses the vif, xl stops reading the spec here`;
    emit(sink, "vif-not-pair", "error", message, range);
    return undefined;
  }
  const [ka, kb] = stripBounds(s, a, eq);
  const [va, vb] = stripBounds(s, eq + 1, b);
  const keyRange = subRange(sink.index, str, ka, Math.max(kb, ka + 1));
  const valueRange = subRange(sink.index, str, va, vb);
  return { key: s.slice(ka, kb), value: s.slice(va, vb), keyRange, valueRange };
}

/** Types one option onto the spec, checking its value. */
function applyOption(spec: Mutable<VifSpec>, o: VifOption, sink: Sink): void {
  const at = <T>(value: T): Located<T> => ({ value, range: o.valueRange });
  switch (o.key) {
    case "mac":
      checkMac(o, sink);
      spec.mac = at(o.value);
      return;
    case "ip":
      spec.ip = at(checkIps(o, sink));
      return;
    case "rate":
      spec.rate = at(parseRate(o, sink));
      return;
    case "bridge":
    case "vifname":
      checkIfname(o, sink);
      spec[o.key] = at(o.value);
      return;
    case "type":
      if (!["ioemu", "netfront", "vif"].includes(o.value)) {
        emit(sink, "vif-bad-type", "warning", `vif type \`${o.value}\` is not one the toolstacks know (ioemu, netfront or vif)`, o.valueRange);
      }
      spec.type = at(o.value);
      return;
  }
  if (XM_KEYS.includes(o.key) || XL_ONLY_KEYS.includes(o.key)) {
    if (XL_ONLY_KEYS.includes(o.key)) {
      emit(sink, "vif-unknown-key", { xm: "error", xl: null }, `vif option \`${o.key}\` is xl's: xm refuses it ("Invalid vif option")`, o.keyRange);
    }
    spec[o.key as StringKey] = at(o.value);
    return;
  }
  const message = `unknown vif option \`${o.key}\`: xm refuses the domain ("Invalid vif option: ${o.key}"); xl ignores it`;
  emit(sink, "vif-unknown-key", { xm: "error", xl: null, either: "warning" }, message, o.keyRange, `known keys: ${XM_KEYS.join(", ")}`);
}

function checkMac(o: VifOption, sink: Sink): void {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(o.value)) {
    const message = `\`${o.value}\` is not a MAC address (six hex pairs separated by colons, e.g. 00:16:3e:12:34:56)`;
    emit(sink, "vif-bad-mac", "error", message, o.valueRange);
    return;
  }
  const first = parseInt(o.value.slice(0, 2), 16);
  if ((first & 1) === 1 || /^(00:){5}00$/.test(o.value)) {
    const what = (first & 1) === 1 ? "a multicast (group) address" : "all zeros";
    const message = `MAC ${o.value} is ${what}: the guest's eth0 refuses it and cannot come up`;
    emit(sink, "vif-bad-mac", "error", message, o.valueRange, "use the Xen prefix, e.g. 00:16:3e:xx:xx:xx");
  }
}

/** `ip=` is a space-separated list of addresses (vif-route/vif-nat route each; iptables rules use them). */
function checkIps(o: VifOption, sink: Sink): readonly string[] {
  const ips = o.value.split(/\s+/).filter((x) => x !== "");
  for (const ip of ips) {
    const ok = Validator.isValidIPv4String(ip)[0] || Validator.isValidIPv4CidrNotation(ip)[0];
    if (!ok) emit(sink, "vif-bad-ip", "error", `\`${ip}\` in ip= is not an IPv4 address`, o.valueRange);
  }
  return ips;
}

/** Linux dev_valid_name(): 1-15 bytes, not `.`/`..`, no `/`, `:` or whitespace. */
function checkIfname(o: VifOption, sink: Sink): void {
  const v = o.value;
  let why = "";
  if (v.length > 15) why = `it is ${v.length} characters long and Linux allows 15`;
  else if (v === "." || v === "..") why = "Linux refuses `.` and `..`";
  else if (/[/:\s]/.test(v)) why = "Linux refuses `/`, `:` and whitespace in interface names";
  if (v === "" && o.key === "vifname") why = "it is empty";
  if (why) emit(sink, "vif-bad-ifname", "error", `${o.key}=${v} is not a valid interface name: ${why}`, o.valueRange);
}

/** xend netif.py parseRate: `N[GMK]{B|b}/s[@N[m|u]s]`; anything else is unlimited for xm, an error for xl. */
function parseRate(o: VifOption, sink: Sink): VifRate | null {
  const m = /^([0-9]+)([GMK]?)([Bb])\/s(@([0-9]+)([mu]?)s)?$/.exec(o.value);
  if (!m) {
    const message = `rate \`${o.value}\` is not N[GMK]B/s or N[GMK]b/s (optionally @N[mu]s): xm ignores it (unlimited), xl refuses it`;
    emit(sink, "vif-bad-rate", { xm: "warning", xl: "error" }, message, o.valueRange, "e.g. rate=10Mb/s or rate=1MB/s@20ms");
    return null;
  }
  const unit = { G: 1e9, M: 1e6, K: 1e3, "": 1 }[m[2] as "G" | "M" | "K" | ""];
  let bytesPerSecond = Number(m[1]) * unit;
  if (m[3] === "b") bytesPerSecond = Math.floor(bytesPerSecond / 8);
  let intervalUs = 50_000;
  if (m[5] !== undefined) intervalUs = Number(m[5]) * (m[6] === "" ? 1_000_000 : m[6] === "m" ? 1000 : 1);
  const bytesPerInterval = Math.floor((bytesPerSecond * intervalUs) / 1_000_000);
  if (bytesPerInterval === 0 || bytesPerInterval > 0xffffffff || intervalUs === 0 || intervalUs > 0xffffffff) {
    emit(sink, "vif-bad-rate", "warning", `rate \`${o.value}\` gives a credit of ${bytesPerInterval} bytes per ${intervalUs} µs, which xend treats as unlimited`, o.valueRange);
    return null;
  }
  return { bytesPerSecond, intervalUs, bytesPerInterval };
}
