#!/usr/bin/env bash
# Makes the MMPose 1.3.2 reference venv the fixture scripts run in (CPU only, nothing compiled):
#     bash tools/mmpose_venv.sh [VENV_DIR]        (default /work/mmpose-venv, outside the repo)
# PyTorch comes from the local CPU wheel in /opt/wheels when there is one (PyPI's Linux torch is a
# CUDA build). OpenCV is pinned to 4.x: OpenCV 5's warpAffine is no longer the fixed-point one
# MMPose's crops (and SwiftPose's) are made with.
set -euo pipefail
venv=${1:-/work/mmpose-venv}
python3 -m venv "$venv"
pip="$venv/bin/pip"
torch_wheel=$(ls /opt/wheels/torch-*+cpu-*.whl 2>/dev/null | head -1 || true)
"$pip" install -q ${torch_wheel:-torch} "numpy<2"
# torch wants setuptools >= 77; from 81 on it has no pkg_resources, which mmcv's setup.py imports
"$pip" install -q "setuptools>=77.0.3,<81" wheel
"$pip" install -q mmengine==0.10.7 "opencv-python==4.10.0.84" scipy matplotlib munkres json_tricks \
    xtcocotools==1.14.3 addict yapf termcolor rich packaging pillow six tqdm terminaltables shapely pycocotools \
    safetensors
"$pip" uninstall -q -y opencv-python-headless 2>/dev/null || true
"$pip" install -q "numpy<2" "opencv-python==4.10.0.84"
# mmcv 2.1.0 without its compiled ops (the sdist names itself mmcv-lite then; pip refuses that
# name under `mmcv==2.1.0`, so it is installed from the unpacked source)
src=$(mktemp -d)
"$pip" download -q --no-deps --no-binary :all: --no-build-isolation mmcv==2.1.0 -d "$src"
tar xzf "$src"/mmcv-2.1.0.tar.gz -C "$src"
MMCV_WITH_OPS=0 "$pip" install -q --no-build-isolation --no-deps "$src/mmcv-2.1.0"
rm -rf "$src"
"$pip" install -q --no-deps mmpose==1.3.2 mmdet==3.3.0
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# mmpose imports mmcv.ops (EDPose, deformable DETR layers) at import time; the top-down models
# never call them, and any call says the ops are missing instead of computing anything
cat > "$site/mmcv/_ext.py" <<'PY'
def __getattr__(name):
    def missing(*args, **kwargs):
        raise RuntimeError(f'mmcv was built without ops (MMCV_WITH_OPS=0): {name} is unavailable')
    return missing
PY
# torchvision (only for the SimCC visualizer's ToPILImage) has no CPU wheel on PyPI
sed -i 's/^from torchvision.transforms import ToPILImage$/try:\n    from torchvision.transforms import ToPILImage\nexcept ImportError:  # visualization only\n    ToPILImage = None/' \
    "$site/mmpose/visualization/simcc_vis.py"
"$venv/bin/python" -c 'import cv2, numpy, torch, mmcv, mmengine, mmpose; from mmpose.apis import init_model; print("cv2", cv2.__version__, "numpy", numpy.__version__, "torch", torch.__version__, "mmcv", mmcv.__version__, "mmengine", mmengine.__version__, "mmpose", mmpose.__version__)'
