// Test fixtures for netfilter: a fake StackView for a NAT-model dom0 (eth0 192.0.2.10 uplink,
// guests behind vifs), IPv4 packets built with the wire codecs (the frame builders' output from
// offset 14), and a driver that walks a packet through the hooks the way the IPv4 stack does.
import { Sim } from "../../../../netsim/engine/sim.ts";
import type { HookContext, HookPoint, PacketState, StackView, Verdict } from "../../../../netsim/l3/hooks.ts";
import { Netfilter } from "../../../../netsim/l3/netfilter/index.ts";
import { parseIpv4, type Ipv4 } from "../../../../netsim/wire/address.ts";
import { buildIcmpEcho, buildIcmpError, buildIpv4Tcp, buildIpv4Udp, type IpFields } from "../../../../netsim/wire/build.ts";
import type { TcpRepr } from "../../../../netsim/wire/tcp.ts";

/** A dotted quad as a number (throws on a typo: fixtures are ours). */
export function ip(text: string): Ipv4 {
  const v = parseIpv4(text);
  if (v === undefined) throw new Error(`bad address ${text}`);
  return v;
}

const LINK = { src: 0x00163e000001, dst: 0x00163e000002 };

/** A UDP packet (IPv4 header + payload). */
export function udp(src: string, sport: number, dst: string, dport: number, fields: Partial<IpFields> = {}, payload = new Uint8Array([1, 2, 3, 4])): Uint8Array {
  return buildIpv4Udp(LINK, { src: ip(src), dst: ip(dst), ...fields }, { srcPort: sport, dstPort: dport, payload }).subarray(14);
}

/** A TCP segment in an IPv4 packet. */
export function tcp(src: string, sport: number, dst: string, dport: number, seg: Partial<TcpRepr>): Uint8Array {
  const repr: TcpRepr = { srcPort: sport, dstPort: dport, seq: 0, ack: 0, flags: 0, window: 29200, urgent: 0, options: [], payload: new Uint8Array(0), ...seg };
  return buildIpv4Tcp(LINK, { src: ip(src), dst: ip(dst) }, repr).subarray(14);
}

/** An ICMP echo request (or reply). */
export function echo(src: string, dst: string, ident: number, seq: number, reply = false): Uint8Array {
  return buildIcmpEcho(LINK, { src: ip(src), dst: ip(dst) }, { ident, seq, reply, data: new Uint8Array(8) }).subarray(14);
}

/** An ICMP error from `src` to `dst` quoting `original` (Linux quotes up to 548 bytes). */
export function icmpError(src: string, dst: string, kind: "time-exceeded" | "dst-unreachable", code: number, original: Uint8Array): Uint8Array {
  return buildIcmpError(LINK, { src: ip(src), dst: ip(dst) }, { kind, code, original, quote: "linux" }).subarray(14);
}

/** A NAT-model dom0's view: eth0 has 192.0.2.10 (until it goes down); vifs have 10.0.x.128 router addresses. */
export class FakeView implements StackView {
  readonly node = "dom0";
  private readonly listeners: ((dev: string) => void)[] = [];
  readonly addresses = new Map<string, Ipv4>([["eth0", ip("192.0.2.10")], ["vif1.0", ip("10.0.1.128")], ["vif2.0", ip("10.0.2.128")]]);

  selectSourceAddress(dev: string): Ipv4 | undefined {
    return this.addresses.get(dev);
  }

  isLocalAddress(address: Ipv4): boolean {
    return [...this.addresses.values()].includes(address);
  }

  onDeviceDown(listener: (dev: string) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  /** The stack reports `dev` down (ifdown, address removed). */
  down(dev: string): void {
    this.addresses.delete(dev);
    for (const l of this.listeners) l(dev);
  }
}

/** A dom0 with netfilter, its simulator and view. */
export function dom0(seed = 1): { sim: Sim; view: FakeView; nf: Netfilter } {
  const sim = new Sim(seed);
  const view = new FakeView();
  return { sim, view, nf: new Netfilter({ sim, view }) };
}

/** Runs iptables and fails the test on a non-zero exit. */
export function iptables(nf: Netfilter, line: string): void {
  const r = nf.iptables(line.split(" ").filter((s) => s !== ""));
  if (r.exitCode !== 0) throw new Error(`iptables ${line}: ${r.stderr}`);
}

/** The hooks a packet passes: forwarded (PREROUTING, FORWARD, POSTROUTING), received, or sent. */
const PATHS: Readonly<Record<"forward" | "input" | "output", readonly HookPoint[]>> = {
  forward: ["PREROUTING", "FORWARD", "POSTROUTING"],
  input: ["PREROUTING", "INPUT"],
  output: ["OUTPUT", "POSTROUTING"],
};

/** Walks a packet through its hooks as the stack would; the final verdict (or the first non-accept). */
export function traverse(nf: Netfilter, path: keyof typeof PATHS, packet: Uint8Array, ctx: HookContext): Verdict {
  let current = packet;
  const skb: PacketState = {}; // one packet, one sk_buff: netfilter finds its connection again at each hook
  for (const hook of PATHS[path]) {
    const hookCtx: HookContext = hook === "PREROUTING" || hook === "INPUT" ? { ...(ctx.inDev ? { inDev: ctx.inDev } : {}), skb } : { ...ctx, skb };
    const v = nf.run(hook, current, hookCtx);
    if (v.action !== "accept") return v;
    current = v.packet;
  }
  return { action: "accept", packet: current };
}

/** The accepted packet, or a thrown error naming the verdict. */
export function accepted(v: Verdict): Uint8Array {
  if (v.action !== "accept") throw new Error(`expected accept, got ${v.action}: ${v.reason}`);
  return v.packet;
}
