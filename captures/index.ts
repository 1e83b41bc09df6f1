// The public surface of captures/: classic pcap and pcapng writers (plain records in, bytes out) and
// one reader for classic µs/ns pcap and pcapng files.

export * from "./capture.ts";
export * from "./pcap-writer.ts";
export * from "./pcapng-writer.ts";
export * from "./read-capture.ts";
