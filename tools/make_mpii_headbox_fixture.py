"""Writes Tests/Fixtures/mpii/test_mpii_headbox.mat: MPII-style `headboxes_src` (2 x 2 x N) for the
five fixture annotations, a box spanning upper_neck and head_top, as mpii_gt_val.mat stores them.
Compressed (MATLAB's miCOMPRESSED), like MPII's file. Run from the repository root with scipy."""
import json
import numpy as np
from scipy.io import savemat

anns = json.load(open('Tests/Fixtures/mpii/test_mpii.json'))
boxes = np.zeros((2, 2, len(anns)))
for n, a in enumerate(anns):
    neck, top = np.array(a['joints'][8]), np.array(a['joints'][9])
    half = np.abs(top - neck).max() / 2 + 5
    centre = (neck + top) / 2
    boxes[0, :, n] = centre - half
    boxes[1, :, n] = centre + half
savemat('Tests/Fixtures/mpii/test_mpii_headbox.mat', {'headboxes_src': boxes}, do_compression=True)
print(boxes.transpose(2, 0, 1))
