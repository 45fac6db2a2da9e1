#!/bin/bash
# Which of MMPose 1.3.2's own configs run in SwiftPose: fetches the mmpose wheel (pip download,
# no install; not committed), extracts its configs/ and runs `pose-analyze check-configs` on the
# whole tree (how many parse and build) and on the top-down configs of the ResNet family and
# HRNet, printing both tallies; then compares the whole tree's per-config parameter counts with
# MMPose's own (tools/compare_param_counts.py, Tests/Fixtures/mmpose_param_counts.json) and
# prints the configs that differ and its tally. Fails (after printing everything) if any differ.
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
# one run with the per-config lines (the comparison below reads them); without --verbose only the
# lines --tally-only prints are shown (the per-config lines are the ones starting with $configs/)
whole=$tree/check-configs.txt
.build/release/pose-analyze check-configs "$configs" 2>/dev/null >"$whole"
if [ ${#flags[@]} -eq 0 ]; then
    sed "s|$configs/||" "$whole"
else
    awk -v prefix="$configs/" 'index($0, prefix) != 1' "$whole"
fi
echo
echo "== top-down configs on the ResNet family and HRNet"
.build/release/pose-analyze check-configs "$configs" "${flags[@]}" --backbone ResNet ResNetV1d ResNeXt SEResNet ResNeSt HRNet 2>/dev/null | sed "s|$configs/||"
echo
echo "== parameter counts of the configs that build, against MMPose 1.3.2's own"
status=0
sed "s|$configs/||" "$whole" | "$python" tools/compare_param_counts.py || status=$?
exit "$status"
