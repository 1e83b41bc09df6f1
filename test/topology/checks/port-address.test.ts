// bridge/port-address says what really happens, which depends on the order ifup -a brings the
// stanzas up: a port configured before its bridge loses its address to the bridge hook's
// `ifconfig PORT 0.0.0.0 up`; one configured after it leaves dom0 with two connected routes.
import { describe, expect, it } from "vitest";
import { checkHost, loadHost, memoryReader } from "../../../topology/index.ts";

const port = "auto eth0\niface eth0 inet static\n    address 192.168.1.10\n    netmask 255.255.255.0\n    gateway 192.168.1.1\n";
const bridge = "auto xenbr0\niface xenbr0 inet dhcp\n    bridge_ports eth0\n";

function portAddress(text: string): string {
  const host = loadHost(memoryReader({ files: { "/etc/network/interfaces": text } })).value;
  const found = checkHost(host).filter((d) => d.code === "bridge/port-address");
  expect(found).toHaveLength(1);
  return found[0]!.message;
}

describe("bridge/port-address", () => {
  it("says the hook takes the address and the gateway away when the port comes up first", () => {
    expect(portAddress(`${port}\n${bridge}`)).toMatch(/eth0 comes up first, then the bridge hook's `ifconfig eth0 0\.0\.0\.0 up` removes the address and the default route via 192\.168\.1\.1, so dom0 is no longer at 192\.168\.1\.10/);
  });

  it("says dom0 gets two connected routes when the bridge comes up first", () => {
    expect(portAddress(`${bridge}\n${port}`)).toMatch(/dom0 gets two connected routes for that subnet/);
  });
});
