# DWPose's second stage: teacher and student the same (tiny student) network.
model = dict(
    type='DWPoseDistiller',
    two_dis=True,
    teacher_cfg='Tests/Fixtures/dwpose/student.py',
    student_cfg='Tests/Fixtures/dwpose/student.py',
    distill_cfg=[dict(methods=[dict(type='KDLoss', name='loss_logit', use_this=True, weight=1)])],
    data_preprocessor=dict(type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True))
