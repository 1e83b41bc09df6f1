# traceroute -I (ICMP echo probes) from the guest to www, one probe at a time (-N 1).
# Applies to: every example with a running guest web.
# A ping first resolves every neighbour on the way (see traceroute-udp.sh). -N 1: with 16 probes
# in flight, traceroute -I reads its one raw socket one answer per poll and refills the window in
# between, so how many probes go past the destination's hop is a race between the kernel's answers
# and the process (2 to 5 extra on a real kernel from run to run); one at a time it is not.
on web ping -c 1 www
on web traceroute -n -I -N 1 www
