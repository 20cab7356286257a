"""Turns the records of a bench run into the Markdown results table.

Used by run.py; can also be run on its own to re-render a results.json:
    python3 bench/report.py bench/results/results.json > bench/results/results.md
"""

import json
import sys
from collections import defaultdict

# The targets, in one place so that the table and the text agree.
NEW_HUB_PLAINTEXT_FACTOR = 5
NEW_HUB_TLS_FACTOR = 10
CREATE_CLIENT_US = 5
THROUGHPUT_SHARE = 0.95
BYTES_PER_CLIENT = 1024
CAPI_TOLERANCE = 0.03


def number(value, digits=0):
    if value is None:
        return "–"
    if digits == 0 or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def micros(value):
    if value is None:
        return "–"
    return number(value, 1 if value < 100 else 0)


def percent(value):
    return "–" if value is None else f"{value * 100:.1f} %"


def factor(value):
    return "–" if value is None else f"{value:.1f}x"


def verdict(met):
    return "–" if met is None else ("met" if met else "**missed**")


def ratio(a, b):
    return a / b if a is not None and b else None


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def paired_median(mine, theirs):
    """The median, over the rounds both ran, of mine / theirs within a round; `mine` and
    `theirs` map a round's number to its figure. Rounds with the same number ran close
    together, so a drift of the machine's load between rounds falls on both sides of each
    ratio instead of on one contender's median."""
    return median(value / theirs[number] for number, value in mine.items()
                  if value is not None and theirs.get(number))


