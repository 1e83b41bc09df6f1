# traceroute (UDP probes, 2.0's defaults: 16 probes at once, 3 per hop) from the guest to www.
# Applies to: every example with a running guest web.
# A ping first resolves every neighbour on the way: 2.6.32 keeps only 3 packets waiting for ARP
# (unres_qlen), a modern kernel ~200 KB (unres_qlen_bytes), so 16 probes sent at once into an empty
# ARP cache would test the kernel's version rather than the model.
on web ping -c 1 www
on web traceroute -n www
