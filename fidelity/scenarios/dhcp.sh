# dom0 and guest DHCP: every lease the host takes while it comes up (dom0's on its bridge or
# eth0, each guest's from the LAN's dnsmasq or from dom0's DHCP server), compared from the set-up on.
# Applies to: handbook, nat, nat-dnsmasq, nat-dhcpd, broken-reboot (see matrix.ts for why not
# xen3-network-bridge and two-bridges; routed leases nothing).
# xennet-diff: setup
sleep 2
