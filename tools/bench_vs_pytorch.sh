#!/bin/bash
# Side-by-side speed of SwiftPose (oneDNN and BLAS backends) and PyTorch on the same machine in
# one run: ResNet-50 SimpleBaseline and HRNet-W32 at 256x192, batch 32, 2 threads, train step
# and inference images/s, peak resident memory, the oneDNN / channels-last ratios and the
# fraction of the machine's measured fp32 rate (pose-bench's sgemm probe). PyTorch runs ../shared/bench/bench_torch.py (MMPose's models in plain
# PyTorch, NCHW and channels-last) with TORCH_PYTHON (a Python with torch and torchvision), and
# tools/bench_torch_variants.py for torch.compile (inductor; needs gcc) inference in fp32 and, on
# a CPU with AVX512_BF16 or AMX, autocast-bf16 training and compiled bf16 inference beside
# SwiftPose's AmpOptimWrapper step and --bf16 inference.
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
swiftpose() {  # backend config [options] -> "train infer rss_gib probe_gflops train_gflops infer_gflops bf16_infer"
    local backend=$1; shift
    SWIFTPOSE_BACKEND=$backend .build/release/pose-bench model "$@" --batch 32 --steps "$steps" --warmup 1 2>&1 |
        awk '/^train step/ {for (k=1; k<NF; k++) if ($(k+1) ~ /^images\/s/) {t=$k; break}}
             /^inference \(batch [0-9]+, fused fp32\)/ {for (k=1; k<NF; k++) if ($(k+1) == "images/s") {i=$k; break}}
             /^inference \(batch [0-9]+, fused bf16\)/ {for (k=1; k<NF; k++) if ($(k+1) ~ /^images\/s/) {b=$k; break}}
             /peak resident/ {m=$(NF-1)} /peak probe/ {p=$(NF-1)} /^train at/ {tg=$3; ig=$(NF-2)}
             END {print t, i, m, p, tg, ig, (b == "" ? "-" : b)}'
}
variant() {  # model variant -> images/s from tools/bench_torch_variants.py
    BENCH_DIR=$bench "$python" tools/bench_torch_variants.py "$1" 256x192 "$2" $((steps + 1)) 2>&1 | awk '/img_s/ {print $4}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "-" || b == "" || b == "-") print "-"; else printf "%.2fx", a / b}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%d%%", 100 * a / b + 0.5}'; }
# bf16 only where the CPU multiplies it (AVX512_BF16/AMX): emulated figures say nothing about speed
native_bf16=$(grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo && echo 1 || echo 0)
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); AVX512_BF16 or AMX: $([ "$native_bf16" = 1 ] && echo yes || echo no); $(date -u +%Y-%m-%d)"
echo
echo "| model | SwiftPose oneDNN train / fused inference (peak RSS) | SwiftPose BLAS train / inference | PyTorch NCHW train / inference (train peak RSS) | PyTorch channels-last train / inference (train peak RSS) | torch.compile fp32 inference | oneDNN / channels-last: train, inference; fused / torch.compile | oneDNN fraction of the sgemm probe: train, inference |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
bf16_rows=()
for pair in "res50 configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_res50_8xb64-210e_coco-256x192.py" \
            "hrnet_w32 configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_hrnet-w32_8xb64-210e_coco-256x192.py"; do
    set -- $pair
    read -r ot oi om op otg oig _ <<<"$(swiftpose onednn "$2")"
    read -r bt bi _ <<<"$(swiftpose blas "$2")"
    row=""
    for layout in nchw nhwc; do
        out=$(LAYOUT=$layout torch_bench "$1" 256x192 train $((steps + 1)))
        t=$(awk '/img_s/ {print $4}' <<<"$out"); rss=$(awk '/rss_kib/ {printf "%.2f", $2 / 1048576}' <<<"$out")
        i=$(LAYOUT=$layout torch_bench "$1" 256x192 infer $((steps + 1)) | awk '/img_s/ {print $4}')
        row="$row | $t / $i ($rss GiB)"
        [ "$layout" = nhwc ] && { lt=$t; li=$i; }
    done
    ci=$(variant "$1" compile)
    echo "| $1 | $ot / $oi ($om GiB) | $bt / $bi$row | $ci | $(ratio "$ot" "$lt"), $(ratio "$oi" "$li"); $(ratio "$oi" "$ci") | $(pct "$otg" "$op"), $(pct "$oig" "$op") of $op GFLOP/s |"
    if [ "$native_bf16" = 1 ]; then
        read -r st si _ _ _ _ sb <<<"$(swiftpose onednn "$2" --cfg-options optim_wrapper.type=AmpOptimWrapper optim_wrapper.dtype=bfloat16)"
        pt=$(variant "$1" autocast-bf16); pc=$(variant "$1" compile-bf16)
        bf16_rows+=("| $1 | $st / $sb | $pt | $pc | $(ratio "$st" "$ot"), $(ratio "$st" "$pt") | $(ratio "$sb" "$pc") |")
    fi
done
echo
if [ "$native_bf16" = 1 ]; then
    echo "| model | SwiftPose bf16 train / fused bf16 inference | PyTorch channels-last autocast bf16 train | torch.compile bf16 inference | bf16 train / SwiftPose fp32, / PyTorch bf16 | bf16 inference / torch.compile bf16 |"
    echo "| --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${bf16_rows[@]}"
else
    echo "bf16: not measured; this CPU has neither AVX512_BF16 nor AMX, and both SwiftPose (SWIFTPOSE_BF16_EMULATION=1) and PyTorch would run oneDNN's emulation"
fi
