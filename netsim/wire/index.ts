// The public surface of netsim/wire: packet codecs (checked views, plain reprs, parse/emit), frame
// builders, the layer-stack decoder and tcpdump-style summaries. The STP BPDU codec lives in stp.ts.

export * from "./address.ts";
export * from "./result.ts";
export * from "./bytes.ts";
export * from "./checksum.ts";
export * from "./ethernet.ts";
export * from "./arp.ts";
export * from "./ipv4.ts";
export * from "./icmp.ts";
export * from "./udp.ts";
export * from "./tcp.ts";
export * from "./dhcp.ts";
export * from "./build.ts";
export * from "./decode.ts";
export * from "./summary.ts";
export * from "./stp.ts";
