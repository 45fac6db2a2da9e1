#!/usr/bin/env bash
# Distributed training on this machine, in the spirit of MMPose's tools/dist_train.sh:
#   launch/dist_train.sh CONFIG NPROC [pose-train arguments...]
# Starts NPROC ranks with mpirun, each bound to cores/NPROC cores with that many BLAS threads
# (one thread per rank and no binding when there are more ranks than cores).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 CONFIG NPROC [pose-train arguments...]" >&2
    exit 2
fi
config=$1; nproc=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${POSE_BIN:-$root/.build/release}
[ -x "$bin/pose-train" ] || { echo "$0: $bin/pose-train not found; run launch/setup.sh first" >&2; exit 1; }
cores=$(nproc)
threads=$(( cores / nproc )); [ "$threads" -lt 1 ] && threads=1
mpi_args=(-np "$nproc" -x OPENBLAS_NUM_THREADS="$threads" -x SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}")
[ "$(id -u)" -eq 0 ] && mpi_args+=(--allow-run-as-root)
if [ "$nproc" -gt "$cores" ]; then
    mpi_args+=(--oversubscribe --bind-to none)
else
    mpi_args+=(--map-by "slot:PE=$threads" --bind-to core)
fi
exec mpirun "${mpi_args[@]}" "$bin/pose-train" "$config" "$@"
