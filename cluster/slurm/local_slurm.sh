#!/usr/bin/env bash
# A single-host Slurm for testing the cluster scripts for real: slurmctld and slurmd on this
# machine, configured in a folder of its own (SLURM_CONF), munge for authentication. Installs
# Debian's slurm-wlm and munge when missing. Needs root.
#
#   cluster/slurm/local_slurm.sh start DIR   write DIR/slurm.conf, start munged, slurmctld, slurmd;
#                                            then `export SLURM_CONF=DIR/slurm.conf` for srun/sbatch
#   cluster/slurm/local_slurm.sh stop DIR    stop the daemons started from DIR
set -euo pipefail
command=${1:?usage: local_slurm.sh start|stop DIR}
dir=$(mkdir -p "${2:?usage: local_slurm.sh start|stop DIR}" && cd "$2" && pwd)
case "$command" in
start)
    missing=()
    for p in slurm-wlm munge; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "local_slurm: installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    if [ ! -s /etc/munge/munge.key ]; then
        mungekey --create --force || { echo "local_slurm: mungekey could not create /etc/munge/munge.key" >&2; exit 1; }
        chown munge:munge /etc/munge/munge.key
    fi
    mkdir -p /run/munge && chown munge:munge /run/munge
    # daemons get no descriptor of the caller: a pipe they held open would never see its end
    pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged </dev/null >/dev/null 2>&1
    host=$(hostname)
    cpus=$(nproc)
    memory=$(( $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) / 2 ))
    mkdir -p "$dir/ctld" "$dir/d" "$dir/log"
    cat > "$dir/slurm.conf" <<CONF
ClusterName=swiftpose
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/d
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
KillWait=30
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
    export SLURM_CONF=$dir/slurm.conf
    slurmctld -f "$dir/slurm.conf" </dev/null >>"$dir/log/start.log" 2>&1
    slurmd -f "$dir/slurm.conf" </dev/null >>"$dir/log/start.log" 2>&1
    for _ in $(seq 1 60); do
        sinfo -h -o "%t" 2>/dev/null | grep -qE "^(idle|mix|alloc)" && { echo "local_slurm: up ($host, $cpus CPUs), SLURM_CONF=$dir/slurm.conf"; exit 0; }
        sleep 0.5
    done
    echo "local_slurm: the node did not come up; see $dir/log" >&2
    exit 1
    ;;
stop)
    SLURM_CONF=$dir/slurm.conf scontrol shutdown >/dev/null 2>&1 || true
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
        [ -s "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$pid" 2>/dev/null || true
    done
    ;;
*)
    echo "local_slurm.sh: unknown command $command (start or stop)" >&2; exit 2 ;;
esac