class Records:
    def __init__(self, records):
        self.records, self.new_hub_rounds = self._merge_new_hub_rounds(records)
        self.throughput = self._aggregate_throughput()

    @staticmethod
    def _merge_new_hub_rounds(records):
        """One new-hub record per server, contender and transport: each figure is the
        median over the rounds of that round's figure, and the server's counts are per
        round (the largest of the rounds). Also returns every round's median latency,
        by (server, contender, transport), for ratios paired within a round."""
        groups = defaultdict(list)
        order = []
        for record in records:
            if record.get("scenario") == "new-hub":
                key = (record["server"], record["contender"], record["transport"])
                if key not in groups:
                    order.append(key)
                groups[key].append(record)
        merged = {}
        by_round = {}
        for key in order:
            rounds = groups[key]
            record = dict(rounds[0])
            record["rounds"] = len(rounds)
            for stats in ("total_us", "create_us"):
                record[stats] = {name: median(r[stats].get(name) for r in rounds)
                                 for name in ("median", "p90", "p99")}
                record[stats]["count"] = sum(r[stats].get("count", 0) for r in rounds)
            for name in ("cold_first_us", "cpu_us_per_hub"):
                record[name] = median(r.get(name) for r in rounds)
            record["errors"] = sum(r.get("errors", 0) for r in rounds)
            if all("server_seen" in r for r in rounds):
                record["server_seen"] = {
                    transport: {name: max(r["server_seen"][transport][name] for r in rounds)
                                for name in ("connections", "task_hubs")}
                    for transport in ("plaintext", "tls")}
            merged[key] = record
            by_round[key] = {r.get("round", i): r["total_us"]["median"]
                             for i, r in enumerate(rounds)}
        others = [r for r in records if r.get("scenario") != "new-hub"]
        return [merged[key] for key in order] + others, by_round

    def new_hub_factor(self, slower, faster, transport="plaintext", server="noop"):
        """How many times lower `faster`'s new-hub median is than `slower`'s: the median,
        over the rounds, of the ratio within a round."""
        mine = self.new_hub_rounds.get((server, faster, transport))
        theirs = self.new_hub_rounds.get((server, slower, transport))
        if not mine or not theirs:
            return None
        return paired_median(theirs, mine)

    def one(self, scenario, contender, server="noop", **fields):
        for record in self.records:
            if (record.get("scenario") == scenario and record.get("contender") == contender
                    and record.get("server") == server
                    and all(record.get(k) == v for k, v in fields.items())):
                return record
        return None

    def _aggregate_throughput(self):
        """Rounds of one contender, in-flight count and server, added up."""
        groups = defaultdict(list)
        for record in self.records:
            if record.get("scenario") == "throughput":
                groups[(record["server"], record["contender"], record["inflight"])].append(record)
        totals = {}
        for key, rounds in groups.items():
            calls = sum(r["calls"] for r in rounds)
            seconds = sum(r["seconds"] for r in rounds)
            cpu = sum(r["cpu_seconds"] for r in rounds)
            server_cpu = sum(r.get("server_cpu_seconds", 0) for r in rounds)
            server_calls = sum(r["server_seen"]["plaintext"]["calls"]["RaiseEvent"]
                               for r in rounds if "server_seen" in r)
            totals[key] = dict(
                rate=median(r["calls_per_second"] for r in rounds),
                mean_rate=calls / seconds if seconds else None,
                rounds=[r["calls_per_second"] for r in rounds],
                by_round={r.get("round", i): r["calls_per_second"] for i, r in enumerate(rounds)},
                client_cpu_us=cpu * 1e6 / calls if calls else None,
                server_cpu_us=server_cpu * 1e6 / server_calls if server_calls else None,
                errors=sum(r["errors"] for r in rounds),
                loads=[r["load_average"] for r in rounds])
        return totals

    def share(self, contender, reference, inflight, server="noop"):
        """Calls per second of `contender` over `reference`: the median, over the rounds, of
        the ratio within a round (each round runs every contender once)."""
        mine = self.throughput.get((server, contender, inflight))
        theirs = self.throughput.get((server, reference, inflight))
        if not mine or not theirs:
            return None
        return paired_median(mine["by_round"], theirs["by_round"])

    def memory(self, contender, transport="plaintext"):
        """The memory run with short hub names (the headline case)."""
        for record in self.records:
            if (record.get("scenario") == "memory" and record["contender"] == contender
                    and record["transport"] == transport
                    and len(record.get("hub_name_example", "")) <= 15):
                return record
        return None

    def rate(self, contender, inflight, server="noop"):
        found = self.throughput.get((server, contender, inflight))
        return found["rate"] if found else None

    def new_hub_median(self, contender, transport="plaintext", server="noop"):
        record = self.one("new-hub", contender, server, transport=transport)
        return record["total_us"]["median"] if record else None


