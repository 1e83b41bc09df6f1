# Guest → gateway, bridged model: the guest pings the LAN router it is bridged to.
# Applies to: xen3-network-bridge, two-bridges (guest web).
on web ping -c 3 router
