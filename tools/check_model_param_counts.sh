#!/bin/bash
# Parameter counts of MMPose configs whose models build in SwiftPose while their training parts do
# not yet (YOLOX-Pose's and RTMO's Mosaic/YOLOXMixUp pipelines, RTMO's optimizer constructor and
# its ConstantLR factor 2.5, which MMEngine 0.10.7 refuses too): each config is wrapped in one that
# replaces train_dataloader, optim_wrapper, param_scheduler and custom_hooks by plain ones, so
# `pose-analyze check-configs` builds the model, and the counts are compared with MMPose's own
# (tools/compare_param_counts.py). Exit status 1 if any differ or fail to build.
#
#   bash tools/check_model_param_counts.sh CONFIGS_DIR [SUBDIR ...]
#   (default SUBDIRs: body_2d_keypoint/rtmo body_2d_keypoint/yoloxpose)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
configs=$(cd "$1" && pwd); shift
subdirs=("$@")
[ ${#subdirs[@]} -eq 0 ] && subdirs=(body_2d_keypoint/rtmo body_2d_keypoint/yoloxpose)
wrapped=$(mktemp -d)
trap 'rm -rf "$wrapped"' EXIT
for sub in "${subdirs[@]}"; do
    while IFS= read -r f; do
        rel=${f#"$configs"/}
        mkdir -p "$wrapped/configs/$(dirname "$rel")"
        cat > "$wrapped/configs/$rel" <<PY
_base_ = ['$f']
train_dataloader = dict(_delete_=True, batch_size=2, dataset=dict(type='CocoDataset', data_mode='bottomup', data_root='data/',
    ann_file='coco/annotations/person_keypoints_train2017.json', data_prefix=dict(img='coco/train2017/'),
    pipeline=[dict(type='LoadImage'), dict(type='BottomupResize', input_size=(640, 640))]))
optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='AdamW', lr=0.004, weight_decay=0.05))
param_scheduler = [dict(type='LinearLR', start_factor=0.5, by_epoch=False, begin=0, end=10)]
custom_hooks = []
PY
    done < <(find "$configs/$sub" -name '*.py' -not -path '*/_base_/*' | sort)
done
"$here/../.build/release/pose-analyze" check-configs "$wrapped/configs" 2>/dev/null | sed "s|$wrapped/configs/||" | tee "$wrapped/out.txt"
python3 "$here/compare_param_counts.py" "$wrapped/out.txt"
! grep -v ': builds (' "$wrapped/out.txt" | grep -q '\.py: '
