# Sourced by dist_train.sh and dist_test.sh: sets `bin` and the array `mpi_args` for NPROC ranks
# on this machine: cores/NPROC BLAS threads per rank, bound to that many cores (one thread and
# no binding when there are more ranks than cores), root allowed.
# Expects: $nproc, $1 = the executable that must exist under the build folder.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${POSE_BIN:-$root/.build/release}
[ -x "$bin/$1" ] || { echo "$bin/$1 not found; run launch/setup.sh first" >&2; exit 1; }
cores=$(nproc)
threads=$(( cores / nproc )); [ "$threads" -lt 1 ] && threads=1
mpi_args=(-np "$nproc" -x OPENBLAS_NUM_THREADS="$threads" -x SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}")
# a dead or cut-off peer is noticed in ~16 s instead of OpenMPI's default ~450 s (TCP keepalive);
# on SIGTERM/SIGINT mpirun forwards the signal and waits up to 60 s before SIGKILL, time for the
# ranks to finish their iteration and save a checkpoint (pose-train --help)
mpi_args+=(--mca oob_tcp_keepalive_time 10 --mca oob_tcp_keepalive_intvl 2 --mca oob_tcp_keepalive_probes 3
           --mca odls_base_sigkill_timeout 60)
[ "$(id -u)" -eq 0 ] && mpi_args+=(--allow-run-as-root)
if [ "$nproc" -gt "$cores" ]; then
    mpi_args+=(--oversubscribe --bind-to none)
else
    mpi_args+=(--map-by "slot:PE=$threads" --bind-to core)
fi
