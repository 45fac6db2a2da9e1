# MMPose 1.3.2 `topdown_heatmap/coco/td-hm_hrnet-w32_dark-8xb64-210e_coco-256x192.py` with a small network; made by tools/make_mmpose_parity_fixtures.py
default_scope = 'mmpose'
model = dict(
    backbone=dict(
        extra=dict(
            stage1=dict(
                block='BOTTLENECK',
                num_blocks=(1, ),
                num_branches=1,
                num_channels=(8, ),
                num_modules=1),
            stage2=dict(
                block='BASIC',
                num_blocks=(
                    1,
                    1,
                ),
                num_branches=2,
                num_channels=(
                    8,
                    16,
                ),
                num_modules=1),
            stage3=dict(
                block='BASIC',
                num_blocks=(
                    1,
                    1,
                    1,
                ),
                num_branches=3,
                num_channels=(
                    8,
                    16,
                    32,
                ),
                num_modules=1),
            stage4=dict(
                block='BASIC',
                num_blocks=(
                    1,
                    1,
                    1,
                    1,
                ),
                num_branches=4,
                num_channels=(
                    8,
                    16,
                    32,
                    64,
                ),
                num_modules=1)),
        in_channels=3,
        type='HRNet'),
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
                48,
                64,
            ),
            input_size=(
                192,
                256,
            ),
            sigma=2,
            type='MSRAHeatmap',
            unbiased=True),
        deconv_out_channels=None,
        in_channels=8,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        out_channels=17,
        type='HeatmapHead'),
    test_cfg=dict(flip_mode='heatmap', flip_test=True, shift_heatmap=True),
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
                192,
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
                192,
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
