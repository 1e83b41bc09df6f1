# Guest → internet: web pings the internet host www through whatever the model puts on the way
# (the LAN router only when bridged; dom0's routing or NAT, then the router, otherwise).
# Applies to: every example with a running guest web (routed, nat, nat-dnsmasq, nat-dhcpd,
# xen3-network-bridge, two-bridges).
on web ping -c 3 www
