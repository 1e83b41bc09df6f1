// The pieces under the state machine: sequence arithmetic across 2^32, the out-of-order queue and
// its SACK blocks, the send buffer, the RTT estimator, and the time-based give-up rule.
import { describe, expect, it } from "vitest";
import { retransmitsTimedOut, TCP_RTO_MIN, TCP_TIMEOUT_INIT } from "../../../../netsim/l3/tcp/params.ts";
import { ReceiveQueue } from "../../../../netsim/l3/tcp/receive-queue.ts";
import { RtoEstimator } from "../../../../netsim/l3/tcp/retransmit.ts";
import { SendBuffer } from "../../../../netsim/l3/tcp/send-buffer.ts";
import { after, before, between, seqAdd, seqDiff } from "../../../../netsim/l3/tcp/seq.ts";
import { pattern } from "./helpers.ts";

describe("sequence numbers", () => {
  it("compare across the 2^32 wrap", () => {
    const top = 0xffff_fff0;
    const wrapped = seqAdd(top, 0x20);
    expect(wrapped).toBe(0x10);
    expect(before(top, wrapped)).toBe(true);
    expect(after(wrapped, top)).toBe(true);
    expect(seqDiff(wrapped, top)).toBe(0x20);
    expect(between(0xffff_fffa, top, wrapped)).toBe(true);
    expect(between(0x11, top, wrapped)).toBe(false);
    expect(before(5, 5)).toBe(false);
  });
});

describe("ReceiveQueue", () => {
  it("merges touching and overlapping runs, hands them back once the hole fills, lists SACK blocks newest first", () => {
    const q = new ReceiveQueue();
    const base = 0xffff_ff00; // the queue straddles 2^32
    q.insert(seqAdd(base, 100), pattern(100, 100), false, base);
    q.insert(seqAdd(base, 300), pattern(100, 300), false, base);
    q.insert(seqAdd(base, 200), pattern(50, 200), false, base); // touches the first run
    expect(q.sackBlocks(4)).toEqual([
      { start: seqAdd(base, 100), end: seqAdd(base, 250) },
      { start: seqAdd(base, 300), end: seqAdd(base, 400) },
    ]);
    expect(q.pull(base)).toBeNull();
    const run = q.pull(seqAdd(base, 150)); // the first 150 bytes arrived in order meanwhile
    expect(run?.data).toEqual(pattern(100, 150));
    expect(run?.fin).toBe(false);
    q.insert(seqAdd(base, 250), pattern(50, 250), false, seqAdd(base, 250));
    const rest = q.pull(seqAdd(base, 250));
    expect(rest?.data).toEqual(pattern(150, 250));
    expect(rest?.fin).toBe(false);
    expect(q.empty).toBe(true);
  });

  it("a FIN that arrived early is delivered after the data before it", () => {
    const q = new ReceiveQueue();
    q.insert(110, pattern(10, 10), true, 100);
    expect(q.pull(100)).toBeNull();
    const run = q.pull(110);
    expect(run).toEqual({ data: pattern(10, 10), fin: true });
  });
});

describe("SendBuffer", () => {
  it("grows, gives views, forgets acknowledged bytes", () => {
    const b = new SendBuffer();
    b.push(pattern(3000));
    b.push(pattern(3000, 3000 % 256));
    expect(b.length).toBe(6000);
    b.consume(2500);
    expect(b.view(0, 10)).toEqual(pattern(10, 2500 % 256));
    b.push(pattern(10_000));
    expect(b.length).toBe(13_500);
    expect(() => b.view(13_000, 1000)).toThrow();
  });
});

describe("RtoEstimator", () => {
  it("a LAN sample gives srtt + 200 ms (rttvar ≥ TCP_RTO_MIN); no sample keeps 3 s", () => {
    const e = new RtoEstimator();
    expect(e.rto).toBe(TCP_TIMEOUT_INIT);
    e.sample(0, 1000, 1000);
    expect(e.rto).toBe(1 + TCP_RTO_MIN);
    e.sample(25, 2000, 3000); // 100 ms
    expect(e.smoothed).toBe(4);
    expect(e.rto).toBeGreaterThan(TCP_RTO_MIN);
  });
});

describe("retransmits_timed_out", () => {
  it("tcp_retries2 = 15 is 924.6 s; 5 SYN retries are 12.6 s, or 189 s from the 3 s initial RTO", () => {
    expect(retransmitsTimedOut(15, 0, 231_149)).toBe(false);
    expect(retransmitsTimedOut(15, 0, 231_150)).toBe(true);
    expect(retransmitsTimedOut(5, 0, 3149)).toBe(false);
    expect(retransmitsTimedOut(5, 0, 3150)).toBe(true);
    expect(retransmitsTimedOut(5, 0, 47_249, TCP_TIMEOUT_INIT)).toBe(false);
    expect(retransmitsTimedOut(5, 0, 47_250, TCP_TIMEOUT_INIT)).toBe(true);
  });
});
