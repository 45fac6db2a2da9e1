#!/usr/bin/env bash
# SLURM batch script for multi-node training. Submit from the repository root, e.g.
#   sbatch --nodes=4 --ntasks-per-node=2 --cpus-per-task=16 cluster/slurm_train.sh CONFIG [pose-train args]
# Each task is one rank; OpenBLAS uses the task's CPUs. Re-submitting with --resume continues
# from the newest complete checkpoint in the work dir (which must be on a shared filesystem
# only for resuming: ranks receive weights from rank 0 over MPI).
#SBATCH --job-name=swiftpose
#SBATCH --output=slurm-%j.out
#SBATCH --kill-on-invalid-dep=yes
set -euo pipefail
config=${1:?usage: sbatch [options] cluster/slurm_train.sh CONFIG [pose-train args]}
shift
bin=${POSE_BIN:-$PWD/.build/release}
export OPENBLAS_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
export SWIFT_BACKTRACE=enable=no
# srun starts the ranks through SLURM's PMI; with OpenMPI built without PMI support use
#   mpirun -np "$SLURM_NTASKS" --map-by "ppr:${SLURM_NTASKS_PER_NODE}:node:PE=${SLURM_CPUS_PER_TASK:-1}" ...
srun --kill-on-bad-exit=1 --cpu-bind=cores "$bin/pose-train" "$config" "$@"
