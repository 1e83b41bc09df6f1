# dom0 → guest on the second bridge: dom0 (10.1.0.1 on xenbr1) pings db at its static 10.1.0.20.
# Applies to: two-bridges.
ping -c 3 10.1.0.20
