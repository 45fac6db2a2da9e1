# DWPose's first stage on the tiny teacher and student of this folder (paths relative to the
# repository root, as MMPose's own DWPose configs name theirs).
model = dict(
    type='DWPoseDistiller',
    teacher_cfg='Tests/Fixtures/dwpose/teacher.py',
    student_cfg='Tests/Fixtures/dwpose/student.py',
    distill_cfg=[
        dict(methods=[dict(type='FeaLoss', name='loss_fea', use_this=True, student_channels=64,
                           teacher_channels=128, alpha_fea=0.00007)]),
        dict(methods=[dict(type='KDLoss', name='loss_logit', use_this=True, weight=0.1)]),
    ],
    data_preprocessor=dict(type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True))
