# Sourced by the tools that read files of the mmpose 1.3.2 wheel (pip download, no install):
# sets `wheel` to its path in MMPOSE_WHEEL_DIR (default ~/.cache/swiftpose-mmpose-wheel),
# downloading it with $python first when missing.
cache=${MMPOSE_WHEEL_DIR:-$HOME/.cache/swiftpose-mmpose-wheel}
mkdir -p "$cache"
wheel=$(ls "$cache"/mmpose-1.3.2-*.whl 2>/dev/null | head -1 || true)
if [ -z "$wheel" ]; then
    "$python" -m pip download --quiet --no-deps --dest "$cache" mmpose==1.3.2
    wheel=$(ls "$cache"/mmpose-1.3.2-*.whl | head -1)
fi