def render(meta, records):
    data = Records(records)
    out = []
    write = out.append
    machine = meta["machine"]

    write("# Bench results\n")
    write("Written by `python3 bench/run.py` (see [README](../README.md), and its "
          "[Findings](../README.md#findings) for why a target is missed); every figure below "
          "comes from the one run described here. The raw records are in "
          "[results.json](results.json).\n")
    command = f"`{meta['command']}`, " if meta.get("command") else ""
    write(f"- Run: {command}{meta['started']}, commit {machine['commit']}"
          + (" — **quick mode, not a full run**" if meta.get("quick") else ""))
    write(f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
          f"Linux {machine['kernel']}; gRPC {machine['grpc']}, protobuf {machine['protobuf']}, "
          f".NET SDK {machine['dotnet']}")
    write(f"- Load average (1 min) at start {meta['load_average_at_start'][0]}, at end "
          f"{meta['load_average_at_end'][0]}; build {meta['build_seconds']} s, whole run "
          f"{meta['total_seconds']} s")
    phases = ", ".join(f"{p['name']} {p['seconds']} s (load {p['load_before']} → "
                       f"{p['load_after']})" for p in meta["phases"])
    write(f"- Phases: {phases}")
    if meta["failures"]:
        write(f"- **{len(meta['failures'])} runs failed**: "
              + "; ".join(f"{f['scenario']} {f['contender']}: {f['error'][:200]}"
                          for f in meta["failures"]))
    write("")

    targets(data, write)
    new_hub(data, write)
    throughput(data, write)
    many_hubs(data, write)
    memory(data, write)
    instructions(data, write)
    capi(data, write)
    end_to_end(data, write)
    write("## How the contenders were made\n")
    write("- **raw-channel-per-client**: a new `grpc::Channel` per hub with "
          "`GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL`, so that every channel really opens its own "
          "TCP connection (gRPC otherwise shares subchannels between channels with equal "
          "arguments); TLS credentials are made once and shared by all channels, the cheapest "
          "a channel-per-client design can be. Channels stay alive, as live clients' would.")
    write("- **raw-shared-channel** / **raw-sync** / **raw-callback**: the generated stub on "
          "one channel; a new hub is only a different `taskhub` header. The stub sends that "
          "header and nothing else.")
    write("- **cpp-\\***: one `ClientFactory`; `CreateClient(hub)` then `RaiseEvent` / "
          "`RaiseEventAsync`. **capi-\\***: the same through `dt_factory_create_client` and "
          "`dt_client_raise_event[_async]`. Our client also sends `x-user-agent` on every call.")
    write("- **dotnet-per-client**: `Microsoft.DurableTask.Client.Grpc` "
          f"{dotnet_version(meta)}, a "
          "`GrpcChannel` with its own `SocketsHttpHandler` per client; **dotnet-shared**: one "
          "`GrpcChannel` per endpoint, a `GrpcDurableTaskClient` per hub on it. The hub "
          "travels as the `taskhub` header, added by an interceptor in "
          f"`GrpcDurableTaskClientOptions.Interceptors`. {dotnet_factory_text(meta)}")
    write("- Every contender raises the same event: instance `bench-instance`, name `tick`, "
          "payload `\"x\"`. Blocking forms keep N calls in flight with N threads; async forms "
          "start the next call from the completion of the last.")
    write("- TLS: a CA and a server certificate (RSA 2048, SAN 127.0.0.1) made by the bench "
          "with openssl for this run; every contender verifies the server against that CA.\n")
    return "\n".join(out) + "\n"


