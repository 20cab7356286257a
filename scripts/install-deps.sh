#!/usr/bin/env bash
# Installs what building and testing durabletask-native needs on Debian 12, as root.
# Safe to run again: packages already present are left alone.
set -euo pipefail

packages=(
  build-essential pkg-config meson ninja-build
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libgtest-dev libgmock-dev
  valgrind openssl
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v dotnet >/dev/null; then
  echo "the .NET SDK (dotnet) is required for the test sidecar and is not on PATH" >&2
  exit 1
fi
