#!/usr/bin/env python3
"""Runs the whole bench in one go and writes bench/results/results.{md,json}.

    python3 bench/run.py [--build-dir DIR] [--quick] [--skip-build] [--no-instructions]

Builds what it needs (meson and ninja for the native programs, dotnet for the .NET
contender and Microsoft's sidecar), makes a throw-away CA and server certificate,
starts the no-op server, runs every contender in every scenario against it, then does
the end-to-end runs against Microsoft's sidecar. The bench reports; it never fails on a
figure. It exits non-zero only when something could not run at all.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# Hubs and durations of a full run, and of a quick one (for trying the bench out).
# Throughput runs in eight rounds of 1.5 s per contender and concurrency (12 s measured
# in all), so that a burst of outside load spoils one round rather than a whole figure,
# and a comparison is the median of eight ratios taken within rounds.
# New-hub latency runs in five rounds of 200 new hubs per contender and transport.
FULL = dict(new_hubs=200, new_hub_warmup=20, new_hub_rounds=5, many_hubs=1000, events_per_hub=10,
            memory_clients=10000, rounds=8, round_ms=1500, warmup_ms=700,
            e2e_hubs=200, e2e_rounds=2, e2e_round_ms=2500)
QUICK = dict(new_hubs=50, new_hub_warmup=5, new_hub_rounds=2, many_hubs=100, events_per_hub=10,
             memory_clients=2000, rounds=2, round_ms=1000, warmup_ms=300,
             e2e_hubs=50, e2e_rounds=1, e2e_round_ms=1000)

NEW_HUB_CONTENDERS = ["raw-channel-per-client", "raw-shared-channel", "raw-shared-callback",
                      "cpp-blocking", "cpp-async", "capi-blocking", "capi-async",
                      "dotnet-per-client", "dotnet-shared"]
# The -anchored and -ua raw contenders are diagnostics: each adds one thing our client
# does to the raw stub, at the concurrency where it matters. Contenders compared with each
# other run next to each other, so that they see the same outside load.
THROUGHPUT_CONTENDERS = {
    1: ["raw-sync", "raw-sync-anchored", "cpp-blocking", "capi-blocking", "capi-async",
        "cpp-async", "raw-callback", "dotnet-shared"],
    64: ["raw-sync", "cpp-blocking", "capi-blocking", "capi-async", "cpp-async",
         "raw-callback", "raw-callback-ua", "dotnet-shared"],
}
MANY_HUB_CONTENDERS = ["cpp-factory", "capi-factory", "raw-channel-per-client",
                       "dotnet-per-client", "dotnet-shared"]
E2E_NEW_HUB_CONTENDERS = ["raw-channel-per-client", "raw-shared-channel", "cpp-blocking",
                          "capi-blocking", "dotnet-per-client", "dotnet-shared"]
E2E_THROUGHPUT_CONTENDERS = ["raw-callback", "cpp-async", "capi-async", "dotnet-shared"]

# Counted under callgrind with --instructions: what one call costs the client process in
# instructions and heap allocations, a figure that outside load does not move.
INSTRUCTION_CONTENDERS = [(1, ["raw-sync", "raw-sync-anchored", "cpp-blocking", "capi-blocking"]),
                          (64, ["raw-callback", "raw-callback-ua", "cpp-async", "capi-async"])]

# Memory runs: contender, transport, hub-name prefix. Names built from the short prefix
# stay within the 15 bytes std::string keeps inline; the long ones are a realistic
# 20-byte tenant hub name, which every copy of the name then allocates.
MEMORY_RUNS = [
    ("cpp-factory", "plaintext", "m-"),
    ("cpp-factory", "plaintext", "tenant-hub-name-"),
    ("cpp-factory", "tls", "m-"),
    ("capi-factory", "plaintext", "m-"),
    ("dotnet-shared", "plaintext", "m-"),
    ("dotnet-per-client", "plaintext", "m-"),
]


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load_average():
    return round(os.getloadavg()[0], 2)


class Build:
    """Where the programs are, building them first unless told not to."""

    def __init__(self, build_dir, skip):
        self.dir = Path(build_dir)
        self.dotnet = shutil.which("dotnet") is not None
        self.seconds = 0.0
        if not skip:
            self._build()
        self.sidecar_dll = self.dir / "tests" / "sidecar-bin" / "Sidecar.dll"
        self.dotnet_dll = self.dir / "bench" / "dotnet-bin" / "DtBench.dll"

    def _build(self):
        start = time.monotonic()
        if not (self.dir / "build.ninja").exists():
            log(f"configuring {self.dir}")
            subprocess.run(["meson", "setup", str(self.dir), "-Dbuildtype=release",
                            "-Dtests=false", "-Dbench=true",
                            f"-Dintegration={'true' if self.dotnet else 'false'}"],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        targets = ["bench/noop_server", "bench/bench_raw", "bench/bench_cpp",
                   "bench/bench_capi"]
        if self.dotnet:
            targets += ["bench/dotnet-bin.stamp", "tests/sidecar-bin.stamp"]
        log("building " + ", ".join(targets))
        subprocess.run(["ninja", "-C", str(self.dir)] + targets, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        self.seconds = time.monotonic() - start

    def command(self, contender):
        family = contender.split("-", 1)[0]
        if family == "dotnet":
            return ["dotnet", str(self.dotnet_dll)]
        program = {"raw": "bench_raw", "cpp": "bench_cpp", "capi": "bench_capi"}[family]
        return [str(self.dir / "bench" / program)]


class NoopServer:
    """The no-op sidecar, driven through its stdin."""

    def __init__(self, program, cert, key):
        self.process = subprocess.Popen([program, "--tls-cert", cert, "--tls-key", key],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)
        line = self.process.stdout.readline().split()
        if not line or line[0] != "LISTENING":
            raise RuntimeError("the no-op server did not start")
        fields = dict(part.split("=", 1) for part in line[1:])
        self.plaintext = fields["plaintext"]
        self.tls = fields["tls"]

    def _ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def reset(self):
        self._ask("reset")
        return json.loads(self._ask("stats"))["cpu_seconds"]

    def stats(self):
        return json.loads(self._ask("stats"))

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


class Sidecar:
    """Microsoft's in-memory sidecar (tests/sidecar); hubs named e2e-... come on first use."""

    def __init__(self, dll):
        self.process = subprocess.Popen(["dotnet", str(dll), "--port", "0",
                                         "--bare-hub-prefix", "e2e-"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)
        line = self.process.stdout.readline().split()
        if len(line) != 2 or line[0] != "LISTENING":
            raise RuntimeError("the sidecar did not start")
        self.address = line[1]

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=15)