def targets(data, write):
    raw_plain = data.new_hub_median("raw-channel-per-client")
    raw_tls = data.new_hub_median("raw-channel-per-client", "tls")
    ours_plain = data.new_hub_median("cpp-blocking")
    ours_tls = data.new_hub_median("cpp-blocking", "tls")
    memory = data.memory("cpp-factory")
    create = memory["create_us"]["median"] if memory else None
    create_new_hub = data.one("new-hub", "cpp-blocking", transport="plaintext")
    async64 = data.share("cpp-async", "raw-callback", 64)
    async64_same_headers = data.share("cpp-async", "raw-callback-ua", 64)
    dotnet64 = data.share("cpp-async", "dotnet-shared", 64)
    dotnet1 = data.share("cpp-blocking", "dotnet-shared", 1)
    capi_worst = worst_capi_gap(data)

    write("## Targets\n")
    write("| target | figure in this run | verdict |")
    write("| --- | --- | --- |")
    plain_factor = data.new_hub_factor("raw-channel-per-client", "cpp-blocking")
    tls_factor = data.new_hub_factor("raw-channel-per-client", "cpp-blocking", "tls")
    ceiling_plain = data.new_hub_factor("raw-channel-per-client", "raw-shared-channel")
    ceiling_tls = data.new_hub_factor("raw-channel-per-client", "raw-shared-channel", "tls")
    write(f"| new hub, plaintext: ≥ {NEW_HUB_PLAINTEXT_FACTOR}x lower than channel-per-client | "
          f"{micros(ours_plain)} µs vs {micros(raw_plain)} µs median: {factor(plain_factor)}; "
          f"the ceiling, the raw stub on a shared channel: {factor(ceiling_plain)} | "
          f"{verdict(plain_factor and plain_factor >= NEW_HUB_PLAINTEXT_FACTOR)} |")
    write(f"| new hub, TLS: ≥ {NEW_HUB_TLS_FACTOR}x lower than channel-per-client | "
          f"{micros(ours_tls)} µs vs {micros(raw_tls)} µs median: {factor(tls_factor)}; "
          f"the ceiling: {factor(ceiling_tls)} | "
          f"{verdict(tls_factor and tls_factor >= NEW_HUB_TLS_FACTOR)} |")
    ahead = [data.new_hub_factor(d, "cpp-blocking", t)
             for t in ("plaintext", "tls") for d in ("dotnet-per-client", "dotnet-shared")]
    ahead_known = [a for a in ahead if a is not None]
    cpu = {(c, t): (data.one("new-hub", c, transport=t) or {}).get("cpu_us_per_hub")
           for c in ("cpp-blocking", "dotnet-shared") for t in ("plaintext", "tls")}
    write("| new hub: well ahead of Microsoft's .NET client | .NET per-client / shared over ours, "
          f"median: plaintext {factor(ahead[0])} / {factor(ahead[1])}, TLS {factor(ahead[2])} / "
          f"{factor(ahead[3])}; client CPU per hub, .NET shared over ours: plaintext "
          f"{factor(ratio(cpu[('dotnet-shared', 'plaintext')], cpu[('cpp-blocking', 'plaintext')]))}"
          f", TLS {factor(ratio(cpu[('dotnet-shared', 'tls')], cpu[('cpp-blocking', 'tls')]))}; "
          f"the ceiling, .NET shared over the raw stub on a shared channel: plaintext "
          f"{factor(data.new_hub_factor('dotnet-shared', 'raw-shared-channel'))}, TLS "
          f"{factor(data.new_hub_factor('dotnet-shared', 'raw-shared-channel', 'tls'))} | "
          f"{verdict(min(ahead_known) > 1.5 if ahead_known else None)} |")
    create_p = create_new_hub["create_us"]["median"] if create_new_hub else None
    write(f"| `CreateClient` under {CREATE_CLIENT_US} µs | median {micros(create)} µs over "
          f"{memory['clients'] if memory else '–'} clients (p99 "
          f"{micros(memory['create_us']['p99'] if memory else None)} µs); "
          f"{micros(create_p)} µs between calls in the new-hub run | "
          f"{verdict(create is not None and create < CREATE_CLIENT_US)} |")
    counted = instruction_ratio(data, "cpp-async", "raw-callback")
    counted_text = (f"; client instructions per call {counted:.3f}x the raw stub's"
                    if counted else "")
    counted_same = instruction_ratio(data, "cpp-async", "raw-callback-ua")
    counted_same_text = (f"; client instructions per call {counted_same:.3f}x that stub's"
                         if counted_same else "")
    write(f"| throughput, 64 in flight: ≥ {THROUGHPUT_SHARE:.0%} of the raw stub | cpp-async "
          f"{number(data.rate('cpp-async', 64))}/s vs raw-callback "
          f"{number(data.rate('raw-callback', 64))}/s: {percent(async64)} (median of the "
          f"rounds' ratios){counted_text} | "
          f"{verdict(async64 and async64 >= THROUGHPUT_SHARE)} |")
    write(f"| the same, against the raw stub sending the same headers (`taskhub` and the "
          f"`x-user-agent` every Durable Task client sends) | cpp-async vs raw-callback-ua "
          f"{number(data.rate('raw-callback-ua', 64))}/s: {percent(async64_same_headers)}"
          f"{counted_same_text} | "
          f"{verdict(async64_same_headers and async64_same_headers >= THROUGHPUT_SHARE)} |")
    write(f"| throughput: ahead of Microsoft's .NET client | 64 in flight {factor(dotnet64)}, "
          f"1 in flight {factor(dotnet1)} | {verdict(dotnet64 and dotnet1 and min(dotnet64, dotnet1) > 1)} |")
    native_memory = [r for r in data.records if r.get("scenario") == "memory"
                     and r["contender"] in ("cpp-factory", "capi-factory")]
    worst = max(native_memory, key=lambda r: r["rss_bytes_per_client"], default=None)
    cases = "; ".join(
        f"{r['contender']} {r['transport']} `{r.get('hub_name_example', '')}` "
        f"{number(r['rss_bytes_per_client'])}" for r in native_memory)
    write(f"| memory: ≤ {BYTES_PER_CLIENT} bytes per live client | RSS bytes per client, every "
          f"native case: {cases or '–'} | "
          f"{verdict(worst is not None and worst['rss_bytes_per_client'] <= BYTES_PER_CLIENT)} |")
    if capi_worst:
        name, gap = capi_worst
        counted = [(form, instruction_ratio(data, f"capi-{form}", f"cpp-{form}"))
                   for form in ("blocking", "async")]
        counted_text = "".join(f"; {form} instructions per call {value:.3f}x the C++ client's"
                               for form, value in counted if value)
        write(f"| C ABI within {CAPI_TOLERANCE:.0%} of the C++ client | largest gap in calls/s: "
              f"{name}, {percent(gap)}{counted_text} | {verdict(gap <= CAPI_TOLERANCE)} |")
    for contender in ("cpp-factory", "capi-factory"):
        record = data.one("many-hubs", contender, transport="plaintext+tls")
        if record:
            seen = record["server_seen"]
            connections = (seen["plaintext"]["connections"], seen["tls"]["connections"])
            write(f"| many hubs ({contender}): exactly 1 connection per endpoint and TLS setting | "
                  f"{connections[0]} plaintext, {connections[1]} TLS | "
                  f"{verdict(connections == (1, 1))} |")
    write("")


