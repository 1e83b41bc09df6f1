# Guest → guest through dom0's routing (xend's NAT model): web (10.0.2.1) pings db (10.0.1.1).
# Applies to: nat.
on web ping -c 3 10.0.1.1
