// Spanning Tree BPDUs (IEEE 802.1D-1998 clause 9), as Linux sends and reads them in
// net/bridge/br_stp_bpdu.c: an 802.3 frame (the type field is a length) to the bridge group address
// 01:80:c2:00:00:00, an 802.2 LLC header DSAP 0x42 SSAP 0x42 control 0x03 (UI), then the BPDU:
//
//   config (35 bytes): protocol id 0000, version 00, type 00, flags (0x01 topology change,
//     0x80 topology change ack), root id (8), root path cost (4), bridge id (8), port id (2),
//     message age, max age, hello time, forward delay (2 each, in 1/256 s)
//   TCN (4 bytes): protocol id 0000, version 00, type 0x80
//
// A bridge id is a 2-byte priority followed by the bridge MAC; it is compared as 8 bytes (memcmp).
// Times are kept in µs in the Repr and converted as Linux does: floor on the way out
// (br_set_ticks), rounded up on the way in (br_get_ticks, DIV_ROUND_UP). Like br_stp_rcv, the
// parser refuses a non-zero protocol id or version (an RSTP BPDU is version 2). Frames are not
// padded here; trailing padding after the LLC length is ignored, as llc_fixup_skb trims it.
import { macToString, readMac, writeMac } from "./address.ts";
import type { Mac } from "./address.ts";
import { readU16, readU32, writeU16, writeU32 } from "./bytes.ts";
import { ETHERNET_HEADER_LEN, ETHERTYPE_MIN } from "./ethernet.ts";
import { fail, ok } from "./result.ts";
import type { Result } from "./result.ts";

/** The bridge group address every STP BPDU is sent to. */
export const STP_GROUP_MAC: Mac = 0x0180_c200_0000;
/** LLC SAP of the spanning tree protocol (LLC_SAP_BSPAN). */
export const LLC_SAP_BSPAN = 0x42;
/** LLC control field of an unnumbered information PDU. */
export const LLC_UI = 0x03;
/** LLC header length (DSAP, SSAP, control). */
export const LLC_HEADER_LEN = 3;
/** Length of a configuration BPDU. */
export const CONFIG_BPDU_LEN = 35;
/** Length of a topology change notification BPDU. */
export const TCN_BPDU_LEN = 4;
/** BPDU type codes. */
export const BpduType = { Config: 0x00, Tcn: 0x80 } as const;
const FLAG_TC = 0x01;
const FLAG_TCA = 0x80;
/** µs in one BPDU time unit (1/256 s, STP_HZ). */
const MICROS_PER_TICK = 1_000_000 / 256;

/** A bridge identifier: priority (0–65535) and MAC. */
export interface BridgeId {
  readonly priority: number;
  readonly mac: Mac;
}

/** A configuration BPDU; times in µs. */
export interface ConfigBpdu {
  readonly type: "config";
  readonly topologyChange: boolean;
  readonly topologyChangeAck: boolean;
  readonly root: BridgeId;
  readonly rootPathCost: number;
  readonly bridge: BridgeId;
  readonly portId: number;
  readonly messageAge: number;
  readonly maxAge: number;
  readonly helloTime: number;
  readonly forwardDelay: number;
}

/** A topology change notification BPDU. */
export interface TcnBpdu {
  readonly type: "tcn";
}

/** Either kind of BPDU Linux's 802.1D implementation handles. */
export type BpduRepr = ConfigBpdu | TcnBpdu;

/** A BPDU frame: the addresses of its Ethernet header and the BPDU it carries. */
export interface BpduFrameRepr {
  readonly dst: Mac;
  readonly src: Mac;
  readonly bpdu: BpduRepr;
}

/** Orders bridge ids as 8 bytes compared with memcmp: priority first, then MAC. */
export function compareBridgeId(a: BridgeId, b: BridgeId): number {
  return a.priority !== b.priority ? a.priority - b.priority : a.mac - b.mac;
}

/** True when both ids are the same bridge. */
export function sameBridgeId(a: BridgeId, b: BridgeId): boolean {
  return a.priority === b.priority && a.mac === b.mac;
}

/** `8000.001122334455`, as `brctl show` prints a bridge id. */
export function bridgeIdToString(id: BridgeId): string {
  return `${id.priority.toString(16).padStart(4, "0")}.${macToString(id.mac).replaceAll(":", "")}`;
}

