# MMPose 1.3.2 `cid/coco/cid_hrnet-w32_8xb20-140e_coco-512x512.py` with a small network and a 256 × 256 codec; made by tools/make_mmpose_parity_fixtures.py
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
                multiscale_output=True,
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
        contrastive_loss=dict(
            loss_weight=1.0, temperature=0.05, type='InfoNCELoss'),
        coupled_heatmap_loss=dict(loss_weight=1.0, type='FocalHeatmapLoss'),
        decoder=dict(
            heatmap_size=(
                64,
                64,
            ),
            input_size=(
                256,
                256,
            ),
            type='DecoupledHeatmap'),
        decoupled_heatmap_loss=dict(loss_weight=4.0, type='FocalHeatmapLoss'),
        gfd_channels=32,
        in_channels=120,
        num_keypoints=17,
        type='CIDHead'),
    neck=dict(concat=True, type='FeatureMapProcessor'),
    test_cfg=dict(
        align_corners=False,
        flip_test=True,
        multiscale_test=False,
        shift_heatmap=False),
    train_cfg=dict(max_train_instances=200),
    type='BottomupPoseEstimator')
test_cfg = dict()
test_dataloader = dict(
    batch_size=1,
    dataset=dict(
        ann_file='test_coco.json',
        data_mode='bottomup',
        data_prefix=dict(img=''),
        data_root='{{ fileDirname }}/../../coco/',
        pipeline=[
            dict(type='LoadImage'),
            dict(
                input_size=(
                    256,
                    256,
                ),
                resize_mode='expand',
                size_factor=64,
                type='BottomupResize'),
            dict(
                meta_keys=(
                    'id',
                    'img_id',
                    'img_path',
                    'crowd_index',
                    'ori_shape',
                    'img_shape',
                    'input_size',
                    'input_center',
                    'input_scale',
                    'flip',
                    'flip_direction',
                    'flip_indices',
                    'raw_ann_info',
                    'skeleton_links',
                ),
                type='PackPoseInputs'),
        ],
        test_mode=True,
        type='CocoDataset'),
    drop_last=False,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(round_up=False, shuffle=False, type='DefaultSampler'))
test_evaluator = dict(
    ann_file='{{ fileDirname }}/../../coco/test_coco.json',
    nms_thr=0.8,
    score_mode='keypoint',
    type='CocoMetric')
val_dataloader = dict(
    batch_size=1,
    dataset=dict(
        ann_file='test_coco.json',
        data_mode='bottomup',
        data_prefix=dict(img=''),
        data_root='{{ fileDirname }}/../../coco/',
        pipeline=[
            dict(type='LoadImage'),
            dict(
                input_size=(
                    256,
                    256,
                ),
                resize_mode='expand',
                size_factor=64,
                type='BottomupResize'),
            dict(
                meta_keys=(
                    'id',
                    'img_id',
                    'img_path',
                    'crowd_index',
                    'ori_shape',
                    'img_shape',
                    'input_size',
                    'input_center',
                    'input_scale',
                    'flip',
                    'flip_direction',
                    'flip_indices',
                    'raw_ann_info',
                    'skeleton_links',
                ),
                type='PackPoseInputs'),
        ],
        test_mode=True,
        type='CocoDataset'),
    drop_last=False,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(round_up=False, shuffle=False, type='DefaultSampler'))
val_evaluator = dict(
    ann_file='{{ fileDirname }}/../../coco/test_coco.json',
    nms_thr=0.8,
    score_mode='keypoint',
    type='CocoMetric')
