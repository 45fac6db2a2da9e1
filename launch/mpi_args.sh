# Sourced by dist_train.sh and dist_test.sh: sets `bin` and the array `mpi_args` for NPROC ranks.
# One node: cores/NPROC BLAS threads per rank, each rank bound to that many cores (one thread and
# no binding when there are more ranks than cores). Several nodes: HOSTFILE names them (OpenMPI's
# format, `host slots=N`), RANKS_PER_NODE defaults to the first line's slots, and each rank gets
# cores/RANKS_PER_NODE threads. THREADS overrides the threads per rank. Root is allowed.
# Expects: $nproc, $1 = the executable that must exist under the build folder.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${POSE_BIN:-$root/.build/release}
[ -x "$bin/$1" ] || { echo "$bin/$1 not found; run launch/setup.sh first" >&2; exit 1; }
cores=$(nproc)
per_node=$nproc
if [ -n "${HOSTFILE:-}" ]; then
    [ -r "$HOSTFILE" ] || { echo "HOSTFILE=$HOSTFILE is not a readable file" >&2; exit 1; }
    # the first host line's `slots=N` field (not max_slots=, not a comment)
    per_node=${RANKS_PER_NODE:-$(awk '/^[[:space:]]*#/ { next } { for (i = 2; i <= NF; i++) if ($i ~ /^slots=/) { sub(/^slots=/, "", $i); print $i + 0; exit } }' "$HOSTFILE")}
    per_node=${per_node:-1}
fi
positive() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "$1: '$2' is not a positive whole number" >&2; exit 1; }; }
positive "ranks per node (NPROC, RANKS_PER_NODE or the hostfile's slots=)" "$per_node"
[ -z "${THREADS:-}" ] || positive THREADS "$THREADS"
threads=${THREADS:-$(( cores / per_node ))}; [ "$threads" -lt 1 ] && threads=1
mpi_args=(-np "$nproc" -x OPENBLAS_NUM_THREADS="$threads" -x SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}")
[ -n "${HOSTFILE:-}" ] && mpi_args+=(--hostfile "$HOSTFILE")
[ "$(id -u)" -eq 0 ] && mpi_args+=(--allow-run-as-root)
if [ $(( per_node * threads )) -gt "$cores" ]; then
    mpi_args+=(--oversubscribe --bind-to none --map-by "ppr:$per_node:node")
else
    mpi_args+=(--map-by "ppr:$per_node:node:PE=$threads" --bind-to core)
fi
# a dead or cut-off node is noticed in ~16 s instead of OpenMPI's default ~450 s (TCP keepalive
# of its daemon's idle connection). To stop a run with a checkpoint send SIGUSR1 to mpirun, which
# forwards it to every rank; SIGTERM/SIGINT to mpirun end the job after 1 s (pose-train --help).
mpi_args+=(--mca oob_tcp_keepalive_time 10 --mca oob_tcp_keepalive_intvl 2 --mca oob_tcp_keepalive_probes 3)
