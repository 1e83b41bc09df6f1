# Guest → gateway, host-only bridge + NAT: the guest pings dom0's br0 address (10.0.0.1).
# Applies to: nat-dnsmasq, nat-dhcpd.
on web ping -c 3 10.0.0.1