class Bench:
    def __init__(self, build, sizes, certs):
        self.build = build
        self.sizes = sizes
        self.certs = certs
        self.records = []
        self.failures = []
        self.phases = []

    def run(self, contender, scenario, options, server=None, note=None):
        """Runs one contender program and returns its result lines, with what the no-op
        server saw during the run added to each."""
        command = self.build.command(contender) + [scenario, "--contender", contender]
        for name, value in options.items():
            command += [f"--{name}", str(value)]
        server_cpu_before = server.reset() if server else None
        load = load_average()
        started = time.monotonic()
        try:
            finished = subprocess.run(command, capture_output=True, text=True, timeout=300,
                                      cwd=ROOT)
        except subprocess.TimeoutExpired:
            self._failed(contender, scenario, options, "timed out after 300 s")
            return []
        if finished.returncode != 0:
            self._failed(contender, scenario, options,
                         finished.stderr.strip()[-2000:] or f"exit {finished.returncode}")
            return []
        lines = [json.loads(line) for line in finished.stdout.splitlines()
                 if line.startswith("{")]
        seen = server.stats() if server else None
        for line in lines:
            line["load_average"] = load
            line["run_seconds"] = round(time.monotonic() - started, 3)
            if note:
                line["note"] = note
            if seen:
                line["server_seen"] = {key: seen[key] for key in ("plaintext", "tls")}
                line["server_cpu_seconds"] = seen["cpu_seconds"] - server_cpu_before
            self.records.append(line)
        return lines

    def _failed(self, contender, scenario, options, message):
        log(f"FAILED {scenario} {contender}: {message}")
        self.failures.append(dict(contender=contender, scenario=scenario,
                                  options={k: str(v) for k, v in options.items()},
                                  error=message))

    def phase(self, name, action):
        log(f"{name} (load {load_average()})")
        started = time.monotonic()
        load_before = load_average()
        action()
        self.phases.append(dict(name=name, seconds=round(time.monotonic() - started, 1),
                                load_before=load_before, load_after=load_average()))

    def available(self, contender):
        return not contender.startswith("dotnet") or self.build.dotnet

    # Scenarios against the no-op server ---------------------------------------------

    def new_hub(self, server):
        """Rounds of every contender, the order reversed every other round, each round with
        hubs of its own; a round is one process per contender and transport."""
        for round_number in range(self.sizes["new_hub_rounds"]):
            order = (NEW_HUB_CONTENDERS if round_number % 2 == 0
                     else list(reversed(NEW_HUB_CONTENDERS)))
            for transport in ("plaintext", "tls"):
                address = server.plaintext if transport == "plaintext" else server.tls
                for contender in order:
                    if not self.available(contender):
                        continue
                    for line in self.run(
                            contender, "new-hub",
                            {"address": address, "transport": transport,
                             "ca": self.certs["ca"], "hubs": self.sizes["new_hubs"],
                             "warmup": self.sizes["new_hub_warmup"],
                             "hub-prefix": f"nh-{round_number}-{transport}-{contender}-"},
                            server):
                        line["round"] = round_number

    def throughput(self, server, address, contenders, inflights, rounds, round_ms,
                   server_label="noop", hub="bench-hub"):
        """Each contender runs `rounds` times per concurrency, the order reversed every
        other round, so that a slow drift of the machine falls on all contenders alike."""
        for inflight in inflights:
            for round_number in range(rounds):
                names = contenders[inflight] if isinstance(contenders, dict) else contenders
                order = names if round_number % 2 == 0 else list(reversed(names))
                for contender in order:
                    if not self.available(contender):
                        continue
                    for line in self.run(contender, "throughput",
                                         {"address": address, "inflight": inflight,
                                          "hub": hub, "server": server_label,
                                          "warmup-ms": self.sizes["warmup_ms"],
                                          "measure-ms": round_ms}, server):
                        line["round"] = round_number

    def many_hubs(self, server):
        for contender in MANY_HUB_CONTENDERS:
            if not self.available(contender):
                continue
            self.run(contender, "many-hubs",
                     {"plaintext-address": server.plaintext, "tls-address": server.tls,
                      "ca": self.certs["ca"], "transport": "plaintext+tls",
                      "hubs": self.sizes["many_hubs"],
                      "events": self.sizes["events_per_hub"],
                      "hub-prefix": f"mh-{contender}-"}, server)

    def memory(self, server):
        for contender, transport, prefix in MEMORY_RUNS:
            if not self.available(contender):
                continue
            address = server.plaintext if transport == "plaintext" else server.tls
            for line in self.run(contender, "memory",
                                 {"address": address, "transport": transport,
                                  "ca": self.certs["ca"], "hub-prefix": prefix,
                                  "clients": self.sizes["memory_clients"]}, server):
                line["hub_name_example"] = prefix + str(self.sizes["memory_clients"] - 1)

    def instructions(self, server, work_dir):
        """Instructions and allocations per call, from two callgrind runs of different
        length (their difference leaves out start-up and shut-down).

        A run's instructions per call, start-up included, should fall as the run gets
        longer. When the longer run costs clearly more per call, something outside the
        call path ran in it (seen once on a loaded machine: a 3 s run with under half the
        calls of a normal one and about 2 G instructions more; the cause was not found):
        the pair is measured again, at most twice, and every pair tried is kept."""
        for inflight, contenders in INSTRUCTION_CONTENDERS:
            for contender in contenders:
                pairs = []
                for _ in range(3):
                    counts = self._callgrind_pair(server, work_dir, contender, inflight)
                    if counts is None:
                        break
                    pairs.append(counts)
                    (c1, i1, _), (c2, i2, _) = counts
                    if c2 > c1 and i2 / c2 <= 1.1 * (i1 / c1):
                        break
                if not pairs:
                    continue
                # The pair whose long run cost least per call: the last one, unless
                # every pair tried looked disturbed.
                (c1, i1, m1), (c2, i2, m2) = min(pairs, key=lambda p: p[1][1] / max(p[1][0], 1))
                if c2 > c1:
                    self.records.append(dict(
                        scenario="instructions", contender=contender, server="noop",
                        transport="plaintext", inflight=inflight, calls=[c1, c2],
                        instructions_per_call=(i2 - i1) / (c2 - c1),
                        allocations_per_call=(m2 - m1) / (c2 - c1),
                        pairs_tried=[[list(run) for run in pair] for pair in pairs]))

    def _callgrind_pair(self, server, work_dir, contender, inflight):
        """(calls, instructions, mallocs) for a 1 s and a 3 s run, or None on failure."""
        counts = []
        for measure_ms in (1000, 3000):
            out = Path(work_dir, f"callgrind-{contender}-{measure_ms}.out")
            server.reset()
            command = (["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
                       + self.build.command(contender)
                       + ["throughput", "--contender", contender, "--address",
                          server.plaintext, "--inflight", str(inflight),
                          "--warmup-ms", "200", "--measure-ms", str(measure_ms)])
            finished = subprocess.run(command, capture_output=True, text=True,
                                      timeout=300, cwd=ROOT)
            if finished.returncode != 0 or not out.exists():
                self._failed(contender, "instructions", {"inflight": inflight},
                             finished.stderr.strip()[-500:])
                return None
            calls = server.stats()["plaintext"]["calls"]["RaiseEvent"]
            counts.append((calls,) + callgrind_counts(out))
        return counts

    # End to end, against Microsoft's sidecar ----------------------------------------

    def end_to_end(self):
        if not self.build.dotnet or not self.build.sidecar_dll.exists():
            log("no sidecar (dotnet missing): skipping the end-to-end runs")
            return
        sidecar = Sidecar(self.build.sidecar_dll)
        try:
            hubs = self.sizes["e2e_hubs"]
            warmup = self.sizes["new_hub_warmup"]
            # The instance the events go to must exist, or the sidecar answers NOT_FOUND.
            # A separate process starts it in every hub, so each hub is still new to the
            # contender that uses it.
            for contender in E2E_NEW_HUB_CONTENDERS:
                self._prepare(sidecar, {"hub-prefix": f"e2e-{contender}-", "hubs": hubs,
                                        "warmup": warmup})
            self._prepare(sidecar, {"hub": "e2e-throughput"})

            for contender in E2E_NEW_HUB_CONTENDERS:
                if self.available(contender):
                    self.run(contender, "new-hub",
                             {"address": sidecar.address, "server": "sidecar",
                              "hubs": hubs, "warmup": warmup,
                              "hub-prefix": f"e2e-{contender}-"})
            self.throughput(None, sidecar.address, E2E_THROUGHPUT_CONTENDERS, [64],
                            self.sizes["e2e_rounds"], self.sizes["e2e_round_ms"],
                            server_label="sidecar", hub="e2e-throughput")
        finally:
            sidecar.stop()

    def _prepare(self, sidecar, options):
        command = self.build.command("cpp-") + ["prepare", "--address", sidecar.address]
        for name, value in options.items():
            command += [f"--{name}", str(value)]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def dotnet_client_types(build):
    """What Microsoft's client packages offer for making clients (their versions, and
    whether there is an IDurableTaskClientFactory), read from the packages themselves by
    the .NET contender program; None without dotnet."""
    if not build.dotnet or not build.dotnet_dll.exists():
        return None
    finished = subprocess.run(build.command("dotnet-") + ["client-types"], capture_output=True,
                              text=True, timeout=120, cwd=ROOT)
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[0]) if finished.returncode == 0 and lines else None


