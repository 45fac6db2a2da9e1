#!/usr/bin/env bash
# Mutation-fuzzes SwiftPose's input readers for longer than the test suite does:
#   tools/fuzz.sh [CASES] [SEED]      (default 20000 cases, seed 1)
# Seeds: a tiny config and a checkpoint it trains here on a synthetic dataset, the parity
# fixture .pth, the dataset's annotations and one of its JPEGs. Targets: config files (the
# config language and decoders), --cfg-options, .safetensors, .pth (zip + pickle), COCO
# annotation json, JPEG, PNG and BMP headers, evaluation ground truth, pickle memo programs,
# config programs (the evaluation budget), checkpoint metadata, output path kinds and
# thread-count environment variables. Any crash, hang (a case over 30 s: status 3) or memory
# blow-up (over 2 GiB resident: status 4) fails; the case's input is left in
# $WORK/scratch/current.* (WORK is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-20000}
seed=${2:-1}
[[ "$cases" =~ ^[0-9]+$ && "$seed" =~ ^[0-9]+$ ]] || { echo "usage: tools/fuzz.sh [CASES] [SEED]" >&2; exit 2; }
# the flags of launch/setup.sh, so the suite's build is reused
swift build -c release -Xswiftc -enable-testing >/dev/null
bin=.build/release
work=$(mktemp -d /tmp/swiftpose-fuzz-XXXXXX)
echo "tools/fuzz.sh: work dir $work"
"$bin/pose-data" synth --out "$work/data" --train 4 --val 2 --size 64x64 >/dev/null 2>&1
cat > "$work/tiny.py" <<CONFIG
_base_ = ['$PWD/configs/_base_/default_runtime.py']
train_cfg = dict(max_epochs=1, val_interval=1)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
codec = dict(type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2)
model = dict(type='TopdownPoseEstimator',
    data_preprocessor=dict(type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(type='ResNet', depth=18, stem_channels=4, base_channels=4),
    head=dict(type='HeatmapHead', in_channels=32, out_channels=17, deconv_out_channels=(8, 8, 8),
              loss=dict(type='KeypointMSELoss', use_target_weight=True), decoder=codec))
train_pipeline = [dict(type='LoadImage'), dict(type='GetBBoxCenterScale'), dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'), dict(type='RandomBBoxTransform'), dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec), dict(type='PackPoseInputs')]
train_dataloader = dict(batch_size=2, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CocoDataset', data_root='$work/data/', ann_file='annotations/person_keypoints_train.json',
                 data_prefix=dict(img='train/'), pipeline=train_pipeline))
CONFIG
"$bin/pose-train" "$work/tiny.py" --work-dir "$work/w" >/dev/null 2>&1
exec "$bin/pose-bench" fuzz --config "$work/tiny.py" --checkpoint "$work/w/epoch_1.safetensors" \
    --pth Tests/Fixtures/parity/resnet18_sb.pth --annotations "$work/data/annotations/person_keypoints_train.json" \
    --image "$work/data/train/$(ls "$work/data/train" | head -1)" --scratch "$work/scratch" --cases "$cases" --seed "$seed"
