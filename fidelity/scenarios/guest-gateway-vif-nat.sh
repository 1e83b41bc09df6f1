# Guest → gateway, xend's NAT model: web's gateway is vif-nat's router address on vif2.0 (10.0.2.128).
# Applies to: nat.
on web ping -c 3 10.0.2.128
