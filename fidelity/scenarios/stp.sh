# A bridge with STP on: dom0's xenbr0 sends a configuration BPDU every hello time (2 s) while
# dom0 pings the router through it.
# Applies to: broken-reboot (STP on, forward delay 15 s).
sleep 5
ping -c 3 router
# 4 s, not less: the router probes its entry for dom0 (DELAY → PROBE) 5 s after the first reply,
# at about +10 s, which both sides must show — a shorter tail cuts the capture right at it.
sleep 4
