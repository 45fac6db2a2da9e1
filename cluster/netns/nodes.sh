#!/usr/bin/env bash
# Network-namespace "nodes" on one machine, for testing multi-node runs for real: each node is
# a namespace with its own network stack, joined by a bridge in a namespace of its own, so the
# ranks talk over TCP exactly as separate machines would. Nothing outside the namespaces this
# script creates is touched. Needs root and iproute2.
#
#   cluster/netns/nodes.sh up PREFIX N DIR   create PREFIX0..PREFIX{N-1} (10.77.0.1..N) and write
#                                            DIR/hostfile (SLOTS slots per node, default 1) and
#                                            DIR/hosts (IP, PREFIX, node index)
#   cluster/netns/nodes.sh exec PREFIX I CMD run CMD on node I: in its network namespace, with a
#                                            hostname of its own (PREFIXI, in a UTS namespace), as
#                                            separate machines have; OpenMPI names its session
#                                            folders and shared-memory segments by host name
#   cluster/netns/nodes.sh cut PREFIX I      unplug node I from the bridge (a network partition)
#   cluster/netns/nodes.sh mend PREFIX I N   plug it back in and forget the failed neighbour entries
#   cluster/netns/nodes.sh down PREFIX N     kill what runs in the namespaces and delete them
#
# mpirun then runs on node 0 with cluster/netns/agent.sh as its rsh agent:
#   SWIFTPOSE_NETNS_HOSTS=DIR/hosts OMPI_MCA_plm_rsh_agent=cluster/netns/agent.sh \
#   OMPI_MCA_btl_tcp_if_include=10.77.0.0/24 OMPI_MCA_oob_tcp_if_include=10.77.0.0/24 \
#   cluster/netns/nodes.sh exec PREFIX 0 mpirun --hostfile DIR/hostfile -np N ...
set -euo pipefail
command=${1:?usage: nodes.sh up|cut|down PREFIX ...}
prefix=${2:?usage: nodes.sh up|cut|down PREFIX ...}
case "$command" in
up)
    n=${3:?usage: nodes.sh up PREFIX N DIR}; dir=${4:?usage: nodes.sh up PREFIX N DIR}
    mkdir -p "$dir"
    : > "$dir/hostfile"; : > "$dir/hosts"
    ip netns add "${prefix}net"
    ip netns exec "${prefix}net" ip link add "${prefix}br" type bridge
    ip netns exec "${prefix}net" ip link set "${prefix}br" up
    for ((i = 0; i < n; i++)); do
        ip netns add "${prefix}$i"
        ip link add "${prefix}v$i" netns "${prefix}$i" type veth peer name "${prefix}b$i" netns "${prefix}net"
        ip netns exec "${prefix}net" ip link set "${prefix}b$i" master "${prefix}br"
        ip netns exec "${prefix}net" ip link set "${prefix}b$i" up
        ip netns exec "${prefix}$i" ip addr add "10.77.0.$((i + 1))/24" dev "${prefix}v$i"
        ip netns exec "${prefix}$i" ip link set "${prefix}v$i" up
        ip netns exec "${prefix}$i" ip link set lo up
        echo "10.77.0.$((i + 1)) slots=${SLOTS:-1}" >> "$dir/hostfile"
        echo "10.77.0.$((i + 1)) $prefix $i" >> "$dir/hosts"
    done
    ;;
exec)
    i=${3:?usage: nodes.sh exec PREFIX I COMMAND...}
    shift 3
    exec ip netns exec "${prefix}$i" unshare --uts /bin/sh -c 'hostname "$0" && exec "$@"' "${prefix}$i" "$@"
    ;;
cut)
    i=${3:?usage: nodes.sh cut PREFIX I}
    ip netns exec "${prefix}net" ip link set "${prefix}b$i" down
    ;;
mend)
    i=${3:?usage: nodes.sh mend PREFIX I N}; n=${4:?usage: nodes.sh mend PREFIX I N}
    ip netns exec "${prefix}net" ip link set "${prefix}b$i" up
    for ((j = 0; j < n; j++)); do ip netns exec "${prefix}$j" ip neigh flush all; done
    # until the bridge forwards on the port again
    for _ in $(seq 1 50); do
        [ "$(ip netns exec "${prefix}net" cat "/sys/class/net/${prefix}b$i/operstate")" = up ] && break
        sleep 0.1
    done
    sleep 1
    ;;
down)
    n=${3:?usage: nodes.sh down PREFIX N}
    for ((i = 0; i < n; i++)); do
        pids=$(ip netns pids "${prefix}$i" 2>/dev/null || true)
        [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
        ip netns del "${prefix}$i" 2>/dev/null || true
    done
    ip netns del "${prefix}net" 2>/dev/null || true
    ;;
*)
    echo "nodes.sh: unknown command $command (up, cut or down)" >&2; exit 2 ;;
esac