def instruction_ratio(data, contender, reference):
    counts = {r["contender"]: r["instructions_per_call"] for r in data.records
              if r.get("scenario") == "instructions"}
    return ratio(counts.get(contender), counts.get(reference))


def capi_gaps(data):
    """C ABI against the C++ client: how much worse, as a fraction (negative: better)."""
    gaps = []
    for form in ("blocking", "async"):
        for inflight in (1, 64):
            cpp = data.rate(f"cpp-{form}", inflight)
            c = data.rate(f"capi-{form}", inflight)
            share = data.share(f"capi-{form}", f"cpp-{form}", inflight)
            if cpp and c and share:
                gaps.append((f"throughput {form}, {inflight} in flight", cpp, c, 1 - share,
                             "calls/s"))
            cpp = data.throughput.get(("noop", f"cpp-{form}", inflight))
            c = data.throughput.get(("noop", f"capi-{form}", inflight))
            if cpp and c and cpp["client_cpu_us"] and c["client_cpu_us"]:
                gaps.append((f"client CPU per call, {form}, {inflight} in flight",
                             cpp["client_cpu_us"], c["client_cpu_us"],
                             c["client_cpu_us"] / cpp["client_cpu_us"] - 1, "µs"))
        for transport in ("plaintext", "tls"):
            cpp = data.new_hub_median(f"cpp-{form}", transport)
            c = data.new_hub_median(f"capi-{form}", transport)
            paired = data.new_hub_factor(f"capi-{form}", f"cpp-{form}", transport)
            if cpp and c and paired:
                gaps.append((f"new hub {form}, {transport}, median", cpp, c, paired - 1, "µs"))
    cpp = data.memory("cpp-factory")
    c = data.memory("capi-factory")
    if cpp and c:
        gaps.append(("memory per client (heap)", cpp["heap_bytes_per_client"],
                     c["heap_bytes_per_client"],
                     c["heap_bytes_per_client"] / cpp["heap_bytes_per_client"] - 1, "bytes"))
        gaps.append(("create client, median", cpp["create_us"]["median"],
                     c["create_us"]["median"],
                     c["create_us"]["median"] / cpp["create_us"]["median"] - 1, "µs"))
    return gaps