/** A BPDU time field (1/256 s) in µs, rounded up like br_get_ticks. */
export function ticksToMicros(ticks: number): number {
  return Math.ceil(ticks * MICROS_PER_TICK);
}

/** µs as a BPDU time field (1/256 s), rounded down like br_set_ticks; clamped to 16 bits. */
export function microsToTicks(us: number): number {
  return Math.min(0xffff, Math.max(0, Math.floor(us / MICROS_PER_TICK)));
}

function readBridgeId(bytes: Uint8Array, offset: number): BridgeId {
  return { priority: readU16(bytes, offset), mac: readMac(bytes, offset + 2) };
}

function writeBridgeId(bytes: Uint8Array, offset: number, id: BridgeId): void {
  writeU16(bytes, offset, id.priority);
  writeMac(bytes, offset + 2, id.mac);
}

/** A checked view over BPDU bytes (after the LLC header): header known valid, body long enough. */
export class Bpdu {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks protocol id, version, type and length as br_stp_rcv does; never throws. */
  static check(bytes: Uint8Array): Result<Bpdu> {
    if (bytes.length < TCN_BPDU_LEN) return fail("truncated", "stp", `BPDU of ${bytes.length} bytes < 4`);
    const protocolId = readU16(bytes, 0);
    if (protocolId !== 0) return fail("bad-version", "stp", `protocol id 0x${protocolId.toString(16)}, not 0 (802.1D)`);
    if (bytes[2] !== 0) return fail("bad-version", "stp", `protocol version ${bytes[2]} (only 802.1D version 0 is read)`);
    const type = bytes[3]!;
    if (type === BpduType.Tcn) return ok(new Bpdu(bytes));
    if (type !== BpduType.Config) return fail("unsupported", "stp", `BPDU type 0x${type.toString(16)}`);
    if (bytes.length < CONFIG_BPDU_LEN) return fail("truncated", "stp", `configuration BPDU of ${bytes.length} bytes < 35`);
    return ok(new Bpdu(bytes));
  }

  /** BPDU type: 0x00 configuration, 0x80 TCN. */
  get type(): number {
    return this.bytes[3]!;
  }
  /** The flags byte of a configuration BPDU. */
  get flags(): number {
    return this.bytes[4]!;
  }
  /** Root identifier. */
  get root(): BridgeId {
    return readBridgeId(this.bytes, 5);
  }
  /** Cost of the sender's path to the root. */
  get rootPathCost(): number {
    return readU32(this.bytes, 13);
  }
  /** The sending bridge's identifier. */
  get bridge(): BridgeId {
    return readBridgeId(this.bytes, 17);
  }
  /** The sending port's identifier (priority and port number). */
  get portId(): number {
    return readU16(this.bytes, 25);
  }
  /** Message age in 1/256 s. */
  get messageAgeTicks(): number {
    return readU16(this.bytes, 27);
  }
  /** Max age in 1/256 s. */
  get maxAgeTicks(): number {
    return readU16(this.bytes, 29);
  }
  /** Hello time in 1/256 s. */
  get helloTimeTicks(): number {
    return readU16(this.bytes, 31);
  }
  /** Forward delay in 1/256 s. */
  get forwardDelayTicks(): number {
    return readU16(this.bytes, 33);
  }
}

/** Parses BPDU bytes (the LLC payload). */
export function parseBpdu(bytes: Uint8Array): Result<BpduRepr> {
  const checked = Bpdu.check(bytes);
  if (!checked.ok) return checked;
  const b = checked.value;
  if (b.type === BpduType.Tcn) return ok({ type: "tcn" });
  return ok({
    type: "config",
    topologyChange: (b.flags & FLAG_TC) !== 0,
    topologyChangeAck: (b.flags & FLAG_TCA) !== 0,
    root: b.root,
    rootPathCost: b.rootPathCost,
    bridge: b.bridge,
    portId: b.portId,
    messageAge: ticksToMicros(b.messageAgeTicks),
    maxAge: ticksToMicros(b.maxAgeTicks),
    helloTime: ticksToMicros(b.helloTimeTicks),
    forwardDelay: ticksToMicros(b.forwardDelayTicks),
  });
}

