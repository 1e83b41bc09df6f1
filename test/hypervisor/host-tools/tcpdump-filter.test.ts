// The pcap-filter subset: which of the sample frames each expression keeps, with libpcap's rules
// (host matches ARP addresses too, port only TCP/UDP first fragments, a bare value reusing the
// previous qualifiers), and libpcap's error words.
import { describe, expect, it } from "vitest";
import { compileFilter } from "../../../hypervisor/host-tools/index.ts";
import { SAMPLE_FRAMES } from "./frames.ts";

/** The descriptions of the sample frames an expression keeps. */
function kept(expr: string): string[] {
  const pred = compileFilter(expr.split(" "));
  if (typeof pred !== "function") throw new Error(pred.error);
  return SAMPLE_FRAMES.filter(([, f]) => pred(f)).map(([, , what]) => what);
}

describe("tcpdump filter expressions", () => {
  it("selects by protocol", () => {
    expect(kept("arp")).toEqual(["arp request", "arp reply"]);
    expect(kept("icmp")).toEqual(["echo request", "echo reply"]);
    expect(kept("udp")).toEqual(["udp", "dhcp discover", "dhcp offer"]);
    expect(kept("tcp")).toEqual(["tcp syn", "tcp syn-ack", "tcp ack", "tcp data"]);
    expect(kept("stp")).toEqual(["stp config", "stp tcn"]);
    expect(kept("not ip and not arp")).toEqual(["stp config", "stp tcn", "unknown ethertype"]);
  });

  it("selects by host, net, port and link address, with directions", () => {
    expect(kept("host 192.168.1.1")).toEqual(["arp request", "arp reply", "echo request", "echo reply", "udp", "dhcp offer", "tcp syn", "tcp syn-ack", "tcp ack", "tcp data"]);
    expect(kept("src host 192.168.1.1 and ip")).toEqual(["echo reply", "dhcp offer", "tcp syn-ack"]);
    expect(kept("dst 255.255.255.255")).toEqual(["dhcp discover"]);
    expect(kept("net 192.168.1")).toEqual(kept("net 192.168.1.0/24"));
    expect(kept("port 67 or 68")).toEqual(["dhcp discover", "dhcp offer"]);
    expect(kept("port bootps")).toEqual(["dhcp discover", "dhcp offer"]);
    expect(kept("tcp dst port 22")).toEqual(["tcp syn", "tcp ack", "tcp data"]);
    expect(kept("udp portrange 4000-5000")).toEqual(["udp"]);
    expect(kept("ether src 00:11:22:33:44:55")).toEqual(["arp reply", "echo reply", "dhcp offer", "tcp syn-ack"]);
    expect(kept("ether broadcast")).toEqual(["arp request", "dhcp discover", "unknown ethertype"]);
    expect(kept("multicast")).toEqual(["arp request", "dhcp discover", "stp config", "stp tcn", "unknown ethertype"]);
    expect(kept("(icmp or arp) && !src 192.168.1.50")).toEqual(["arp reply", "echo reply"]);
    expect(kept("greater 300")).toEqual(["dhcp discover", "dhcp offer"]);
  });

  it("refuses malformed expressions with libpcap's words", () => {
    expect(compileFilter(["port"])).toEqual({ error: "syntax error" });
    expect(compileFilter(["(", "arp"])).toEqual({ error: "syntax error" });
    expect(compileFilter(["arp", ")"])).toEqual({ error: "syntax error" });
    expect(compileFilter(["host", "nowhere"])).toEqual({ error: "unknown host 'nowhere'" });
    expect(compileFilter(["port", "99999"])).toEqual({ error: "illegal port number 99999" });
    expect(typeof compileFilter([])).toBe("function");
  });
});
