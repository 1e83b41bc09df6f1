# UDP through dom0's NAT from two guests on the same source port: web and db both send from port
# 5000 to www's echo port, which nobody serves (so www answers ICMP port unreachable, translated
# back by conntrack). MASQUERADE keeps 5000 for the first flow and must pick another port for the
# second; 2.6.32 takes the next free one, a modern kernel a random one — the diff compares the class.
# db sends two datagrams, not three: its third would leave at +5 s, within milliseconds of the
# router's DELAY → PROBE of dom0 (5 s after web's first datagram), and python3's start-up (tens of
# ms per step, more on a loaded machine) would decide their order on the real side.
# Applies to: nat.
on web udp-echo -p 5000 -c 3 www 7
on db udp-echo -p 5000 -c 2 www 7
