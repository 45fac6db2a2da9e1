#!/usr/bin/env bash
# The README's test command: installs what is missing, builds in release mode, runs every test,
# then builds, tests, trains and evaluates the example package of custom components
# (examples/custom-modules), checks that SwiftPose builds as a versioned dependency and builds the
# API reference with DocC, printing its documentation coverage (which must be 100%).
# The gradient checks and PyTorch parity tests run on both compute backends.
# Arguments go to `swift test` (for example --filter RegistryTests); with any, only the suite runs.
set -euo pipefail
cd "$(dirname "$0")/.."
launch/setup.sh --with-tests
# mpirun refuses root without these; tests that launch ranks oversubscribe 2 cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export SWIFT_BACKTRACE=enable=no
# A hung test fails the run with the names of the tests still running, well inside CI's limit.
log=$(mktemp)
set +e
timeout --kill-after=30 "${SWIFTPOSE_TEST_TIMEOUT:-2400}" swift test --skip-build -c release -Xswiftc -enable-testing "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "launch/test.sh: the tests did not finish in ${SWIFTPOSE_TEST_TIMEOUT:-2400} s; still running:" >&2
    sed -n 's/^◇ \(Suite\|Test\) \(.*\) started\.$/\1 \2/p' "$log" | sort | uniq > "$log.started"
    sed -n 's/^[✔✘] \(Suite\|Test\) \(.*\) \(passed\|failed\).*/\1 \2/p' "$log" | sort | uniq > "$log.ended"
    comm -23 "$log.started" "$log.ended" | sed 's/^/  /' >&2
fi
rm -f "$log" "$log.started" "$log.ended"
[ "$status" -eq 0 ] || exit "$status"
if [ $# -eq 0 ]; then
    # The run above used oneDNN (the default); the gradient checks, the kernel comparisons and
    # the PyTorch parity fixtures run again on the im2col + OpenBLAS reference backend.
    SWIFTPOSE_BACKEND=blas swift test --skip-build -c release -Xswiftc -enable-testing \
        --filter 'LayerGradientTests|PoseTensorTests.ChannelBlockingTests|ModelGradientTests|HRNetTests|PyTorchParityTests|SyncBatchNormTests|HeadTests|FlipTestTests|ActivationLivenessTests|GroupedParityTests|ResNeXtResNeStTests|ReorderedWeightsTests|MMPoseParityTests|RTMPoseTests'
    bash examples/custom-modules/run.sh
    bash tools/check_versioned_dependency.sh
    # the API reference of every library module, built with DocC; fails below 100% coverage
    python3 tools/doc_coverage.py
    python3 tools/extension_points.py --check
fi
