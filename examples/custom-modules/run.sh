#!/usr/bin/env bash
# Builds this example package (SwiftPose as a path dependency), runs its tests, trains its config
# for a few iterations with `mpirun -np 2`, resumes, and evaluates the result. The README's test
# command runs it; run it yourself from anywhere: bash examples/custom-modules/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}

echo "custom-modules: building (release) and testing the example package"
swift build -c release -Xswiftc -enable-testing --build-tests
swift test --skip-build -c release -Xswiftc -enable-testing
bin=$(swift build -c release -Xswiftc -enable-testing --show-bin-path)

# the synthetic dataset comes from SwiftPose's own pose-data
[ -x "$root/.build/release/pose-data" ] || (cd "$root" && swift build -c release -Xswiftc -enable-testing --product pose-data)
rm -rf data/synthetic work_dirs/example work_dirs/displacement
"$root/.build/release/pose-data" synth --out data/synthetic --train 64 --val 16 --seed 0

config=configs/tinyconvnet-vis_lion_synthetic-64x64.py
mpi=(mpirun -np 2 --oversubscribe --bind-to none -x OPENBLAS_NUM_THREADS=1 -x SWIFT_BACKTRACE)
echo "custom-modules: training 2 of 3 epochs with mpirun -np 2, then resuming for the last"
"${mpi[@]}" "$bin/custom-pose-train" "$config" --work-dir work_dirs/example --cfg-options train_cfg.max_epochs=2
"${mpi[@]}" "$bin/custom-pose-train" "$config" --work-dir work_dirs/example --resume

# last_checkpoint names the newest checkpoint relative to the work dir
checkpoint="work_dirs/example/$(cat work_dirs/example/last_checkpoint)"
echo "custom-modules: evaluating $checkpoint"
"$bin/custom-pose-test" "$config" "$checkpoint" | tee work_dirs/example/test.txt

# what the run must have produced: the hook's history over all three epochs (resume included),
# the registered optimizer's name and state in the checkpoint, and COCO metrics
python3 - "$checkpoint" <<'PY'
import json, struct, sys
history = json.load(open('work_dirs/example/loss_history.json'))
assert history['epochs'] == [1, 2, 3], history
assert history['loss'][-1] < history['loss'][0], f"the loss did not decrease: {history['loss']}"
with open(sys.argv[1], 'rb') as f:
    n = struct.unpack('<Q', f.read(8))[0]
    header = json.loads(f.read(n))
meta = json.loads(header['__metadata__']['swiftpose'])
assert meta['optimizer'] == 'Lion' and meta['epoch'] == 3, meta
assert 'optimizer.exp_avg.head.vis_fc.weight' in header, 'Lion state missing'
assert 'LossHistoryHook' in meta['hookStates'], meta['hookStates'].keys()
text = open('work_dirs/example/test.txt').read()
assert 'coco/AP:' in text, text
print('custom-modules: checked loss history', history['loss'], '- optimizer', meta['optimizer'], '- coco/AP present')
PY

# the codec family: a target kind SwiftPose does not have, trained and evaluated under mpirun
family=configs/tinyconvnet-displacement_synthetic-64x64.py
echo "custom-modules: training the DisplacementHeatmap codec family with mpirun -np 2"
"${mpi[@]}" "$bin/custom-pose-train" "$family" --work-dir work_dirs/displacement
checkpoint="work_dirs/displacement/$(cat work_dirs/displacement/last_checkpoint)"
"$bin/custom-pose-test" "$family" "$checkpoint" | tee work_dirs/displacement/test.txt
python3 - <<'PY'
import json
history = json.load(open('work_dirs/displacement/loss_history.json'))
assert history['epochs'] == [1, 2, 3], history
assert history['loss'][-1] < history['loss'][0], f"the loss did not decrease: {history['loss']}"
records = [json.loads(l) for l in open(sorted(__import__('glob').glob('work_dirs/displacement/*/vis_data/scalars.json'))[-1])]
trained = [r for r in records if 'loss_displacement' in r]
assert trained and trained[-1]['loss_displacement'] < trained[0]['loss_displacement'], trained
text = open('work_dirs/displacement/test.txt').read()
assert 'coco/AP:' in text, text
print('custom-modules: the displacement family trained (loss_displacement', trained[0]['loss_displacement'], '->', trained[-1]['loss_displacement'], ') and evaluated')
PY
