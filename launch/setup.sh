#!/usr/bin/env bash
# Installs the Debian packages SwiftPose needs (when missing) and builds it in release mode.
# Usage: launch/setup.sh [--with-tests]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libopenblas-dev libdnnl-dev libopenmpi-dev openmpi-bin libjpeg-dev libpng-dev zlib1g-dev pkg-config)
# As root the suite also runs multi-node tests over network namespaces (iproute2) and on a
# single-host Slurm (slurm-wlm, munge); elsewhere those suites are skipped with a reason.
if [ "${1:-}" = "--with-tests" ] && [ "$(id -u)" -eq 0 ]; then
    packages+=(iproute2 slurm-wlm munge)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: error: the Swift 6.3 toolchain is not on PATH (see https://swift.org/install)" >&2
    exit 1
fi

# One release build serves the tools and the tests (-enable-testing keeps @testable imports).
build_flags=(-c release -Xswiftc -enable-testing)
if [ "${1:-}" = "--with-tests" ]; then
    swift build "${build_flags[@]}" --build-tests
else
    swift build "${build_flags[@]}"
fi
