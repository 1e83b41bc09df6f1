# dom0 → guest, host-only bridge: dom0 pings web at the address its DHCP server leased it
# (10.0.0.184: dnsmasq's hash of web's MAC in 10.0.0.100–200, which ISC dhcpd is simulated with too).
# Applies to: nat-dnsmasq, nat-dhcpd.
ping -c 3 10.0.0.184
