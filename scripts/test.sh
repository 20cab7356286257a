#!/usr/bin/env bash
# Runs every test: unit, integration against Microsoft's sidecar, the C ABI tests, the
# C tests under valgrind and AddressSanitizer, and the unit, C and thread-safety tests
# under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

step() { printf '\n=== %s\n' "$*"; }

step "build"
[ -d build ] || meson setup build
ninja -C build -j"$jobs"

step "unit, integration and C ABI tests"
meson test -C build --no-rebuild --print-errorlogs --num-processes "$jobs"

step "C ABI tests under valgrind"
meson test -C build --no-rebuild --print-errorlogs --setup valgrind --suite capi \
  --num-processes "$jobs"

step "C ABI tests under AddressSanitizer"
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address -Db_lundef=false -Dbench=false
scripts/build_suite.py build-asan capi
meson test -C build-asan --no-rebuild --print-errorlogs --suite capi --num-processes "$jobs"

step "unit, C and thread-safety tests under ThreadSanitizer"
[ -d build-tsan ] || meson setup build-tsan -Db_sanitize=thread -Db_lundef=false \
  -Dbuildtype=debug -Dbench=false
scripts/build_suite.py build-tsan tsan unit
meson test -C build-tsan --no-rebuild --print-errorlogs --suite tsan --suite unit \
  --num-processes "$jobs"
