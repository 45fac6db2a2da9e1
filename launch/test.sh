#!/usr/bin/env bash
# The README's test command: installs what is missing, builds in release mode, runs every test,
# then builds, tests, trains and evaluates the example package of custom components
# (examples/custom-modules) and checks that SwiftPose builds as a versioned dependency.
# Arguments go to `swift test` (for example --filter RegistryTests); with any, only the suite runs.
set -euo pipefail
cd "$(dirname "$0")/.."
launch/setup.sh --with-tests
# mpirun refuses root without these; tests that launch ranks oversubscribe 2 cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export SWIFT_BACKTRACE=enable=no
swift test --skip-build -c release -Xswiftc -enable-testing "$@"
if [ $# -eq 0 ]; then
    bash examples/custom-modules/run.sh
    bash tools/check_versioned_dependency.sh
fi