def worst_capi_gap(data):
    gaps = [(name, gap) for name, _, _, gap, unit in capi_gaps(data) if unit == "calls/s"]
    return max(gaps, key=lambda g: g[1]) if gaps else None


def new_hub(data, write):
    write("## New-hub latency (no-op server)\n")
    write("Create a client for a hub never used before and raise one event through it; "
          f"{hub_count(data)} hubs after warm-up hubs, every client kept alive. "
          f"{rounds_text(data)}"
          "\"first call\" is the very first warm-up hub: for the shared-connection "
          "contenders it includes opening the connection. Connections and hubs are what the "
          "server saw during one round (warm-up included).\n")
    for transport in ("plaintext", "tls"):
        write(f"**{transport}**\n")
        write("| contender | median µs | p99 µs | create median µs | create p99 µs | first call µs "
              "| client CPU µs/hub | channel-per-client ÷ this | connections | hubs |")
        write("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for record in [r for r in data.records if r.get("scenario") == "new-hub"
                       and r["server"] == "noop" and r["transport"] == transport]:
            seen = record["server_seen"][transport]
            create = record["create_us"]
            write(f"| {record['contender']} | {micros(record['total_us']['median'])} | "
                  f"{micros(record['total_us']['p99'])} | "
                  f"{micros(create.get('median')) if create.get('median') else '–'} | "
                  f"{micros(create.get('p99')) if create.get('p99') else '–'} | "
                  f"{micros(record['cold_first_us'])} | "
                  f"{micros(record.get('cpu_us_per_hub'))} | "
                  f"{factor(data.new_hub_factor('raw-channel-per-client', record['contender'], transport))} | "
                  f"{seen['connections']} | {seen['task_hubs']} |")
        write("")


def rounds_text(data):
    record = next((r for r in data.records if r.get("scenario") == "new-hub"), None)
    if not record or record.get("rounds", 1) < 2:
        return ""
    return (f"Each contender ran {record['rounds']} rounds, each a new process with new hubs, "
            "the order of contenders reversed every other round; every figure is the median "
            "over the rounds of the round's figure, and \"channel-per-client ÷ this\" the "
            "median of the ratios within a round. ")


def dotnet_version(meta):
    types = meta.get("dotnet_client_types") or {}
    return types.get("versions", {}).get("Microsoft.DurableTask.Client.Grpc", "1.28.0")


def dotnet_factory_text(meta):
    """Whether Microsoft's package has a client factory, as the .NET program read it from
    the package in this run (older results files carry a sentence instead)."""
    if "dotnet_client_factory" in meta:
        return f"{meta['dotnet_client_factory']}, so there is no factory contender from Microsoft."
    types = meta.get("dotnet_client_types")
    if not types:
        return "Microsoft's packages were not inspected in this run (no dotnet)."
    version = types.get("versions", {}).get("Microsoft.DurableTask.Client", "?")
    makers = ", ".join(f"`{name.rsplit('.', 1)[-1]}`" for name in types["client_maker_types"])
    if types.get("has_client_factory"):
        return (f"Microsoft.DurableTask.Client {version} has an `IDurableTaskClientFactory` "
                "(read from the package in this run); the bench has no contender for it yet.")
    return (f"Microsoft.DurableTask.Client {version} has no `IDurableTaskClientFactory` (read "
            "from the package in this run; the public types that make or hand out clients: "
            f"{makers or 'none'}), so there is no factory contender from Microsoft.")


def hub_count(data):
    record = next((r for r in data.records if r.get("scenario") == "new-hub"), None)
    return f"{record['hubs']} measured, {record['warmup_hubs']}" if record else "–"


