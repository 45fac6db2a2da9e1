#!/bin/bash
# Side-by-side speed of SwiftPose (oneDNN backend) and PyTorch on the same machine in one run, for
# RTMPose-m (MMPose 1.3.2's rtmpose-m_8xb256-420e_coco-256x192 config): batch 32, 256x192,
# 2 threads, train step and inference images/s, peak resident memory, the oneDNN / PyTorch
# ratios and the fraction of the machine's measured fp32 rate (pose-bench's sgemm probe). PyTorch
# runs tools/bench_rtmpose_torch.py (MMPose's own model built from the installed MMPose's config,
# NCHW and channels-last; train = MMPose's head.loss + backward + AdamW step) with TORCH_PYTHON
# (default the MMPose 1.3.2 venv that tools/mmpose_venv.sh makes). A second table gives
# SwiftPose's RTMPose-t/s/m/l: parameters, GFLOPs per image, train and inference images/s, peak
# resident memory.
#
#   [TORCH_PYTHON=/work/mmpose-venv/bin/python] [SKIP_BUILD=1] bash tools/bench_rtmpose_vs_pytorch.sh [steps]
#
# steps: timed steps of every run (median reported; SwiftPose 1 warm-up step, PyTorch 3, as in
# bench_torch.py). SKIP_BUILD=1 skips launch/setup.sh (the release build) when it is up to date.
# pose-bench's train step uses Adam (lr 1e-6), PyTorch the config's AdamW: the same work per step.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-3}
batch=${BATCH:-32}
python=${TORCH_PYTHON:-/work/mmpose-venv/bin/python}
dir=configs/body_2d_keypoint/rtmpose/coco
[ "${SKIP_BUILD:-0}" = 1 ] || bash launch/setup.sh >/dev/null   # the release build every tool shares
torch_bench() {  # layout mode config -> bench_rtmpose_torch.py's line, then "rss_kib N" (peak resident set)
    /usr/bin/time -f "rss_kib %M" env LAYOUT="$1" "$python" tools/bench_rtmpose_torch.py "$2" "$steps" \
        --batch "$batch" --config "$3" 2>&1
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
swiftpose() {  # config out_file: runs pose-bench model on the config, its output into out_file
    SWIFTPOSE_BACKEND=onednn .build/release/pose-bench model "$1" --batch "$batch" --steps "$steps" --warmup 1 >"$2" 2>&1 ||
        { echo "pose-bench model $1 failed:" >&2; cat "$2" >&2; exit 1; }
}
parse() {  # pose-bench output file -> "train infer rss_gib probe_gflops train_gflops infer_gflops params gflops_per_image"
    awk '/train step/ {t=$(NF-1)} /^inference/ {i=$(NF-1)} /peak resident/ {m=$(NF-1)}
         /peak probe/ {p=$(NF-1)} /^train at/ {tg=$3; ig=$(NF-2)}
         /^trainable parameters/ {n=$NF} /^GFLOPs per image/ {g=$5}
         END {print t, i, m, p, tg, ig, n, g}' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%d%%", 100 * a / b + 0.5}'; }

cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
torch_version=$("$python" -c 'import torch; print(torch.__version__)')
m_config=rtmpose-m_8xb256-420e_coco-256x192.py
swiftpose "$dir/$m_config" "$tmp/m.out"
read -r ot oi om op otg oig mn mg < <(parse "$tmp/m.out")
threads=$(awk '/^BLAS core/ {sub(/^BLAS core /, ""); print}' "$tmp/m.out")
echo "CPU: $cpu ($(nproc) logical cores); SwiftPose oneDNN (BLAS core $threads); PyTorch $torch_version, 2 threads;" \
     "batch $batch, 256x192, median of $steps timed steps; $(date -u +%Y-%m-%d)"
echo
echo "| model | SwiftPose oneDNN train / inference (peak RSS) | PyTorch NCHW train / inference (train peak RSS) | PyTorch channels-last train / inference (train peak RSS) | oneDNN / channels-last: train, inference | oneDNN / NCHW: train, inference | oneDNN fraction of the sgemm probe: train, inference |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
row=""
for layout in nchw nhwc; do
    out=$(torch_bench $layout train "$m_config") || true
    t=$(awk '$3 == "img_s" {print $4}' <<<"$out"); rss=$(awk '/^rss_kib/ {printf "%.2f", $2 / 1048576}' <<<"$out")
    [ -n "$t" ] || { echo "bench_rtmpose_torch.py ($layout train) failed:" >&2; echo "$out" >&2; exit 1; }
    out=$(torch_bench $layout infer "$m_config") || true
    i=$(awk '$3 == "img_s" {print $4}' <<<"$out")
    [ -n "$i" ] || { echo "bench_rtmpose_torch.py ($layout infer) failed:" >&2; echo "$out" >&2; exit 1; }
    row="$row | $t / $i ($rss GiB)"
    if [ "$layout" = nhwc ]; then lt=$t; li=$i; else nt=$t; ni=$i; fi
done
echo "| RTMPose-m | $ot / $oi ($om GiB)$row | $(ratio "$ot" "$lt"), $(ratio "$oi" "$li") | $(ratio "$ot" "$nt"), $(ratio "$oi" "$ni") | $(pct "$otg" "$op"), $(pct "$oig" "$op") of $op GFLOP/s |"
echo
echo "| SwiftPose oneDNN, 256x192 | parameters | GFLOPs per image | train images/s | inference images/s | peak RSS |"
echo "| --- | --- | --- | --- | --- | --- |"
for size in t s m l; do
    if [ $size = m ]; then  # measured above
        t=$ot; i=$oi; m=$om; n=$mn; g=$mg
    else
        swiftpose "$dir/rtmpose-${size}_8xb256-420e_coco-256x192.py" "$tmp/$size.out"
        read -r t i m _ _ _ n g < <(parse "$tmp/$size.out")
    fi
    echo "| RTMPose-$size | $(awk -v n="$n" 'BEGIN {printf "%.2f M", n / 1e6}') | $g | $t | $i | $m GiB |"
done
