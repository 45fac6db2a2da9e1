"""How many keypoints of one COCO keypoint-results file lie within a distance of another's:
the agreement of `pose-test --bf16 --dump B.json` with `pose-test --dump A.json` on the same
weights (BENCHMARKS.md). Both files must list the same instances in the same order (pose-test
writes them sorted, so two runs of one config do).

Usage: python3 tools/compare_keypoint_dumps.py A.json B.json [--pixels 1]
"""
import argparse
import json
import math
import sys

parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
parser.add_argument('a')
parser.add_argument('b')
parser.add_argument('--pixels', type=float, default=1.0, help='distance in image pixels (default 1)')
args = parser.parse_args()
with open(args.a) as f:
    a = json.load(f)
with open(args.b) as f:
    b = json.load(f)
if len(a) != len(b):
    sys.exit(f'{args.a} has {len(a)} results, {args.b} has {len(b)}: not the same instances')
total = within = 0
worst = 0.0
for i, (p, q) in enumerate(zip(a, b)):
    if p['image_id'] != q['image_id'] or len(p['keypoints']) != len(q['keypoints']):
        sys.exit(f'result {i}: image {p["image_id"]} with {len(p["keypoints"]) // 3} keypoints against '
                 f'image {q["image_id"]} with {len(q["keypoints"]) // 3}: not the same instances')
    for k in range(0, len(p['keypoints']), 3):
        d = math.hypot(p['keypoints'][k] - q['keypoints'][k], p['keypoints'][k + 1] - q['keypoints'][k + 1])
        total += 1
        within += d <= args.pixels
        worst = max(worst, d)
print(f'{len(a)} instances, {total} keypoints: {within} within {args.pixels:g} px ({100 * within / max(total, 1):.2f}%), '
      f'worst {worst:.2f} px')
