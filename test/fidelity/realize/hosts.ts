// The example hosts the realize tests plan and build: each booted from examples/NAME at seed 1; the
// handbook host (which has no guest at boot) with `testxen` created and started as the handbook
// session does, then given 60 s so that its vif forwards and its DHCP lease is bound.
import { resolve } from "node:path";
import { Machine } from "../../../hypervisor/index.ts";
import { Dom0Shell } from "../../../hypervisor/shell/index.ts";
import { nodeFsReader } from "../../../topology/interfaces/index.ts";

/** A booted example host; `settle` more simulated seconds let late DHCP clients get their leases. */
export function bootExample(name: string, settle = 0): Machine {
  const machine = new Machine({ seed: 1, root: nodeFsReader({ root: resolve(import.meta.dirname, "../../../examples", name) }) });
  machine.boot();
  machine.sim.runFor(settle * 1_000_000);
  return machine;
}

/** The handbook host with testxen running (xen-create-image --dhcp, xm create, sleep 60). */
export function handbookWithGuest(): Machine {
  const machine = bootExample("handbook");
  const shell = new Dom0Shell(machine);
  for (const line of ["xen-create-image --hostname=testxen --dhcp --dir=/srv/testxen --size=2G --dist=squeeze --role=udev", "xm create testxen.cfg", "sleep 60"]) {
    const r = shell.run(line);
    if (r.exitCode !== 0) throw new Error(`${line}: ${r.combined}`);
  }
  return machine;
}
