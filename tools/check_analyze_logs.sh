#!/bin/bash
# Runs MMPose's own tools/analysis_tools/analyze_logs.py (plot_curve and cal_train_time) on a
# SwiftPose work dir's vis_data/scalars.json, to check the log records are what MMPose reads.
#
#   MMPOSE_PYTHON=/path/to/venv/bin/python bash tools/check_analyze_logs.sh WORK_DIR [OUT.png]
#
# MMPOSE_PYTHON is a Python outside the repository with matplotlib, seaborn and numpy; the
# script takes analyze_logs.py from the mmpose 1.3.2 wheel (pip download, no install).
set -euo pipefail
work=${1:?usage: tools/check_analyze_logs.sh WORK_DIR [OUT.png]}
out=${2:-$(mktemp -d)/mmpose_curve.png}
python=${MMPOSE_PYTHON:?set MMPOSE_PYTHON to a Python with matplotlib, seaborn and numpy}
scalars=$(ls -d "$work"/*/vis_data/scalars.json | sort | tail -1)
source "$(cd "$(dirname "$0")" && pwd)/mmpose_wheel.sh"
tool=$(dirname "$wheel")/analyze_logs.py
"$python" - "$wheel" "$tool" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    name = next(n for n in z.namelist() if n.endswith('tools/analysis_tools/analyze_logs.py'))
    open(sys.argv[2], 'wb').write(z.read(name))
PY
echo "== analyze_logs.py plot_curve $scalars --keys loss_kpt acc_pose loss"
MPLBACKEND=Agg "$python" "$tool" plot_curve "$scalars" --keys loss_kpt acc_pose loss --out "$out"
echo "== analyze_logs.py plot_curve $scalars --keys coco/AP"
MPLBACKEND=Agg "$python" "$tool" plot_curve "$scalars" --keys coco/AP --out "${out%.png}_ap.png" || echo "(plot_curve groups records by epoch; validation records carry none, as MMEngine's, so MMPose's tool cannot plot coco/AP from either)"
echo "== analyze_logs.py cal_train_time $scalars"
"$python" "$tool" cal_train_time "$scalars"
echo "== analyze_logs.py cal_train_time $scalars --include-outliers"
"$python" "$tool" cal_train_time "$scalars" --include-outliers
