# Guest → gateway, routed model: web's gateway is dom0's eth0 address (192.168.1.10), reached
# through vif-route's /32 route and dom0's proxy ARP.
# Applies to: routed.
on web ping -c 3 192.168.1.10
