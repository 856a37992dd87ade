#!/usr/bin/env bash
# Safety net for tests and demos on a CI/dev machine: drop any container traffic that would leave through the host's
# default-route interface, so even a wrong test can never send a packet off this machine. Idempotent.
# Two rules: the documented DOCKER-USER one, and the same in mangle FORWARD. dockerd deletes and re-inserts its FORWARD
# jumps (to DOCKER-USER among them) each time a network is created (moby/moby#43585), so for that instant DOCKER-USER
# is not consulted; dockerd never touches mangle FORWARD. Only forwarded traffic matches: the host's own is OUTPUT.
set -euo pipefail
DP_LOG_NAME=egress-guard
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
uplink=$(default_route_dev)
if [ -z "${uplink}" ]; then
  log "no IPv4 default route; nothing to guard over IPv4"
else
  if ! iptables -n -L DOCKER-USER >/dev/null 2>&1; then
    iptables -N DOCKER-USER
  fi
  if ! iptables -C DOCKER-USER -o "${uplink}" -j DROP 2>/dev/null; then
    iptables -I DOCKER-USER -o "${uplink}" -j DROP
  fi
  if ! iptables -t mangle -C FORWARD -o "${uplink}" -j DROP 2>/dev/null; then
    iptables -t mangle -I FORWARD -o "${uplink}" -j DROP
  fi
  log "container traffic out of ${uplink} is dropped (DOCKER-USER and mangle FORWARD)"
fi

# IPv6 has its own tables and its own default route. Networks with `enable_ipv6` give containers routable addresses,
# and engines before 27 write no ip6tables rules at all: without this, an IPv6 container could be forwarded out.
uplink6=$(default_route_dev -6)
if [ -n "${uplink6}" ] && command -v ip6tables >/dev/null; then
  if ! ip6tables -t mangle -C FORWARD -o "${uplink6}" -j DROP 2>/dev/null; then
    ip6tables -t mangle -I FORWARD -o "${uplink6}" -j DROP
  fi
  log "IPv6 container traffic out of ${uplink6} is dropped (mangle FORWARD)"
fi
