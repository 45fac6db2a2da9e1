# The example package's codec family: DisplacementHeatmap makes a kind of training target
# SwiftPose does not have (dense displacement fields, FieldKey.displacements, with their own
# collate and flip rules) and DisplacementHead trains on it and predicts it; the codec decodes
# the arg-max pixel refined by the displacement there. On the synthetic COCO-format dataset
# that `pose-data synth --out data/synthetic` writes.
_base_ = ['swiftpose::_base_/default_runtime.py']  # SwiftPose's bundled base config, from any package

# runtime
train_cfg = dict(max_epochs=3, val_interval=3)
randomness = dict(seed=0)

# optimizer
optim_wrapper = dict(optimizer=dict(type='Adam', lr=3e-3))

# learning policy
param_scheduler = [
    dict(type='LinearLR', begin=0, end=4, start_factor=0.1, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=3, milestones=[2], gamma=0.1, by_epoch=True)
]

# hooks
default_hooks = dict(
    logger=dict(interval=2),
    checkpoint=dict(interval=1, max_keep_ckpts=2))
custom_hooks = [dict(type='LossHistoryHook', filename='loss_history.json', priority='BELOW_NORMAL')]

# codec settings
codec = dict(type='DisplacementHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2, radius=2)

# model settings: the paradigm and the heatmap loss are SwiftPose's; backbone, head and codec this package's
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(type='TinyConvNet', channels=(16, 32, 64)),
    head=dict(
        type='DisplacementHead',
        in_channels=64,
        out_channels=17,
        mid_channels=32,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        displacement_loss_weight=0.01,
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))

# base dataset settings
dataset_type = 'CocoDataset'
data_mode = 'topdown'
data_root = 'data/synthetic/'

# pipelines
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', rotate_factor=30.0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]

# data loaders
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_train.json',
        data_prefix=dict(img='train/'),
        pipeline=train_pipeline,
    ))
val_dataloader = dict(
    batch_size=16,
    num_workers=1,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_val.json',
        bbox_file=data_root + 'person_detection_results/val_detections.json',
        data_prefix=dict(img='val/'),
        test_mode=True,
        pipeline=val_pipeline,
    ))
test_dataloader = val_dataloader

# evaluators
val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/person_keypoints_val.json')
test_evaluator = val_evaluator
