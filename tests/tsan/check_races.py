#!/usr/bin/env python3
"""Runs a test program under ThreadSanitizer and judges its race reports.

Debian's gRPC is not built with ThreadSanitizer, so TSan cannot see the atomics and locks
inside libgrpc and reports races there that are not real. This wrapper lets the program
run to its end, then reads every report and fails when either access of a race happens
in our own code (the first frame outside the sanitizer runtime lies in one of our source
folders). Reports whose racing accesses are both inside gRPC or its libraries are counted
and listed by their top frame, not failed.

usage: check_races.py SOURCE_ROOT PROGRAM [ARGS...]
"""
import collections
import glob
import os
import re
import subprocess
import sys
import tempfile

OUR_FOLDERS = ("/cpp/", "/capi/", "/tests/", "/examples/", "/bench/")
FRAME = re.compile(r"^\s+#\d+ (?P<function>.+?) (?P<location>\S+) \((?P<module>[^)+]+)")


def top_frame(block):
    for line in block.splitlines():
        match = FRAME.match(line)
        if not match:
            continue
        if "libtsan" in match.group("module") or "sanitizer_common" in match.group("location"):
            continue
        # Inlined standard-library templates belong to whoever called them.
        if match.group("location").startswith("/usr/include/c++/"):
            continue
        return match.group("function"), match.group("location")
    return ("?", "?")


def is_ours(location, source_root):
    # Compilers record our files relative to the build folder ("../cpp/src/...") or
    # under the source root; system headers (gRPC's templates) live under /usr.
    if location.startswith("/"):
        if not location.startswith(source_root + "/"):
            return False
        location = location[len(source_root):]
    location = "/" + location.lstrip("./")
    return any(location.startswith(folder) for folder in OUR_FOLDERS)


def main():
    source_root = os.path.realpath(sys.argv[1])
    program = sys.argv[2:]
    log_dir = tempfile.mkdtemp(prefix="tsan-")
    options = os.environ.get("TSAN_OPTIONS", "")
    # color=never: deciding on colour calls isatty() on the report file, which can leave
    # ENOTTY in errno on a thread inside gRPC's connect path and fail the connection.
    env = dict(os.environ,
               TSAN_OPTIONS=f"{options} color=never halt_on_error=0 exitcode=0 log_path={log_dir}/report")
    result = subprocess.run(program, env=env)

    text = "".join(open(path, errors="replace").read() for path in glob.glob(f"{log_dir}/report*"))
    reports = text.split("WARNING: ThreadSanitizer:")[1:]
    ours, theirs = [], collections.Counter()
    for report in reports:
        kind = report.split("(")[0].strip()
        sections = re.split(r"\n\s*(?=Previous |Location is|Mutex |Thread T)", report)
        accesses = [s for s in sections if re.match(r"\s*(Previous )?(Read|Write|Atomic)", s.lstrip()) or s is sections[0]]
        frames = [top_frame(s) for s in accesses[:2]]
        # Races ("data race", "data race on vptr") are judged by their accesses; any
        # other kind of report (lock-order inversion, ...) counts as ours.
        if not kind.startswith("data race") or any(is_ours(location, source_root) for _, location in frames):
            ours.append(report)
        else:
            theirs[frames[0][0][:100]] += 1

    print(f"ThreadSanitizer: {len(reports)} reports; {len(ours)} touch our code; "
          f"{sum(theirs.values())} lie inside uninstrumented gRPC and are not judged")
    for function, count in theirs.most_common(5):
        print(f"  {count:5d}  {function}")
    for report in ours[:5]:
        print("WARNING: ThreadSanitizer:" + report[:4000])
    if result.returncode != 0:
        print(f"the program itself failed with exit code {result.returncode}")
        return result.returncode
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
