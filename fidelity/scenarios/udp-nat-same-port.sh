# UDP through dom0's NAT from two guests on the same source port: web and db both send from port
# 5000 to www's echo port, which nobody serves (so www answers ICMP port unreachable, translated
# back by conntrack). MASQUERADE keeps 5000 for the first flow and must pick another port for the
# second; 2.6.32 takes the next free one, a modern kernel a random one — the diff compares the class.
# Applies to: nat.
on web udp-echo -p 5000 -c 3 www 7
on db udp-echo -p 5000 -c 3 www 7
