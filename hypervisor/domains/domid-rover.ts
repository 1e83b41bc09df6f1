// Domain ids as Xen hands them out (xen/common/domctl.c XEN_DOMCTL_createdomain): a rover that
// starts after the last id given and only moves forward, skipping ids in use and wrapping below
// DOMID_FIRST_RESERVED (0x7FF0) back to 1. An id is therefore not reused until the rover wraps, and a
// reboot, a save/restore or a destroy+create always gives a new one (xen-networking.md §1.2).

/** The first reserved domain id (xen/include/public/xen.h). */
export const DOMID_FIRST_RESERVED = 0x7ff0;

/** The domain id allocator. */
export class DomidRover {
  private rover = 0;

  /** The next free id after the last one given, or undefined when all are in use (-ENOMEM). */
  next(inUse: (domid: number) => boolean): number | undefined {
    for (let dom = this.rover + 1; ; dom++) {
      if (dom >= DOMID_FIRST_RESERVED) dom = 1;
      if (dom === this.rover) return undefined;
      if (!inUse(dom)) {
        this.rover = dom;
        return dom;
      }
      if (this.rover === 0 && dom === DOMID_FIRST_RESERVED - 1) return undefined;
    }
  }

  /** The last id handed out. */
  get last(): number {
    return this.rover;
  }
}
