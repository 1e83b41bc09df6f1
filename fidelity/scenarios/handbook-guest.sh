# The handbook session: xen-create-image makes testxen and xm create starts it — the toolstack lines
# build the host (in simulation, on both sides: see splitPrelude) — then testxen, bridged on xenbr0
# with its lease from the LAN's dnsmasq, pings www and traces the way there.
# Applies to: handbook.
xen-create-image --hostname testxen --dhcp --dir /srv/testxen --size=2G --dist=squeeze --role=udev
xm create testxen.cfg
on testxen ping -c 3 www
on testxen traceroute -n www
