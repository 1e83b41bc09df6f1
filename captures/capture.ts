// What reading a capture file gives back, whatever its format: the packets with their timestamps,
// the interface each came from and, for pcapng, the interfaces and packet comments.

/** An interface described in the file (pcapng only). */
export interface CaptureInterface {
  readonly name?: string;
  readonly description?: string;
  readonly linkType: number;
  readonly snapLen: number;
}

/** One packet as read. */
export interface CapturedPacket {
  /** Timestamp in whole microseconds since 1970 (nanosecond files are truncated). */
  readonly timeMicros: number;
  /** Exact timestamp in nanoseconds since 1970. */
  readonly timeNanos: bigint;
  /** Index into `interfaces` (0 for classic pcap). */
  readonly ifIndex: number;
  /** The captured bytes (a view into the file, no copy). */
  readonly data: Uint8Array;
  /** Length on the wire (≥ data length when the snapshot length cut it). */
  readonly originalLength: number;
  /** pcapng opt_comment(s), joined by newlines. */
  readonly comment?: string;
}

/** A whole capture file. */
export interface Capture {
  readonly format: "pcap" | "pcap-ns" | "pcapng";
  /** The file's link type (pcapng: the first interface's). */
  readonly linkType: number;
  readonly interfaces?: readonly CaptureInterface[];
  readonly packets: readonly CapturedPacket[];
}
