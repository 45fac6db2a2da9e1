#!/usr/bin/env bash
# Distributed evaluation, in the spirit of MMPose's tools/dist_test.sh:
#   launch/dist_test.sh CONFIG CHECKPOINT NPROC [pose-test arguments...]
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 CONFIG CHECKPOINT NPROC [pose-test arguments...]" >&2
    exit 2
fi
config=$1; checkpoint=$2; nproc=$3; shift 3
source "$(dirname "$0")/mpi_args.sh" pose-test
exec mpirun "${mpi_args[@]}" "$bin/pose-test" "$config" "$checkpoint" "$@"
