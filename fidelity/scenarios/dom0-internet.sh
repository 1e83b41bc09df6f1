# dom0 → internet: dom0 pings www, then traces the way to it with UDP and with ICMP probes.
# Applies to: every example (handbook and broken-reboot have no guest: this is their traffic test).
ping -c 3 www
traceroute -n www
# -N 1: with ICMP probes, how many probes traceroute 2.x sends past the destination's hop depends
# on when its one raw socket is read (2 to 5 on the real kernel, run to run): one probe at a time
# makes the count deterministic on both sides.
traceroute -n -I -N 1 www
