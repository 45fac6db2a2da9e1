# MMPose 1.3.2 `integral_regression/coco/ipr_res50_8xb64-210e_coco-256x256.py` with a small network; made by tools/make_mmpose_parity_fixtures.py
default_scope = 'mmpose'
model = dict(
    backbone=dict(base_channels=4, depth=50, stem_channels=8, type='ResNet'),
    data_preprocessor=dict(
        bgr_to_rgb=True,
        mean=[
            123.675,
            116.28,
            103.53,
        ],
        std=[
            58.395,
            57.12,
            57.375,
        ],
        type='PoseDataPreprocessor'),
    head=dict(
        decoder=dict(
            heatmap_size=(
                64,
                64,
            ),
            input_size=(
                256,
                256,
            ),
            normalize=True,
            sigma=2.0,
            type='IntegralRegressionLabel'),
        deconv_kernel_sizes=(
            4,
            4,
            4,
        ),
        deconv_out_channels=(
            16,
            16,
            16,
        ),
        in_channels=128,
        in_featuremap_size=(
            8,
            8,
        ),
        loss=dict(
            losses=[
                dict(type='SmoothL1Loss', use_target_weight=True),
                dict(type='KeypointMSELoss', use_target_weight=True),
            ],
            type='MultipleLossWrapper'),
        num_joints=17,
        type='DSNTHead'),
    test_cfg=dict(flip_test=True, shift_coords=True, shift_heatmap=True),
    type='TopdownPoseEstimator')
test_cfg = dict()
test_dataloader = dict(
    batch_size=4,
    dataset=dict(
        ann_file='test_coco.json',
        bbox_file='{{ fileDirname }}/../../coco/test_coco_det_AP_H_56.json',
        data_mode='topdown',
        data_prefix=dict(img=''),
        data_root='{{ fileDirname }}/../../coco/',
        pipeline=[
            dict(type='LoadImage'),
            dict(type='GetBBoxCenterScale'),
            dict(input_size=(
                256,
                256,
            ), type='TopdownAffine'),
            dict(type='PackPoseInputs'),
        ],
        test_mode=True,
        type='CocoDataset'),
    drop_last=False,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(round_up=False, shuffle=False, type='DefaultSampler'))
test_evaluator = dict(
    ann_file='{{ fileDirname }}/../../coco/test_coco.json',
    type='CocoMetric')
val_dataloader = dict(
    batch_size=4,
    dataset=dict(
        ann_file='test_coco.json',
        bbox_file='{{ fileDirname }}/../../coco/test_coco_det_AP_H_56.json',
        data_mode='topdown',
        data_prefix=dict(img=''),
        data_root='{{ fileDirname }}/../../coco/',
        pipeline=[
            dict(type='LoadImage'),
            dict(type='GetBBoxCenterScale'),
            dict(input_size=(
                256,
                256,
            ), type='TopdownAffine'),
            dict(type='PackPoseInputs'),
        ],
        test_mode=True,
        type='CocoDataset'),
    drop_last=False,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(round_up=False, shuffle=False, type='DefaultSampler'))
val_evaluator = dict(
    ann_file='{{ fileDirname }}/../../coco/test_coco.json',
    type='CocoMetric')
