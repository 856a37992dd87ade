#!/usr/bin/env bash
# Safety net for tests and demos on a CI/dev machine: drop any container traffic that would leave through the host's
# default-route interface, so even a wrong test can never send a packet off this machine. Idempotent.
# Two rules: the documented DOCKER-USER one, and the same in mangle FORWARD. dockerd deletes and re-inserts its FORWARD
# jumps (to DOCKER-USER among them) each time a network is created (moby/moby#43585), so for that instant DOCKER-USER
# is not consulted; dockerd never touches mangle FORWARD. Only forwarded traffic matches: the host's own is OUTPUT.
set -euo pipefail
uplink=$(ip route show default 2>/dev/null | awk '/default/ {for (i = 1; i < NF; i++) if ($i == "dev") {print $(i + 1); exit}}')
if [ -z "${uplink}" ]; then
  echo "egress-guard: no default route; nothing to guard" >&2
  exit 0
fi
if ! iptables -n -L DOCKER-USER >/dev/null 2>&1; then
  iptables -N DOCKER-USER
fi
if ! iptables -C DOCKER-USER -o "${uplink}" -j DROP 2>/dev/null; then
  iptables -I DOCKER-USER -o "${uplink}" -j DROP
fi
if ! iptables -t mangle -C FORWARD -o "${uplink}" -j DROP 2>/dev/null; then
  iptables -t mangle -I FORWARD -o "${uplink}" -j DROP
fi
echo "egress-guard: container traffic out of ${uplink} is dropped (DOCKER-USER and mangle FORWARD)" >&2
