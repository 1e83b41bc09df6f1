// The host's LVM, as far as xen-create-image's `lvcreate VG -L SIZE -n NAME` and `lvremove --force`
// need it (lvm2 2.02 on Squeeze): volume groups of a fixed size in 4 MiB extents, logical volumes
// appearing as block devices /dev/VG/NAME in the simulated filesystem (full size, allocated), and
// lvm's messages when the group is unknown, the name taken, or the space short.

import type { SimFs } from "../sim-fs.ts";
import type { VolumeGroupSpec } from "./host-spec.ts";

const EXTENT = 4 * 1024 * 1024;

/** What an lvm command printed and its exit status. */
export interface LvmResult {
  readonly status: number;
  readonly output: string;
}

/** lvm2's size argument: a number with an optional k/m/g/t unit (MiB without), bytes; undefined when invalid. */
export function lvmSize(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)([kKmMgGtT]?)[bB]?$/.exec(text);
  if (!m) return undefined;
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, "": 1024 ** 2 }[(m[2] ?? "").toLowerCase() as "k"];
  return Math.round(Number(m[1]) * unit);
}

/** The host's volume groups and their logical volumes. */
export class Lvm {
  private readonly volumes = new Map<string, Map<string, number>>();

  constructor(
    private readonly fs: SimFs,
    private readonly groups: readonly VolumeGroupSpec[],
  ) {
    for (const g of groups) this.volumes.set(g.name, new Map());
  }

  /** Free extents of a group. */
  freeExtents(vg: string): number {
    const g = this.groups.find((x) => x.name === vg);
    if (!g) return 0;
    const used = [...(this.volumes.get(vg)?.values() ?? [])].reduce((a, b) => a + b, 0);
    return Math.floor((g.sizeMiB * 1024 * 1024) / EXTENT) - used;
  }

  /** `lvcreate VG -L SIZE -n NAME`. */
  lvcreate(vg: string, size: string, name: string): LvmResult {
    const lvs = this.volumes.get(vg);
    if (!lvs) return { status: 5, output: `  Volume group "${vg}" not found\n` };
    const bytes = lvmSize(size);
    if (bytes === undefined) return { status: 3, output: `  Invalid argument ${size}\n  Error during parsing of command line.\n` };
    if (lvs.has(name)) return { status: 5, output: `  Logical volume "${name}" already exists in volume group "${vg}"\n` };
    const extents = Math.ceil(bytes / EXTENT);
    const free = this.freeExtents(vg);
    if (extents > free) return { status: 5, output: `  Volume group "${vg}" has insufficient free space (${free} extents): ${extents} required.\n` };
    lvs.set(name, extents);
    this.fs.mkdir(`/dev/${vg}`, { parents: true });
    this.fs.writeFile(`/dev/${vg}/${name}`, new Uint8Array(0), { size: extents * EXTENT, mode: 0o660 });
    return { status: 0, output: `  Logical volume "${name}" created\n` };
  }

  /** `lvremove --force /dev/VG/NAME`. */
  lvremove(path: string): LvmResult {
    const m = /^\/dev\/([^/]+)\/([^/]+)$/.exec(path);
    const lvs = m ? this.volumes.get(m[1]!) : undefined;
    if (!m || !lvs?.has(m[2]!)) return { status: 5, output: `  One or more specified logical volume(s) not found.\n` };
    lvs.delete(m[2]!);
    this.fs.unlink(path);
    return { status: 0, output: `  Logical volume "${m[2]}" successfully removed\n` };
  }
}
