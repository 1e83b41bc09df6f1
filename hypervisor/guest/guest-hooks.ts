// The seam between the guest OS model (boot, consoles, shutdown, pause, save) and the guest's
// network stack, which another part of the simulator provides. The guest calls these hooks at the
// points where a Debian Squeeze guest's networking is touched:
//
//   networkStart  init runs `/etc/init.d/networking start` (`ifup -a`, after "Configuring network
//                 interfaces..."). Configure the guest's NICs (guest.nics: Netfront devices named
//                 eth0, eth1... with the vif MACs; guest.image?.files["/etc/network/interfaces"]),
//                 print what ifup/dhclient print with guest.print(), start sshd, and call `done()`
//                 when ifup returns — boot waits for it, as init does (the guest prints "done." then).
//   networkStop   the shutdown or reboot sequence runs `ifdown -a` (after "Deconfiguring network
//                 interfaces..."). Synchronous.
//   frozen        the guest's vCPUs stopped: `xm pause` ("pause"), or the guest suspended itself for
//                 `xm save` ("suspend"; its netfronts are disconnected next). Its GuestClock is
//                 stopped; timers scheduled elsewhere for the guest should stop too.
//   thawed        it runs again: "unpause", or "resume" after `xm restore` (new domid, new backends;
//                 classic netfront then sends a gratuitous ARP). `missedUs` is the virtual time it did
//                 not see — TCP and DHCP timers notice it only now.
//   halted        the guest is gone: powered off, rebooted (a new guest object boots in the new
//                 domain), crashed, or destroyed. Release everything held for it.
//
// NoGuestNetwork does nothing and lets boot continue at once; it keeps the domain engine testable
// on its own.

import type { GuestOs } from "./guest-os.ts";

/** Why a guest stopped running for good. */
export type HaltReason = "poweroff" | "reboot" | "halt" | "crash" | "destroyed";

/** The guest network's side of the guest OS model (see the file header). */
export interface GuestHooks {
  networkStart(guest: GuestOs, done: () => void): void;
  networkStop(guest: GuestOs): void;
  frozen(guest: GuestOs, why: "pause" | "suspend"): void;
  thawed(guest: GuestOs, why: "unpause" | "resume", missedUs: number): void;
  halted(guest: GuestOs, why: HaltReason): void;
}

/** Hooks that configure nothing: networking "starts" immediately. */
export class NoGuestNetwork implements GuestHooks {
  networkStart(_guest: GuestOs, done: () => void): void {
    done();
  }
  networkStop(): void {}
  frozen(): void {}
  thawed(): void {}
  halted(): void {}
}
