#!/usr/bin/env bash
# Runs every test: unit, integration against Microsoft's sidecar, the C ABI tests, the
# C tests under valgrind and AddressSanitizer, and the thread-safety tests under
# ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

step() { printf '\n=== %s\n' "$*"; }

step "build"
[ -d build ] || meson setup build
ninja -C build -j"$jobs"

step "unit, integration and C ABI tests"
meson test -C build --print-errorlogs --num-processes "$jobs"

if meson test -C build --list 2>/dev/null | grep -q ':capi /'; then
  step "C ABI tests under valgrind"
  meson test -C build --print-errorlogs --setup valgrind --suite capi --num-processes "$jobs"

  step "C ABI tests under AddressSanitizer"
  [ -d build-asan ] || meson setup build-asan -Db_sanitize=address -Db_lundef=false -Dbench=false
  ninja -C build-asan -j"$jobs"
  meson test -C build-asan --print-errorlogs --suite capi --num-processes "$jobs"
fi

step "thread-safety tests under ThreadSanitizer"
[ -d build-tsan ] || meson setup build-tsan -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debug -Dbench=false
ninja -C build-tsan -j"$jobs"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
  meson test -C build-tsan --print-errorlogs --suite tsan --num-processes "$jobs"
