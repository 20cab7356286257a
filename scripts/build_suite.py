#!/usr/bin/env python3
"""Builds only what the tests of one suite need, so that sanitizer builds do not compile
every benchmark and example.

usage: build_suite.py BUILD_DIR SUITE [SUITE...]
"""
import json
import os
import subprocess
import sys


def introspect(build_dir, what):
    output = subprocess.run(["meson", "introspect", f"--{what}", build_dir],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def main():
    build_dir, suites = sys.argv[1], set(sys.argv[2:])
    # Regenerates the build first if a meson.build changed, so that the introspection
    # below knows every target and test.
    subprocess.run(["ninja", "-C", build_dir, "build.ninja"], check=True,
                   stdout=subprocess.DEVNULL)
    targets = {target["id"]: target for target in introspect(build_dir, "targets")}
    by_file = {os.path.realpath(name): target for target in targets.values()
               for name in target["filename"]}

    wanted = set()
    for test in introspect(build_dir, "tests"):
        if not suites & {suite.split(":")[-1] for suite in test["suite"]}:
            continue
        for word in test["cmd"]:
            target = by_file.get(os.path.realpath(word))
            if target:
                wanted.add(target["id"])
        wanted.update(test.get("depends", []))

    outputs = set()
    for target_id in wanted:
        if target_id in targets:
            for name in targets[target_id]["filename"]:
                outputs.add(os.path.relpath(name, build_dir))
    if not outputs:
        print(f"no tests in suites {sorted(suites)}", file=sys.stderr)
        return 1
    jobs = str(os.cpu_count() or 2)
    return subprocess.run(["ninja", "-C", build_dir, "-j", jobs, *sorted(outputs)]).returncode


if __name__ == "__main__":
    sys.exit(main())
