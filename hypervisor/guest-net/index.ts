// The guests' own networks: the GuestHooks that run each domU's ifupdown over its image's
// /etc/network/interfaces on an IPv4 stack bound to its netfronts, with TCP and sshd, frozen with
// the guest (GuestSim) and announcing itself after a restore.

export { GuestNetwork, SSH_BANNER, type GuestNet, type GuestNetworkContext } from "./guest-network.ts";
export { GuestSim } from "./guest-sim.ts";
