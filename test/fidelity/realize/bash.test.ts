// The generated bash script and the parsed steps, without running them: the script keeps every
// safety rule (set -u, namespaces only under its own prefix, no command in the root namespace, a
// trap that kills only the PIDs it started and deletes its namespaces, resolv.conf never touched)
// and builds what the plan says; the script's lines become real commands or skipped lines with a
// reason, never a guess.
import { beforeAll, describe, expect, it } from "vitest";
import { bashOf, parseSteps, planOf, realizeUnavailable, type RealPlan, type RealTools } from "../../../fidelity/realize/index.ts";
import { bootExample } from "./hosts.ts";
import { vi } from "vitest";

const BUSYBOX: RealTools = { ping: "busybox", traceroute: "busybox" };
const IPUTILS: RealTools = { ping: "iputils", traceroute: "traceroute" };
const PATHS = { dir: "/tmp/xn-rz-test", prefix: "xn-rz-4242-1-" };

describe("bashOf: the NAT host", () => {
  let plan: RealPlan;
  let script: string;
  beforeAll(() => {
    plan = planOf(bootExample("nat"));
    script = bashOf(plan, parseSteps("on web ping -c 2 www\nsleep 1", plan, BUSYBOX).steps, PATHS);
  });

  it("is bounded and cleans up after itself: set -u, a trap on EXIT that kills only its PIDs and deletes its namespaces", () => {
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain("set -u");
    expect(script).toContain("trap cleanup EXIT");
    expect(script).toMatch(/cleanup\(\) \{[\s\S]*kill -INT "\$p"[\s\S]*kill -KILL "\$p"[\s\S]*ip netns del "\$P\$n"/);
    expect(script).toContain(`P=${PATHS.prefix}`);
    expect(script).toMatch(/timeout -s INT -k 2 "\$lim" ip netns exec/);
    expect(script).not.toMatch(/kill(all)? -\S* *-1\b|pkill|killall/);
  });

  it("never acts on the root namespace: every ip command names one of ours, every veth peer goes straight into one", () => {
    // The udhcpc event script runs inside the client's namespace (udhcpc is started there); left out.
    const outside = script.replace(/cat > "\$DIR\/udhcpc\.sh" <<'XN_EOF'[\s\S]*?\nXN_EOF\n/, "");
    expect(outside.length).toBeLessThan(script.length);
    const ipLines = outside.split("\n").filter((l) => /^\s*ip /.test(l) && !/^\s*ip netns (add|del|pids|exec)/.test(l));
    expect(ipLines.length).toBeGreaterThan(10);
    for (const l of ipLines) expect(l).toMatch(/^\s*ip -n "\$P/);
    for (const l of script.split("\n").filter((x) => x.includes("type veth"))) expect(l).toMatch(/peer name \S+( netns "\$P"\S+)? \|\|/);
    expect(script).not.toMatch(/resolv\.conf(?!;|\.)[^\n]*>/);
    expect(script).toContain("--conf-file=/dev/null");
    expect(script).toContain("--no-resolv");
  });

  it("builds the plan: links with the simulator's MACs, sysctls, addresses, iptables-restore, captures, DHCP", () => {
    expect(script).toContain(`ip -n "$P"dom0 link add name vif1.0 type veth peer name eth0 netns "$P"db`);
    expect(script).toContain(`ip -n "$P"dom0 link set dev vif1.0 address fe:ff:ff:ff:ff:ff`);
    expect(script).toContain("w net/ipv4/conf/vif1.0/proxy_arp 1");
    expect(script).toContain(`ip -n "$P"dom0 addr add 10.0.1.128/32 dev vif1.0`);
    expect(script).toContain(`ip netns exec "$P"dom0 iptables-restore <<'XN_EOF'`);
    expect(script).toContain("-A POSTROUTING -o eth0 -j MASQUERADE");
    for (const c of plan.captures) expect(script).toContain(`cap ${c.split(":")[0]} ${c.split(":")[1]}`);
    expect(script).toContain("busybox udhcpc -f");
    // db is bound in the simulator: bound before the start; web is still asking: it starts with the script.
    expect(script.indexOf("bg db env XN_MARK")).toBeLessThan(script.indexOf("T0=$(us)"));
    expect(script.indexOf("bg web env XN_MARK")).toBeGreaterThan(script.indexOf("T0=$(us)"));
    expect(script).toContain(`waitfile "$DIR/"bound.db.eth0 40`);
    expect(script).not.toContain(`waitfile "$DIR/"bound.web.eth0`);
    expect(script).toMatch(/bg dom0 dnsmasq .*--dhcp-host=/);
    expect(script).toMatch(/T0=\$\(us\); echo "\$T0" > "\$DIR\/t0"[\s\S]*step 1 web 600 busybox ping -c 2 203\.0\.113\.80\n[\s\S]*pause 2 1/);
  });

  it("writes bridge timers in centiseconds and holds a port 2.6.32 still has learning", () => {
    const hb = planOf(bootExample("handbook"));
    const held: RealPlan = { ...hb, bridges: hb.bridges.map((b) => (b.dev === "xenbr0" ? { ...b, ports: b.ports.map((p) => ({ ...p, state: "learning", forwardingAfter: 7_500_000 })) } : b)) };
    const s = bashOf(held, [], PATHS);
    expect(s).toContain("type bridge stp_state 0 forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 priority 32768");
    expect(s).toContain(`ip -n "$P"dom0 link set dev eth0 type bridge_slave state 2`);
    expect(s).toMatch(/sleep 7\.500000; ip -n "\$P"dom0 link set dev eth0 type bridge_slave state 3 \) & started/);
  });
});

describe("parseSteps: what runs for real", () => {
  let plan: RealPlan;
  beforeAll(() => void (plan = planOf(bootExample("nat"))));

  it("runs ping and traceroute on dom0 or on a node, with the world's names as addresses and the options kept", () => {
    const { steps, skipped } = parseSteps("ping -c 3 -i 0.5 www\non db traceroute -n -m 5 router\non router ping -c 1 203.0.113.80\nsleep 2.5", plan, IPUTILS);
    expect(skipped).toEqual([]);
    expect(steps.map((s) => [s.line, s.node, s.argv.join(" ")])).toEqual([
      [1, "dom0", "ping -c 3 -i 0.5 203.0.113.80"],
      [2, "db", "traceroute -n -m 5 192.168.1.1"],
      [3, "router", "ping -c 1 203.0.113.80"],
      [4, "dom0", "sleep 2.5"],
    ]);
  });

  it("uses busybox where iputils and traceroute 2.x are missing, and says why a line cannot run with it", () => {
    const { steps, skipped } = parseSteps("ping -n -c 1 www\ntraceroute -N 4 www\non web traceroute -I www", plan, BUSYBOX);
    expect(steps.map((s) => s.argv.join(" "))).toEqual(["busybox ping -c 1 203.0.113.80", "busybox traceroute 203.0.113.80"]);
    expect(skipped).toEqual([{ line: 3, text: "on web traceroute -I www", reason: expect.stringContaining("no ICMP probes") }]);
  });

  it("skips the toolstack, state commands, redirections, unknown nodes and names, with reasons; ignores comments", () => {
    const script = "# a comment\nxm list\nbrctl show\necho 1 > /proc/sys/net/ipv4/ip_forward\non nosuch ping www\nping nowhere\nfrobnicate\n\non web ip addr";
    const { steps, skipped } = parseSteps(script, plan, BUSYBOX);
    expect(steps).toEqual([]);
    expect(skipped.map((s) => s.line)).toEqual([2, 3, 4, 5, 6, 7, 9]);
    expect(skipped[0]!.reason).toContain("Xen toolstack");
    expect(skipped[2]!.reason).toContain("redirection");
    expect(skipped[3]!.reason).toContain("nosuch");
    expect(skipped[4]!.reason).toContain("nowhere");
    expect(skipped.every((s) => s.reason.length > 10)).toBe(true);
  });
});

describe("realizeUnavailable", () => {
  it("refuses clearly when not root", () => {
    const spy = vi.spyOn(process, "getuid").mockReturnValue(1000);
    try {
      expect(realizeUnavailable()).toMatch(/^not root/);
    } finally {
      spy.mockRestore();
    }
  });
});
