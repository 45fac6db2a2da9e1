# MMPose 1.3.2 `yoloxpose/coco/yoloxpose_s_8xb32-300e_coco-640.py` with a small network and a 320 × 320 input; made by tools/make_mmpose_parity_fixtures.py
default_scope = 'mmpose'
model = dict(
    backbone=dict(
        act_cfg=dict(type='Swish'),
        deepen_factor=0.33,
        norm_cfg=dict(eps=0.001, momentum=0.03, type='BN'),
        out_indices=(
            2,
            3,
            4,
        ),
        spp_kernal_sizes=(
            5,
            9,
            13,
        ),
        type='CSPDarknet',
        widen_factor=0.0625),
    data_preprocessor=dict(
        batch_augments=[
            dict(
                interval=1,
                random_size_range=(
                    480,
                    800,
                ),
                size_divisor=32,
                type='BatchSyncRandomResize'),
        ],
        mean=[
            0,
            0,
            0,
        ],
        pad_size_divisor=32,
        std=[
            1,
            1,
            1,
        ],
        type='PoseDataPreprocessor'),
    head=dict(
        assigner=dict(dynamic_k_indicator='oks', type='SimOTAAssigner'),
        featmap_strides=(
            8,
            16,
            32,
        ),
        head_module_cfg=dict(
            act_cfg=dict(type='Swish'),
            feat_channels=128,
            featmap_strides=(
                8,
                16,
                32,
            ),
            in_channels=256,
            norm_cfg=dict(eps=0.001, momentum=0.03, type='BN'),
            num_classes=1,
            num_keypoints=17,
            stacked_convs=2,
            widen_factor=0.0625),
        loss_bbox=dict(
            eps=1e-16,
            loss_weight=5.0,
            mode='square',
            reduction='sum',
            type='IoULoss'),
        loss_bbox_aux=dict(loss_weight=1.0, reduction='sum', type='L1Loss'),
        loss_cls=dict(loss_weight=1.0, reduction='sum', type='BCELoss'),
        loss_obj=dict(
            loss_weight=1.0,
            reduction='sum',
            type='BCELoss',
            use_target_weight=True),
        loss_oks=dict(
            loss_weight=30.0,
            metainfo='configs/_base_/datasets/coco.py',
            norm_target_weight=True,
            reduction='none',
            type='OKSLoss'),
        loss_vis=dict(
            loss_weight=1.0,
            reduction='mean',
            type='BCELoss',
            use_target_weight=True),
        num_keypoints=17,
        overlaps_power=0.5,
        prior_generator=dict(
            offset=0, strides=[
                8,
                16,
                32,
            ], type='MlvlPointGenerator'),
        type='YOLOXPoseHead'),
    neck=dict(
        act_cfg=dict(type='Swish'),
        in_channels=[
            16,
            32,
            64,
        ],
        norm_cfg=dict(eps=0.001, momentum=0.03, type='BN'),
        num_csp_blocks=1,
        out_channels=16,
        type='YOLOXPAFPN',
        upsample_cfg=dict(mode='nearest', scale_factor=2),
        use_depthwise=False),
    test_cfg=dict(input_size=(
        320,
        320,
    ), nms_thr=0.65, score_thr=0.01),
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
                    320,
                    320,
                ),
                pad_val=(
                    114,
                    114,
                    114,
                ),
                type='BottomupResize'),
            dict(
                meta_keys=(
                    'id',
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'input_size',
                    'input_center',
                    'input_scale',
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
    nms_mode='none',
    score_mode='bbox',
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
                    320,
                    320,
                ),
                pad_val=(
                    114,
                    114,
                    114,
                ),
                type='BottomupResize'),
            dict(
                meta_keys=(
                    'id',
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'input_size',
                    'input_center',
                    'input_scale',
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
    nms_mode='none',
    score_mode='bbox',
    type='CocoMetric')
