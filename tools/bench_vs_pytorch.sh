#!/bin/bash
# Side-by-side speed of SwiftPose (oneDNN and BLAS backends) and PyTorch on the same machine in
# one run: ResNet-50 SimpleBaseline and HRNet-W32 at 256x192, batch 32, 2 threads, train step
# and inference images/s, peak resident memory, the oneDNN / channels-last ratios and the
# fraction of the machine's measured fp32 rate (pose-bench's sgemm probe). PyTorch runs ../shared/bench/bench_torch.py (MMPose's models in plain
# PyTorch, NCHW and channels-last) with TORCH_PYTHON (a Python with torch and torchvision).
#
#   TORCH_PYTHON=/path/to/venv/bin/python bash tools/bench_vs_pytorch.sh [steps]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-3}
bench=${BENCH_DIR:-../shared/bench}
python=${TORCH_PYTHON:?set TORCH_PYTHON to a Python with torch and torchvision}
bash launch/setup.sh >/dev/null   # the release build every tool shares
# torchvision's C++ ops may not load against a CPU-only torch wheel; the models need only its
# pure-Python ResNet definitions, so its op registrations are stubbed
torch_bench() {  # prints bench_torch.py's line, then "rss_kib N" (peak resident set)
    /usr/bin/time -f "rss_kib %M" "$python" - "$@" 2>&1 <<PY
import runpy, sys, types
for name in ('torchvision._meta_registrations', 'torchvision._autograd_registrations'):
    sys.modules[name] = types.ModuleType(name)
sys.path.insert(0, '$bench')
sys.argv = ['bench_torch.py'] + sys.argv[1:]
runpy.run_path('$bench/bench_torch.py', run_name='__main__')
PY
}
swiftpose() {  # backend config -> "train infer rss_gib probe_gflops train_gflops infer_gflops"
    SWIFTPOSE_BACKEND=$1 .build/release/pose-bench model "$2" --batch 32 --steps "$steps" --warmup 1 2>&1 |
        awk '/train step/ {t=$(NF-1)} /^inference/ {i=$(NF-1)} /peak resident/ {m=$(NF-1)}
             /peak probe/ {p=$(NF-1)} /^train at/ {tg=$3; ig=$(NF-2)} END {print t, i, m, p, tg, ig}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%d%%", 100 * a / b + 0.5}'; }
echo "| model | SwiftPose oneDNN train / inference (peak RSS) | SwiftPose BLAS train / inference | PyTorch NCHW train / inference (train peak RSS) | PyTorch channels-last train / inference (train peak RSS) | oneDNN / channels-last: train, inference | oneDNN fraction of the sgemm probe: train, inference |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for pair in "res50 configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_res50_8xb64-210e_coco-256x192.py" \
            "hrnet_w32 configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_hrnet-w32_8xb64-210e_coco-256x192.py"; do
    set -- $pair
    read -r ot oi om op otg oig <<<"$(swiftpose onednn "$2")"
    read -r bt bi _ <<<"$(swiftpose blas "$2")"
    row=""
    for layout in nchw nhwc; do
        out=$(LAYOUT=$layout torch_bench "$1" 256x192 train $((steps + 1)))
        t=$(awk '/img_s/ {print $4}' <<<"$out"); rss=$(awk '/rss_kib/ {printf "%.2f", $2 / 1048576}' <<<"$out")
        i=$(LAYOUT=$layout torch_bench "$1" 256x192 infer $((steps + 1)) | awk '/img_s/ {print $4}')
        row="$row | $t / $i ($rss GiB)"
        [ "$layout" = nhwc ] && { lt=$t; li=$i; }
    done
    echo "| $1 | $ot / $oi ($om GiB) | $bt / $bi$row | $(ratio "$ot" "$lt"), $(ratio "$oi" "$li") | $(pct "$otg" "$op"), $(pct "$oig" "$op") of $op GFLOP/s |"
done
