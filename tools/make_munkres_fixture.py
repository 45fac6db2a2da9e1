"""Writes Tests/Fixtures/munkres/assignments.json: the `munkres` package's (1.1.4, the
implementation MMPose's associative-embedding grouping calls) assignments for 300 seeded random
cost matrices, square and rectangular, 1-7 rows and columns, with small integer costs (so that
equally cheap assignments are common and the tie-breaking is exercised) and some float32 costs
shaped as MMPose builds them (round(distance) * 100 - score, padded with 1e10 columns).

Run in a venv with munkres 1.1.4 (`pip install munkres==1.1.4`):
    /path/to/venv/bin/python tools/make_munkres_fixture.py
"""
import json
import random

import numpy as np
from munkres import Munkres, __version__

assert __version__ == '1.1.4', __version__
rng = random.Random(7)
cases = []
for i in range(300):
    rows, cols = rng.randint(1, 7), rng.randint(1, 7)
    if i % 3 == 2:
        # MMPose's cost: float32 round(d) * 100 - val, padded to square when rows > cols
        d = np.array([[rng.uniform(0, 3) for _ in range(cols)] for _ in range(rows)], dtype=np.float32)
        val = np.array([[rng.uniform(0.1, 1)] for _ in range(rows)], dtype=np.float32)
        cost = np.round(d) * 100 - val
        if rows > cols:
            cost = np.concatenate((cost, np.zeros((rows, rows - cols), dtype=np.float32) + 1e10), axis=1)
        pairs = Munkres().compute(cost.copy())
        cases.append({'cost': cost.tolist(), 'pairs': [list(map(int, p)) for p in pairs]})
    else:
        cost = [[rng.randint(0, 3) for _ in range(cols)] for _ in range(rows)]
        pairs = Munkres().compute([r[:] for r in cost])
        cases.append({'cost': cost, 'pairs': [list(p) for p in pairs]})
with open('Tests/Fixtures/munkres/assignments.json', 'w') as f:
    json.dump({'munkres': __version__, 'cases': cases}, f)
print(len(cases), 'cases')
