// dnsmasq's choice of a new client's address (src/dhcp.c `address_allocate`, `do_icmp_ping`,
// src/network.c/dnsmasq.c `icmp_ping`/`delay_dhcp`): from the SDBM hash of the MAC plus the range's
// epoch, upward and wrapping, the first address that is not the server's, not leased, not
// reserved, not a class C .0/.255, and that does not answer a ping. The ping is one ICMP echo
// (random id, sequence 0, 20 zero bytes: sizeof(struct icmp) = 28) on a raw socket; dnsmasq then
// waits in 250 ms polls for up to 3 s, stopping at once on a matching echo reply. An address that
// answered bumps the range's epoch; one that stayed silent is remembered as free for 30 s.
import type { RandomStream } from "../engine/random.ts";
import type { DhcpTraceEvent } from "../engine/trace.ts";
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";
import type { RawIcmpSocket } from "../l3/raw-sockets.ts";
import type { Ipv4, Mac } from "../wire/address.ts";
import { encodeIcmp, parseIcmp } from "../wire/icmp.ts";
import { hashStart, isClassCEdge, PING_WAIT, PingCache, sdbmHash } from "./dhcp-leases.ts";

/** A dhcp-range as the server keeps it. */
export interface Range {
  readonly start: Ipv4;
  readonly end: Ipv4;
  readonly netmask?: Ipv4;
  /** Seconds. */
  readonly lease: number;
  /** addr_epoch: bumped when a candidate answers a ping or a client declines. */
  epoch: number;
}

/** Address choice with ping checks, for one server (one ping cache, one check at a time, whatever the interface). */
export class AddressAllocator {
  private readonly pings = new PingCache();
  private readonly icmp: RawIcmpSocket;
  private pending: { ip: Ipv4; id: number; done: (free: boolean) => void; timer: { cancel(): void } } | null = null;

  constructor(
    private readonly stack: Ipv4Stack,
    private readonly rng: RandomStream,
    private readonly noPing: boolean,
    private readonly trace: (event: DhcpTraceEvent, ip: Ipv4) => void,
  ) {
    this.icmp = stack.openRawIcmp();
    this.icmp.onMessage((p) => this.echoReply(p.src, p.icmp));
  }

  close(): void {
    this.pending?.timer.cancel();
    this.pending = null;
    this.icmp.close();
  }

  /**
   * address_allocate over the ranges of the request's interface: `done` gets the address, or
   * undefined when every range is exhausted. `usable` says whether an address may be handed out
   * (not the server's own there, not leased, not reserved).
   */
  allocate(mac: Mac, ranges: readonly Range[], usable: (ip: Ipv4) => boolean, done: (ip: Ipv4 | undefined) => void): void {
    const hash = sdbmHash(mac);
    const tryRange = (ri: number): void => {
      const r = ranges[ri];
      if (r === undefined) return done(undefined);
      const start = hashStart(r.start, r.end, hash, r.epoch);
      let addr = start;
      const advance = (): boolean => {
        addr = addr === r.end ? r.start : addr + 1;
        return addr !== start;
      };
      const step = (): void => {
        do {
          if (usable(addr) && !isClassCEdge(addr)) {
            const candidate = addr;
            return this.check(candidate, (free) => {
              if (free) return done(candidate);
              r.epoch++; // "perturb address selection so that we are less likely to try this address again"
              if (advance()) step();
              else tryRange(ri + 1);
            });
          }
        } while (advance());
        tryRange(ri + 1);
      };
      step();
    };
    tryRange(0);
  }

  /** do_icmp_ping: free when cached, overloaded or disabled; else one echo and up to 3 s of waiting. */
  check(ip: Ipv4, done: (free: boolean) => void): void {
    const now = this.stack.sim.now;
    const verdict = this.noPing ? "skip" : this.pings.lookup(ip, now);
    if (verdict !== "check") return done(true);
    const id = this.rng.int(0, 0xffff);
    this.trace("ping-check", ip);
    this.icmp.send(ip, encodeIcmp({ kind: "echo-request", ident: id, seq: 0, data: new Uint8Array(20) }));
    const timer = this.stack.sim.schedule(PING_WAIT, () => {
      this.pending = null;
      this.pings.recordFree(ip, this.stack.sim.now);
      done(true);
    });
    this.pending = { ip, id, done, timer };
  }

  private echoReply(src: Ipv4, icmp: Uint8Array): void {
    const p = this.pending;
    if (p === null || src !== p.ip || icmp.length !== 28) return;
    const m = parseIcmp(icmp);
    if (!m.ok || m.value.kind !== "echo-reply" || m.value.ident !== p.id || m.value.seq !== 0) return;
    p.timer.cancel();
    this.pending = null;
    this.trace("in-use", src);
    p.done(false);
  }
}
