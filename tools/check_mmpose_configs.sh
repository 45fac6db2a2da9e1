#!/bin/bash
# Which of MMPose 1.3.2's own configs run in SwiftPose: fetches the mmpose wheel (pip download,
# no install; not committed), extracts its configs/ and runs `pose-analyze check-configs` on the
# whole tree (how many parse and build) and on the top-down configs of the ResNet family and
# HRNet, printing both tallies.
#
#   PYTHON=python3 bash tools/check_mmpose_configs.sh [--verbose]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
python=${PYTHON:-python3}
source "$here/mmpose_wheel.sh"
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
"$python" - "$wheel" "$tree" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        if name.startswith('mmpose/.mim/configs/'):
            z.extract(name, sys.argv[2])
PY
configs=$tree/mmpose/.mim/configs
flags=(--tally-only)
[ "${1:-}" = "--verbose" ] && flags=()
bash launch/setup.sh >/dev/null
echo "== every config under MMPose 1.3.2's configs/"
.build/release/pose-analyze check-configs "$configs" "${flags[@]}" 2>/dev/null | sed "s|$configs/||"
echo
echo "== top-down configs on the ResNet family and HRNet"
.build/release/pose-analyze check-configs "$configs" "${flags[@]}" --backbone ResNet ResNetV1d ResNeXt SEResNet ResNeSt HRNet 2>/dev/null | sed "s|$configs/||"
