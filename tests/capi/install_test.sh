#!/bin/sh
# Installs the build into a staging directory, then builds examples/c/raise_event.c as a
# program outside the source tree would: with pkg-config, against what was installed.
# With a sidecar (DT_SIDECAR_ADDRESS) the example then raises a real event.
#
#   install_test.sh BUILD_DIR SOURCE_DIR SIDECAR_TOOL
set -eu

build=$1
source=$2
tool=$3
compiler=${CC:-cc}

fail() {
  echo "install test: $*" >&2
  exit 1
}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT INT TERM

meson install -C "$build" --no-rebuild --destdir "$stage" >"$stage/install.log" 2>&1 \
  || { cat "$stage/install.log" >&2; fail "meson install failed"; }

pc_file=$(find "$stage" -name durabletask.pc | head -n 1)
[ -n "$pc_file" ] || fail "no durabletask.pc was installed"
PKG_CONFIG_PATH=$(dirname "$pc_file")
export PKG_CONFIG_PATH
prefix=$(pkg-config --variable=prefix durabletask)
# The .pc file names the final prefix; point it at the staging copy instead.
pc() { pkg-config --define-variable=prefix="$stage$prefix" "$@" durabletask; }
libdir=$(pc --variable=libdir)
includedir=$(pc --variable=includedir)

[ -f "$includedir/durabletask.h" ] || fail "durabletask.h is not in $includedir"
readelf -d "$libdir/libdurabletask.so" | grep -q 'SONAME.*\[libdurabletask\.so\.0\]' \
  || fail "libdurabletask.so has no SONAME libdurabletask.so.0"
foreign=$(nm -D --defined-only "$libdir/libdurabletask.so" | awk '$2 == "T" && $3 !~ /^dt_/')
[ -z "$foreign" ] || fail "symbols other than dt_* are exported: $foreign"

# shellcheck disable=SC2046 # pkg-config output is a list of words
"$compiler" -std=c99 -Wall -Wextra -pedantic -Werror "$source/examples/c/raise_event.c" \
  $(pc --cflags) $(pc --libs) -o "$stage/raise_event" || fail "the example does not build"
LD_LIBRARY_PATH=$libdir
export LD_LIBRARY_PATH

status=0
"$stage/raise_event" >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "without arguments the example should print its usage (exit 2), got $status"

status=0
message=$("$stage/raise_event" 127.0.0.1:1 tenant-a some-id approved 2>&1) || status=$?
[ "$status" -eq 1 ] || fail "raising to an absent sidecar should fail with exit 1, got $status"
case $message in
  *unavailable*) ;;
  *) fail "unexpected message for an absent sidecar: $message" ;;
esac

if [ -z "${DT_SIDECAR_ADDRESS:-}" ]; then
  echo "no sidecar: the example was built and run, but raised no real event"
  exit 0
fi

id=$("$tool" start capi-install-hub WaitForEvent '"approved"') || fail "could not start an instance"
"$stage/raise_event" "$DT_SIDECAR_ADDRESS" capi-install-hub "$id" approved '{"by":"c"}' \
  || fail "the example could not raise the event"
output=$("$tool" wait capi-install-hub "$id") || fail "the instance did not complete"
[ "$output" = '{"by":"c"}' ] || fail "the instance saw '$output', not the payload raised"
echo "installed library, pkg-config and example: ok"
