# A tiny RTMW (CSPNeXt + CSPNeXtPAFPN + RTMWHead, 64x64 input, 20 keypoints, the last three's
# loss weighted by KLDiscretLoss's mask): the model of tools/make_rtmw_fixtures.py and RTMWTests.
codec = dict(type='SimCCLabel', input_size=(64, 64), sigma=(4.9, 5.66), simcc_split_ratio=2.0,
             normalize=False, use_dark=False, decode_visibility=True, decode_beta=150.)
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(type='CSPNeXt', arch='P5', expand_ratio=0.5, deepen_factor=0.167, widen_factor=0.125,
                  out_indices=(2, 3, 4), channel_attention=True, norm_cfg=dict(type='BN'),
                  act_cfg=dict(type='SiLU')),
    neck=dict(type='CSPNeXtPAFPN', in_channels=[32, 64, 128], out_channels=None, out_indices=(1, 2),
              num_csp_blocks=1, expand_ratio=0.5, norm_cfg=dict(type='BN'),
              act_cfg=dict(type='SiLU', inplace=True)),
    head=dict(type='RTMWHead', in_channels=128, out_channels=20, input_size=codec['input_size'],
              in_featuremap_size=(2, 2), simcc_split_ratio=codec['simcc_split_ratio'],
              final_layer_kernel_size=7,
              gau_cfg=dict(hidden_dims=32, s=16, expansion_factor=2, dropout_rate=0., drop_path=0.,
                           act_fn='SiLU', use_rel_bias=False, pos_enc=False),
              loss=dict(type='KLDiscretLoss', use_target_weight=True, beta=1., label_softmax=True,
                        label_beta=10., mask=[17, 18, 19], mask_weight=0.5),
              decoder=codec),
    test_cfg=dict(flip_test=False))
