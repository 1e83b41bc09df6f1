// The graph at a past cursor, from the history's state events (web/client/time-travel.ts).
import { describe, expect, it } from "vitest";
import type { SimEvent } from "../../../web/api-types.ts";
import { TimeTravel } from "../../../web/client/time-travel.ts";

const events: SimEvent[] = [
  { seq: 1, time: 0, kind: "link", node: "dom0", dev: "eth0", up: true },
  { seq: 2, time: 1, kind: "port", node: "dom0", bridge: "xenbr0", port: "eth0", state: "learning" },
  { seq: 3, time: 2, kind: "port", node: "dom0", bridge: "xenbr0", port: "eth0", state: "forwarding" },
  { seq: 4, time: 3, kind: "frame", node: "dom0", dev: "eth0", direction: "tx", proto: "arp", summary: "ARP" },
  { seq: 5, time: 4, kind: "domain", name: "testxen", domid: 1, state: "blocked" },
  { seq: 6, time: 5, kind: "link", node: "dom0", dev: "vif1.0", up: true },
  { seq: 7, time: 6, kind: "domain", name: "testxen", domid: 1, state: "paused" },
];

describe("TimeTravel", () => {
  const travel = new TimeTravel();
  for (const e of [...events, events[2]!]) travel.add(e); // a replayed event counts once

  it("gives each node the last state its events gave it at the cursor", () => {
    expect([...travel.at(2).states]).toEqual([["dom0:eth0", "learning"]]);
    expect(travel.at(7).states.get("domU:testxen")).toBe("paused");
    expect(travel.at(6).states.get("domU:testxen")).toBe("blocked");
  });

  it("takes a bridge port's state from STP, not from its link", () => {
    expect(travel.at(1).states.has("dom0:eth0")).toBe(false);
    expect(travel.at(7).states.get("dom0:eth0")).toBe("forwarding");
  });

  it("marks the nodes whose every event is later as not there yet", () => {
    expect([...travel.at(4).future].sort()).toEqual(["dom0:vif1.0", "domU:testxen"]);
    expect([...travel.at(5).future]).toEqual(["dom0:vif1.0"]);
    expect(travel.at(7).future.size).toBe(0);
  });
});
