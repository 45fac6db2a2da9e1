#!/usr/bin/env bash
# Training on a Slurm cluster, with MMPose's interface (tools/slurm_train.sh):
#   [RANKS=8] [RANKS_PER_NODE=8] [CPUS_PER_TASK=4] cluster/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [pose-train args]
# MMPose's GPUS and GPUS_PER_NODE are read as RANKS and RANKS_PER_NODE (a rank is a CPU process
# here). Each rank uses CPUS_PER_TASK cores for BLAS and data loading. SRUN_ARGS adds srun options.
#
# LAUNCHER=srun (default) starts the ranks with `srun --mpi=pmix`, the only srun MPI plugin
# Debian's OpenMPI works with (pmi2 and none fail). LAUNCHER=mpirun runs mpirun inside a
# `salloc` allocation instead, with OpenMPI's TCP keepalive set so a dead node is noticed in
# ~16 s. Slurm sends SIGTERM to every rank before a time limit or a preemption: the ranks stop
# after their current iteration and save a checkpoint; resubmit with --resume to continue.
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: [RANKS=N] [RANKS_PER_NODE=N] [CPUS_PER_TASK=N] $0 PARTITION JOB_NAME CONFIG WORK_DIR [pose-train args]" >&2
    exit 2
fi
partition=$1; job=$2; config=$3; work_dir=$4; shift 4
ranks=${RANKS:-${GPUS:-8}}
per_node=${RANKS_PER_NODE:-${GPUS_PER_NODE:-$(( ranks < 8 ? ranks : 8 ))}}
cpus=${CPUS_PER_TASK:-4}
bin=${POSE_BIN:-$(cd "$(dirname "$0")/.." && pwd)/.build/release}
[ -x "$bin/pose-train" ] || { echo "$bin/pose-train not found; run launch/setup.sh first (or set POSE_BIN)" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=$cpus SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
allocation=(-p "$partition" --job-name="$job" --ntasks="$ranks" --ntasks-per-node="$per_node" --cpus-per-task="$cpus")
# shellcheck disable=SC2086
case "${LAUNCHER:-srun}" in
srun)
    exec srun "${allocation[@]}" --kill-on-bad-exit=1 --cpu-bind=cores --mpi=pmix ${SRUN_ARGS:-} \
        "$bin/pose-train" "$config" --work-dir "$work_dir" "$@"
    ;;
mpirun)
    root=(); [ "$(id -u)" -eq 0 ] && root=(--allow-run-as-root)
    exec salloc "${allocation[@]}" ${SRUN_ARGS:-} \
        mpirun "${root[@]}" -x OPENBLAS_NUM_THREADS -x SWIFT_BACKTRACE --map-by "ppr:$per_node:node:PE=$cpus" --bind-to core \
        --mca oob_tcp_keepalive_time 10 --mca oob_tcp_keepalive_intvl 2 --mca oob_tcp_keepalive_probes 3 \
        "$bin/pose-train" "$config" --work-dir "$work_dir" "$@"
    ;;
*)
    echo "LAUNCHER must be srun or mpirun, not ${LAUNCHER}" >&2; exit 2 ;;
esac
