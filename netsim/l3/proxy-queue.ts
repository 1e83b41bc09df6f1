// The delayed proxy-ARP queue (net/core/neighbour.c: pneigh_enqueue, neigh_proxy_process). A
// broadcast ARP request that this host would answer as a proxy waits a random time below the
// receiving device's proxy_delay (0.8 s by default), drawn from a seeded stream, then is processed
// again from the start (parp_redo), which answers it at once if it still qualifies. One table-wide
// timer serves the queue, armed for the earliest due request; at most proxy_qlen (64) wait.
import type { EventHandle, Sim } from "../engine/sim.ts";
import type { RandomStream } from "../engine/random.ts";
import type { Iface } from "./iface.ts";
import { jiffiesAt, timerTime } from "./linux-params.ts";

interface ProxyEntry {
  readonly iface: Iface;
  readonly frame: Uint8Array;
  /** Jiffy at which it is due. */
  readonly due: number;
}

/** arp_tbl's proxy queue. */
export class ProxyQueue {
  private queue: ProxyEntry[] = [];
  private timer: EventHandle | null = null;
  private expires = 0;

  constructor(
    private readonly sim: Sim,
    private readonly rng: RandomStream,
    /** parp_redo: process the request again, as a locally enqueued one. */
    private readonly redo: (iface: Iface, frame: Uint8Array) => void,
  ) {}

  /** pneigh_enqueue: returns the delay drawn (in jiffies), or undefined when the queue was full. */
  enqueue(iface: Iface, frame: Uint8Array): number | undefined {
    const now = jiffiesAt(this.sim.now);
    const p = iface.parms;
    const delay = this.rng.int(0, p.proxyDelay - 1);
    if (this.queue.length > p.proxyQlen) return undefined;
    this.queue.push({ iface, frame, due: now + delay });
    this.arm(this.timer !== null && this.expires < now + delay ? this.expires : now + delay);
    return delay;
  }

  /** Forgets what waits for a device that went down. */
  flushDevice(iface: Iface): void {
    this.queue = this.queue.filter((e) => e.iface !== iface);
  }

  private arm(expires: number): void {
    this.timer?.cancel();
    this.expires = expires;
    this.timer = this.sim.at(timerTime(expires, this.sim.now), () => this.process());
  }

  /** neigh_proxy_process: replays every due request, re-arms for the earliest one left. */
  private process(): void {
    this.timer = null;
    const now = jiffiesAt(this.sim.now);
    const queue = this.queue;
    this.queue = [];
    const waiting: ProxyEntry[] = [];
    let next = 0;
    for (const e of queue) {
      const tdif = e.due - now;
      if (tdif > 0) {
        waiting.push(e);
        if (next === 0 || tdif < next) next = tdif;
      } else if (e.iface.dev.isUp) {
        this.redo(e.iface, e.frame);
      }
    }
    this.queue = [...waiting, ...this.queue];
    if (next !== 0 && this.timer === null) this.arm(now + next);
  }
}
