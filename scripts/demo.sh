#!/usr/bin/env bash
# The main job: builds the library and runs the webhook demo against a local
# multi-hub sidecar (Microsoft's in-memory Durable Task sidecar, started by the demo).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
[ -d build ] || meson setup build
ninja -C build
ninja -C build demo
