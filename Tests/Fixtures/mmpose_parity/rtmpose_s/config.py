# MMPose 1.3.2 `rtmpose/coco/rtmpose-s_8xb256-420e_coco-256x192.py` at full size, without the pretrained backbone; made by tools/make_mmpose_parity_fixtures.py
# weights: no .pth; every state-dict entry is the formula fnv1a-fmix32-v1 of its key (gain 1.4), see expected.json and the script
default_scope = 'mmpose'
model = dict(
    backbone=dict(
        _scope_='mmdet',
        act_cfg=dict(type='SiLU'),
        arch='P5',
        channel_attention=True,
        deepen_factor=0.33,
        expand_ratio=0.5,
        norm_cfg=dict(type='SyncBN'),
        out_indices=(4, ),
        type='CSPNeXt',
        widen_factor=0.5),
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
            input_size=(
                192,
                256,
            ),
            normalize=False,
            sigma=(
                4.9,
                5.66,
            ),
            simcc_split_ratio=2.0,
            type='SimCCLabel',
            use_dark=False),
        final_layer_kernel_size=7,
        gau_cfg=dict(
            act_fn='SiLU',
            drop_path=0.0,
            dropout_rate=0.0,
            expansion_factor=2,
            hidden_dims=256,
            pos_enc=False,
            s=128,
            use_rel_bias=False),
        in_channels=512,
        in_featuremap_size=(
            6,
            8,
        ),
        input_size=(
            192,
            256,
        ),
        loss=dict(
            beta=10.0,
            label_softmax=True,
            type='KLDiscretLoss',
            use_target_weight=True),
        out_channels=17,
        simcc_split_ratio=2.0,
        type='RTMCCHead'),
    test_cfg=dict(flip_test=True),
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
            dict(backend_args=dict(backend='local'), type='LoadImage'),
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
            dict(backend_args=dict(backend='local'), type='LoadImage'),
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