def throughput(data, write):
    write("## Steady throughput (no-op server)\n")
    write("RaiseEvent on one client, closed loop. Each contender ran in rounds, each round "
          "a new process with its own warm-up, the order of contenders reversed every other "
          "round. Calls per second is the median of the rounds (all rounds are listed), so "
          "that a burst of outside load spoils one round rather than the figure; \"vs raw\" is "
          "the median of the ratios within each round, as the contenders of one round ran "
          "close together. CPU is per "
          "call, summed over the rounds: the contender's process (all threads) and the no-op "
          "server's. Client and server share the machine's two cores, so a cheaper client "
          "also leaves more CPU to the server.\n")
    write("| contender | in flight | calls/s | rounds | vs raw (same form) | client CPU µs/call "
          "| server CPU µs/call | errors |")
    write("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for inflight in (1, 64):
        for contender in ("raw-sync", "raw-sync-anchored", "raw-callback", "raw-callback-ua",
                          "cpp-blocking", "cpp-async", "capi-blocking", "capi-async",
                          "dotnet-shared"):
            found = data.throughput.get(("noop", contender, inflight))
            if not found:
                continue
            blocking = contender in ("raw-sync-anchored", "cpp-blocking", "capi-blocking")
            reference = "raw-sync" if blocking else "raw-callback"
            share = data.share(contender, reference, inflight)
            write(f"| {contender} | {inflight} | {number(found['rate'])} | "
                  f"{' / '.join(number(r) for r in found['rounds'])} | "
                  f"{percent(share) if contender not in ('raw-sync', 'raw-callback') else '–'} | "
                  f"{micros(found['client_cpu_us'])} | {micros(found['server_cpu_us'])} | "
                  f"{found['errors']} |")
    write("")
    write("\"vs raw\": blocking forms against raw-sync, callback forms (and .NET) against "
          "raw-callback, at the same number of calls in flight. raw-callback-ua is the raw "
          "stub sending our client's `x-user-agent` header as well: the difference between it "
          "and raw-callback is what that header costs client and server, the rest of our "
          "client's gap is the library itself. raw-sync-anchored is raw-sync with gRPC's "
          "callback queue kept alive, as our library keeps it for the life of the process: "
          "its gap to raw-sync is a cost every blocking call pays under our library.\n")


def many_hubs(data, write):
    write("## Many hubs (no-op server)\n")
    write("Every hub gets a client on the plaintext endpoint and one on the TLS endpoint, and "
          "raises its events through each; at most 64 calls in flight. Events, connections "
          "and hubs are counted by the server.\n")
    write("| contender | hubs × events | events received (plaintext / TLS) | TCP connections "
          "(plaintext / TLS) | hubs seen (plaintext / TLS) | wall time ms | errors |")
    write("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for record in [r for r in data.records if r.get("scenario") == "many-hubs"]:
        seen = record["server_seen"]
        write(f"| {record['contender']} | {number(record['hubs'])} × {record['events_per_hub']} | "
              f"{number(seen['plaintext']['calls']['RaiseEvent'])} / "
              f"{number(seen['tls']['calls']['RaiseEvent'])} | "
              f"{number(seen['plaintext']['connections'])} / {number(seen['tls']['connections'])} | "
              f"{number(seen['plaintext']['task_hubs'])} / {number(seen['tls']['task_hubs'])} | "
              f"{number(record['wall_ms'])} | {record['errors']} |")
    write("")


def memory(data, write):
    write("## Memory (no-op server)\n")
    write("Growth of the process while creating live clients on one endpoint whose channel is "
          "already connected: RSS from /proc/self/statm, heap from mallinfo2 (native) or the "
          "managed heap after a full collection (.NET). \"after one call\" is the growth once "
          "every client has also made one call. Hub names of 15 bytes or less live inside "
          "std::string; longer ones are allocated, once per copy.\n")
    write("| contender | transport | hub name like | clients | RSS bytes/client | heap bytes/client "
          "| heap after one call | create median µs | create p99 µs |")
    write("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for record in [r for r in data.records if r.get("scenario") == "memory"]:
        write(f"| {record['contender']} | {record['transport']} | `{record['hub_name_example']}` | "
              f"{number(record['clients'])} | {number(record['rss_bytes_per_client'])} | "
              f"{number(record['heap_bytes_per_client'])} | "
              f"{number(record.get('heap_bytes_per_client_after_call'))} | "
              f"{micros(record['create_us']['median'])} | {micros(record['create_us']['p99'])} |")
    write("")


def instructions(data, write):
    rows = [r for r in data.records if r.get("scenario") == "instructions"]
    if not rows:
        return
    write("## Instructions per call (callgrind)\n")
    write("What one RaiseEvent costs the client process, counted by callgrind over two runs "
          "of different length (the difference leaves out start-up): instructions on all "
          "threads and calls to malloc. Unlike time, these counts do not move with outside "
          "load; they are the figure to compare when judging a change to the call path. "
          "A pair whose longer run cost more per call than the shorter (work outside the "
          "call path ran in it) is measured again; \"pairs\" says how many were run.\n")
    write("| contender | in flight | instructions/call | vs raw | mallocs/call | pairs |")
    write("| --- | ---: | ---: | ---: | ---: | ---: |")
    for record in rows:
        reference = next((r for r in rows if r["inflight"] == record["inflight"]
                          and r["contender"] in ("raw-sync", "raw-callback")), None)
        share = ratio(record["instructions_per_call"],
                      reference["instructions_per_call"] if reference else None)
        write(f"| {record['contender']} | {record['inflight']} | "
              f"{number(record['instructions_per_call'])} | "
              f"{'–' if record is reference or share is None else f'{share:.3f}x'} | "
              f"{number(record['allocations_per_call'], 1)} | "
              f"{len(record.get('pairs_tried', [None]))} |")
    write("")


def capi(data, write):
    write("## C ABI against the C++ client\n")
    write("Same scenarios, same loops; positive means the C ABI is worse.\n")
    write("| measure | C++ | C ABI | C ABI worse by |")
    write("| --- | ---: | ---: | ---: |")
    for name, cpp, c, gap, unit in capi_gaps(data):
        write(f"| {name} ({unit}) | {number(cpp, 1)} | {number(c, 1)} | {percent(gap)} |")
    write("")


def end_to_end(data, write):
    rows = [r for r in data.records if r.get("server") == "sidecar"]
    if not rows:
        return
    write("## End to end: Microsoft's sidecar\n")
    write("The same contenders against the real multi-hub sidecar (tests/sidecar: Microsoft's "
          "in-memory `TaskHubGrpcServer` per hub, hubs made on first use, no workers). The "
          "target instance was started in every hub beforehand by a separate process, so "
          "each hub is new to the contender. Plaintext only; these figures include the "
          "sidecar's own work and are not the client's cost.\n")
    write("| contender | new hub median µs | p99 µs | first call µs |")
    write("| --- | ---: | ---: | ---: |")
    for record in [r for r in rows if r["scenario"] == "new-hub"]:
        write(f"| {record['contender']} | {micros(record['total_us']['median'])} | "
              f"{micros(record['total_us']['p99'])} | {micros(record['cold_first_us'])} |")
    write("")
    write("| contender | 64 in flight calls/s | client CPU µs/call | errors |")
    write("| --- | ---: | ---: | ---: |")
    for contender in ("raw-callback", "cpp-async", "capi-async", "dotnet-shared"):
        found = data.throughput.get(("sidecar", contender, 64))
        if found:
            write(f"| {contender} | {number(found['rate'])} | {micros(found['client_cpu_us'])} | "
                  f"{found['errors']} |")
    write("")


if __name__ == "__main__":
    with open(sys.argv[1]) as source:
        loaded = json.load(source)
    sys.stdout.write(render(loaded["meta"], loaded["records"]))
