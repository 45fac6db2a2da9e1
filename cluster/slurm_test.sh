#!/usr/bin/env bash
# Evaluation on a Slurm cluster, with MMPose's interface (tools/slurm_test.sh):
#   [RANKS=8] [RANKS_PER_NODE=8] [CPUS_PER_TASK=4] cluster/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [pose-test args]
# The ranks share the test set and rank 0 prints the metrics; see slurm_train.sh for the variables.
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: [RANKS=N] [RANKS_PER_NODE=N] [CPUS_PER_TASK=N] $0 PARTITION JOB_NAME CONFIG CHECKPOINT [pose-test args]" >&2
    exit 2
fi
partition=$1; job=$2; config=$3; checkpoint=$4; shift 4
ranks=${RANKS:-${GPUS:-8}}
per_node=${RANKS_PER_NODE:-${GPUS_PER_NODE:-$(( ranks < 8 ? ranks : 8 ))}}
cpus=${CPUS_PER_TASK:-4}
bin=${POSE_BIN:-$(cd "$(dirname "$0")/.." && pwd)/.build/release}
[ -x "$bin/pose-test" ] || { echo "$bin/pose-test not found; run launch/setup.sh first (or set POSE_BIN)" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=$cpus SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
# shellcheck disable=SC2086
exec srun -p "$partition" --job-name="$job" --ntasks="$ranks" --ntasks-per-node="$per_node" --cpus-per-task="$cpus" \
    --kill-on-bad-exit=1 --cpu-bind=cores --mpi=pmix ${SRUN_ARGS:-} "$bin/pose-test" "$config" "$checkpoint" "$@"
