# The example package's codec family: DisplacementHeatmap makes a kind of training target
# SwiftPose does not have (dense displacement fields, FieldKey.displacements, with their own
# collate and flip rules) and DisplacementHead trains on it and predicts it; the codec decodes
# the arg-max pixel refined by the displacement there. Everything else (the data, the backbone,
# the runtime) comes from the visibility config, as MMPose configs inherit from their bases.
_base_ = ['./tinyconvnet-vis_lion_synthetic-64x64.py']

optim_wrapper = dict(_delete_=True, optimizer=dict(type='Adam', lr=3e-3))
default_hooks = dict(checkpoint=dict(_delete_=True, type='CheckpointHook', interval=1, max_keep_ckpts=2))
custom_hooks = [dict(type='LossHistoryHook', filename='loss_history.json', priority='BELOW_NORMAL')]

# codec settings
codec = dict(type='DisplacementHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2, radius=2)

# the head and its decoder are this package's; the heatmap loss is SwiftPose's
model = dict(
    head=dict(
        _delete_=True,
        type='DisplacementHead',
        in_channels=64,
        out_channels=17,
        mid_channels=32,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        displacement_loss_weight=0.01,
        decoder=codec))

# the training targets come from the new codec
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', rotate_factor=30.0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
