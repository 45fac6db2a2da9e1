#!/usr/bin/env bash
# OpenMPI's rsh agent for the network-namespace nodes of cluster/netns/nodes.sh: OpenMPI runs
# `agent [options] HOST COMMAND...` to start its daemon on HOST; this runs COMMAND inside HOST's
# namespace instead of over ssh. SWIFTPOSE_NETNS_HOSTS names nodes.sh's "IP PREFIX INDEX" file.
set -euo pipefail
while [[ "${1:-}" == -* ]]; do shift; done
host=${1:?agent.sh: no host}; shift
read -r prefix index < <(awk -v h="$host" '$1 == h { print $2, $3 }' "${SWIFTPOSE_NETNS_HOSTS:?agent.sh: SWIFTPOSE_NETNS_HOSTS is not set}") || true
[ -n "${prefix:-}" ] || { echo "agent.sh: $host is not a namespace node" >&2; exit 1; }
exec "$(dirname "$0")/nodes.sh" exec "$prefix" "$index" /bin/sh -c "$*"
