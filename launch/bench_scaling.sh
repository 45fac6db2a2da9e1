#!/usr/bin/env bash
# Two-rank scaling on this machine: the quick start's model and data, trained for EPOCHS epochs
# as `mpirun -np 2` (one core each, batch 32 per rank) and as one process with two threads at
# the same global batch (64). Prints each run's training images/s (the median of the logged
# windows after the first epoch) and the ratio.
#   bash launch/bench_scaling.sh [EPOCHS]   (default 4; needs data/synthetic from the quick start)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-4}
config=configs/quickstart/td-hm_res18-tiny_synthetic-128x96.py
[ -d data/synthetic ] || .build/release/pose-data synth --out data/synthetic --train 800 --val 100 --seed 0
common=(--cfg-options "train_cfg.max_epochs=$epochs" "train_cfg.val_interval=1000" "default_hooks.checkpoint.interval=-1")
rate() {  # work dir -> median images/s of the log lines after epoch 1
    grep -h 'Epoch(train)' "$1"/*/*.log | awk -F'images/s: ' '{split($2, a, " "); split($1, e, "[][]"); if (e[2] > 1) print a[1]}' |
        sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}
rm -rf work_dirs/scaling_np2 work_dirs/scaling_np1
launch/dist_train.sh "$config" 2 --work-dir work_dirs/scaling_np2 "${common[@]}" > /dev/null
.build/release/pose-train "$config" --work-dir work_dirs/scaling_np1 "${common[@]}" "train_dataloader.batch_size=64" > /dev/null
two=$(rate work_dirs/scaling_np2); one=$(rate work_dirs/scaling_np1)
echo "mpirun -np 2 (1 core each, batch 32 per rank): $two images/s"
echo "one process, 2 threads, batch 64:              $one images/s"
awk -v a="$two" -v b="$one" 'BEGIN {printf "2-rank scaling (np 2 / np 1 at the same global batch): %.3f\n", a / b}'