def callgrind_counts(path):
    """Total instructions, and calls to malloc, in one callgrind output file."""
    names = {}
    callee = None
    instructions = 0
    allocations = 0
    with open(path) as profile:
        for line in profile:
            if line.startswith(("summary:", "totals:")) and not instructions:
                instructions = int(line.split()[1])
            elif line.startswith(("fn=", "cfn=")):
                key, _, rest = line.strip().partition("=")
                ident, _, name = rest.partition(" ")
                if name:
                    names[ident] = name
                if key == "cfn":
                    callee = names.get(ident)
            elif line.startswith("calls=") and callee == "malloc":
                allocations += int(line[6:].split()[0])
    return instructions, allocations


def make_certificates(directory):
    """A CA and a server certificate for 127.0.0.1 and localhost, signed by it."""
    def openssl(*arguments):
        subprocess.run(["openssl", *arguments], cwd=directory, check=True,
                       capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=durabletask bench CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
            "-out", "server.csr", "-subj", "/CN=localhost")
    Path(directory, "server.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    return {name: str(Path(directory, name + ".pem")) if name != "key"
            else str(Path(directory, "server.key"))
            for name in ("ca", "server", "key")}


def command_output(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine_description():
    cpu = ""
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = command_output(["git", "rev-parse", "--short", "HEAD"])
    dirty = command_output(["git", "status", "--porcelain", "--untracked-files=no"])
    return dict(cpu=cpu, cores=os.cpu_count(), kernel=platform.release(),
                memory_gib=round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
                                 / 2**30, 1),
                grpc=command_output(["pkg-config", "--modversion", "grpc++"]),
                protobuf=command_output(["pkg-config", "--modversion", "protobuf"]),
                dotnet=command_output(["dotnet", "--version"]) if shutil.which("dotnet")
                else None,
                commit=commit + (" with uncommitted changes" if dirty else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=str(ROOT / "build-bench"))
    parser.add_argument("--quick", action="store_true",
                        help="fewer hubs and shorter runs, for trying the bench out")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--no-install", action="store_true",
                        help="do not run scripts/install-deps.sh first (it runs only as root)")
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--no-instructions", action="store_true",
                        help="skip counting instructions and allocations per call under "
                             "callgrind (about a minute; skipped anyway without valgrind)")
    arguments = parser.parse_args()

    started = time.monotonic()
    started_at = datetime.datetime.now(datetime.timezone.utc)
    if not arguments.no_install and not arguments.skip_build and os.geteuid() == 0:
        # On a fresh machine this installs the compilers, gRPC, valgrind and openssl; on a
        # prepared one it only checks the package list.
        subprocess.run([str(ROOT / "scripts" / "install-deps.sh")], check=True,
                       stdout=subprocess.DEVNULL)
    load_at_start = os.getloadavg()
    build = Build(arguments.build_dir, arguments.skip_build)
    sizes = QUICK if arguments.quick else FULL

    with tempfile.TemporaryDirectory(prefix="dt-bench-") as certificate_dir:
        certs = make_certificates(certificate_dir)
        bench = Bench(build, sizes, certs)
        server = NoopServer(str(build.dir / "bench" / "noop_server"), certs["server"],
                            certs["key"])
        try:
            bench.phase("new-hub latency", lambda: bench.new_hub(server))
            bench.phase("steady throughput", lambda: bench.throughput(
                server, server.plaintext, THROUGHPUT_CONTENDERS, [1, 64], sizes["rounds"],
                sizes["round_ms"]))
            bench.phase("many hubs", lambda: bench.many_hubs(server))
            bench.phase("memory", lambda: bench.memory(server))
            if arguments.no_instructions or not shutil.which("valgrind"):
                log("not counting instructions per call")
            else:
                bench.phase("instructions per call (callgrind)",
                            lambda: bench.instructions(server, certificate_dir))
        finally:
            server.stop()
        bench.phase("end to end (Microsoft's sidecar)", bench.end_to_end)

    meta = dict(started=started_at.isoformat(timespec="seconds"),
                dotnet_client_types=dotnet_client_types(build),
                command=" ".join(["python3", "bench/run.py"] + sys.argv[1:]),
                quick=arguments.quick, sizes=sizes, machine=machine_description(),
                load_average_at_start=[round(x, 2) for x in load_at_start],
                load_average_at_end=[round(x, 2) for x in os.getloadavg()],
                build_seconds=round(build.seconds, 1),
                total_seconds=round(time.monotonic() - started, 1),
                phases=bench.phases, failures=bench.failures)

    output = Path(arguments.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(
        json.dumps(dict(meta=meta, records=bench.records), indent=1) + "\n")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import report
    (output / "results.md").write_text(report.render(meta, bench.records))
    log(f"done in {meta['total_seconds']} s; wrote {output}/results.md and results.json")
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
