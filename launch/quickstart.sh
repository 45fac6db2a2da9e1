#!/usr/bin/env bash
# The README's first command: install what is missing, build in release mode, generate the
# synthetic dataset, train with `mpirun -np 2`, then evaluate the final checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
launch/setup.sh
config=configs/quickstart/td-hm_res18-tiny_synthetic-128x96.py
work=work_dirs/quickstart
rm -rf data/synthetic "$work"
.build/release/pose-data synth --out data/synthetic --train 800 --val 100 --seed 0
launch/dist_train.sh "$config" 2 --work-dir "$work"
# last_checkpoint names the newest checkpoint relative to the work dir
checkpoint="$work/$(cat "$work/last_checkpoint")"
echo "evaluating $checkpoint on the synthetic val split (detected boxes, flip test)"
.build/release/pose-test "$config" "$checkpoint" --dump "$work/results.keypoints.json"
echo "quick start finished in $(( $(date +%s) - start )) s; checkpoints and logs are in $work/"
