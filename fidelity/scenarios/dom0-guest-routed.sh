# dom0 → guest, routed model: dom0 pings web at its vif's ip= address over vif-route's /32 route.
# Applies to: routed.
ping -c 3 192.168.1.50
