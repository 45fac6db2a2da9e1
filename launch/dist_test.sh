#!/usr/bin/env bash
# Distributed evaluation, in the spirit of MMPose's tools/dist_test.sh:
#   launch/dist_test.sh CONFIG CHECKPOINT NPROC [pose-test arguments...]
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 CONFIG CHECKPOINT NPROC [pose-test arguments...]" >&2
    exit 2
fi
config=$1; checkpoint=$2; nproc=$3; shift 3
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${POSE_BIN:-$root/.build/release}
[ -x "$bin/pose-test" ] || { echo "$0: $bin/pose-test not found; run launch/setup.sh first" >&2; exit 1; }
cores=$(nproc)
threads=$(( cores / nproc )); [ "$threads" -lt 1 ] && threads=1
mpi_args=(-np "$nproc" -x OPENBLAS_NUM_THREADS="$threads" -x SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}")
[ "$(id -u)" -eq 0 ] && mpi_args+=(--allow-run-as-root)
if [ "$nproc" -gt "$cores" ]; then
    mpi_args+=(--oversubscribe --bind-to none)
else
    mpi_args+=(--map-by "slot:PE=$threads" --bind-to core)
fi
exec mpirun "${mpi_args[@]}" "$bin/pose-test" "$config" "$checkpoint" "$@"
