# dom0 → guest, xend's NAT model: dom0 pings web (10.0.2.1) over vif2.0.
# Applies to: nat.
ping -c 3 10.0.2.1
