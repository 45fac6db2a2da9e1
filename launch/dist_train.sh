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
source "$(dirname "$0")/mpi_args.sh" pose-train
exec mpirun "${mpi_args[@]}" "$bin/pose-train" "$config" "$@"
