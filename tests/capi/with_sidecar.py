#!/usr/bin/env python3
"""Runs a command with DT_SIDECAR_ADDRESS set to a test sidecar started for it.

    with_sidecar.py [--dll PATH] [--hubs a,b] [--hub-prefix P] [--optional] -- COMMAND...

The sidecar is the .NET program in tests/sidecar (DT_SIDECAR_DLL, built from
DT_SIDECAR_PROJECT when missing). It is told to stop by closing its stdin once the
command has finished. Without a sidecar the command is skipped (exit 77, which meson
counts as a skip), or with --optional run without DT_SIDECAR_ADDRESS.
"""

import argparse
import os
import selectors
import subprocess
import sys
import time

SKIP = 77


def build_sidecar(dll):
    project = os.environ.get("DT_SIDECAR_PROJECT")
    if not project:
        return False
    out_dir = os.path.dirname(dll)
    result = subprocess.run(
        ["dotnet", "build", "-nologo", "-v:q", "-c", "Release", project, "-o", out_dir],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=False)
    return result.returncode == 0 and os.path.exists(dll)


def wait_for_port(sidecar, timeout):
    """Reads the sidecar's stdout until its LISTENING line; returns the address or None."""
    selector = selectors.DefaultSelector()
    selector.register(sidecar.stdout, selectors.EVENT_READ)
    give_up = time.monotonic() + timeout
    buffered = b""
    while time.monotonic() < give_up:
        if not selector.select(timeout=0.2):
            if sidecar.poll() is not None:
                return None
            continue
        chunk = os.read(sidecar.stdout.fileno(), 4096)
        if not chunk:
            return None
        buffered += chunk
        while b"\n" in buffered:
            line, buffered = buffered.split(b"\n", 1)
            text = line.decode("utf-8", "replace").strip()
            if text.startswith("LISTENING "):
                return text[len("LISTENING "):]
    return None


def stop(sidecar):
    try:
        sidecar.stdin.close()
    except OSError:
        pass
    try:
        sidecar.wait(timeout=15)
    except subprocess.TimeoutExpired:
        sidecar.kill()
        sidecar.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dll", default=os.environ.get("DT_SIDECAR_DLL"))
    parser.add_argument("--hubs", default="alpha,beta,gamma,default")
    parser.add_argument("--hub-prefix", default="capi-")
    parser.add_argument("--optional", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    if os.environ.get("DT_SIDECAR_ADDRESS"):
        return subprocess.call(command)

    available = bool(args.dll) and (os.path.exists(args.dll) or build_sidecar(args.dll))
    if not available:
        if args.optional:
            return subprocess.call(command)
        print("no sidecar: DT_SIDECAR_DLL is unset or cannot be built", file=sys.stderr)
        return SKIP

    sidecar = subprocess.Popen(
        ["dotnet", args.dll, "--port", "0", "--hubs", args.hubs, "--hub-prefix", args.hub_prefix],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        address = wait_for_port(sidecar, timeout=120)
        if address is None:
            print("the sidecar did not announce its port", file=sys.stderr)
            return 1
        environment = dict(os.environ, DT_SIDECAR_ADDRESS=address)
        return subprocess.call(command, env=environment)
    finally:
        stop(sidecar)


if __name__ == "__main__":
    sys.exit(main())
