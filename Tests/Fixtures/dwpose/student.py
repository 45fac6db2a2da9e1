# A tiny RTMPose (CSPNeXt + RTMCCHead, 64x64 input, 17 keypoints): the student of the DWPose
# parity fixtures (tools/make_dwpose_fixtures.py) and of DWPoseTests.
codec = dict(type='SimCCLabel', input_size=(64, 64), sigma=(4.9, 5.66), simcc_split_ratio=2.0,
             normalize=False, use_dark=False)
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(_scope_='mmdet', type='CSPNeXt', arch='P5', expand_ratio=0.5, deepen_factor=0.167,
                  widen_factor=0.0625, out_indices=(4, ), channel_attention=True,
                  norm_cfg=dict(type='BN'), act_cfg=dict(type='SiLU')),
    head=dict(type='RTMCCHead', in_channels=64, out_channels=17, input_size=codec['input_size'],
              in_featuremap_size=(2, 2), simcc_split_ratio=codec['simcc_split_ratio'],
              final_layer_kernel_size=7,
              gau_cfg=dict(hidden_dims=32, s=16, expansion_factor=2, dropout_rate=0., drop_path=0.,
                           act_fn='SiLU', use_rel_bias=False, pos_enc=False),
              loss=dict(type='KLDiscretLoss', use_target_weight=True, beta=10., label_softmax=True),
              decoder=codec),
    test_cfg=dict(flip_test=True))