/** Length of a BPDU's encoding (without LLC): 35 or 4. */
export function bpduLen(repr: BpduRepr): number {
  return repr.type === "config" ? CONFIG_BPDU_LEN : TCN_BPDU_LEN;
}

/** Writes the BPDU at `offset`; returns its length. */
export function emitBpdu(repr: BpduRepr, buf: Uint8Array, offset = 0): number {
  writeU16(buf, offset, 0);
  buf[offset + 2] = 0;
  if (repr.type === "tcn") {
    buf[offset + 3] = BpduType.Tcn;
    return TCN_BPDU_LEN;
  }
  buf[offset + 3] = BpduType.Config;
  buf[offset + 4] = (repr.topologyChange ? FLAG_TC : 0) | (repr.topologyChangeAck ? FLAG_TCA : 0);
  writeBridgeId(buf, offset + 5, repr.root);
  writeU32(buf, offset + 13, repr.rootPathCost);
  writeBridgeId(buf, offset + 17, repr.bridge);
  writeU16(buf, offset + 25, repr.portId);
  writeU16(buf, offset + 27, microsToTicks(repr.messageAge));
  writeU16(buf, offset + 29, microsToTicks(repr.maxAge));
  writeU16(buf, offset + 31, microsToTicks(repr.helloTime));
  writeU16(buf, offset + 33, microsToTicks(repr.forwardDelay));
  return CONFIG_BPDU_LEN;
}

/**
 * Parses a whole frame as an STP BPDU: 802.3 length field, LLC 42 42 03, BPDU. The destination is
 * returned, not checked: the bridge decides what a BPDU to another address means.
 */
export function parseBpduFrame(frame: Uint8Array): Result<BpduFrameRepr> {
  if (frame.length < ETHERNET_HEADER_LEN + LLC_HEADER_LEN) {
    return fail("truncated", "stp", `frame of ${frame.length} bytes < 17 (Ethernet + LLC)`);
  }
  const length = readU16(frame, 12);
  if (length >= ETHERTYPE_MIN) return fail("unsupported", "stp", `EtherType 0x${length.toString(16)}: not an 802.3/LLC frame`);
  if (length < LLC_HEADER_LEN) return fail("bad-length", "stp", `802.3 length ${length} < 3 (LLC header)`);
  if (ETHERNET_HEADER_LEN + length > frame.length) {
    return fail("truncated", "stp", `802.3 length ${length} > ${frame.length - ETHERNET_HEADER_LEN} bytes present`);
  }
  if (frame[14] !== LLC_SAP_BSPAN || frame[15] !== LLC_SAP_BSPAN || frame[16] !== LLC_UI) {
    const hex = Array.from(frame.subarray(14, 17), (x) => x.toString(16).padStart(2, "0")).join(" ");
    return fail("unsupported", "stp", `LLC ${hex}, not 42 42 03`);
  }
  const bpdu = parseBpdu(frame.subarray(ETHERNET_HEADER_LEN + LLC_HEADER_LEN, ETHERNET_HEADER_LEN + length));
  if (!bpdu.ok) return bpdu;
  return ok({ dst: readMac(frame, 0), src: readMac(frame, 6), bpdu: bpdu.value });
}

/** Length of a BPDU frame as Linux sends it (no padding): 52 for config, 21 for TCN. */
export function bpduFrameLen(bpdu: BpduRepr): number {
  return ETHERNET_HEADER_LEN + LLC_HEADER_LEN + bpduLen(bpdu);
}

/** Encodes a BPDU frame from `src` to the bridge group address (or `dst`). */
export function encodeBpduFrame(src: Mac, bpdu: BpduRepr, dst: Mac = STP_GROUP_MAC): Uint8Array {
  const frame = new Uint8Array(bpduFrameLen(bpdu));
  writeMac(frame, 0, dst);
  writeMac(frame, 6, src);
  writeU16(frame, 12, LLC_HEADER_LEN + bpduLen(bpdu));
  frame[14] = LLC_SAP_BSPAN;
  frame[15] = LLC_SAP_BSPAN;
  frame[16] = LLC_UI;
  emitBpdu(bpdu, frame, ETHERNET_HEADER_LEN + LLC_HEADER_LEN);
  return frame;
}
