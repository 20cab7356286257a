// Microsoft's .NET client (Microsoft.DurableTask.Client.Grpc) as a bench contender. Takes
// the same command line as the native contender programs and prints the same JSON lines.
//
// Contenders:
//   dotnet-per-client  a GrpcChannel (with its own SocketsHttpHandler) per client, the way
//                      a factory that gives every client its own channel makes them
//   dotnet-shared      one GrpcChannel per endpoint; a GrpcDurableTaskClient per hub on it
//
// The task hub travels as the `taskhub` header, added by an interceptor registered in
// GrpcDurableTaskClientOptions.Interceptors (the extension point the package documents for
// such headers). Version 1.28.0 has no IDurableTaskClientFactory (the `client-types`
// scenario reads that from the package in every run): clients for hubs learned at run
// time are constructed directly, as here.
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Logging.Abstractions;

namespace DtBench;

public static class Program
{
    const string InstanceId = "bench-instance";
    const string EventName = "tick";

    // Serialized by the client's JSON converter to "x" in quotes: the payload bytes every
    // native contender sends.
    const string EventPayload = "x";

    public static async Task<int> Main(string[] args)
    {
        var arguments = new Arguments(args);
        if (arguments.Scenario == "client-types")
        {
            ClientTypes();
            return 0;
        }

        string contender = arguments.Text("contender");
        switch (arguments.Scenario)
        {
            case "new-hub":
                await NewHubAsync(arguments, contender);
                break;
            case "throughput":
                await ThroughputAsync(arguments, contender);
                break;
            case "many-hubs":
                await ManyHubsAsync(arguments, contender);
                break;
            case "memory":
                await MemoryAsync(arguments, contender);
                break;
            default:
                Console.Error.WriteLine($"bench: unknown scenario {arguments.Scenario}");
                return 2;
        }

        return 0;
    }

    static async Task NewHubAsync(Arguments arguments, string contender)
    {
        Endpoint endpoint = Endpoint.FromArguments(arguments);
        bool perClient = contender == "dotnet-per-client";
        GrpcChannel? shared = perClient ? null : endpoint.NewChannel();
        var keep = new List<(GrpcDurableTaskClient Client, GrpcChannel Channel)>();

        string prefix = arguments.Text("hub-prefix");
        int warmup = arguments.Number("warmup", 20);
        int hubs = arguments.Number("hubs", 200);
        var creates = new List<double>();
        var totals = new List<double>();
        double coldFirst = 0;
        long errors = 0;
        string firstError = string.Empty;

        TimeSpan cpuBefore = TimeSpan.Zero;
        for (int i = 0; i < warmup + hubs; i++)
        {
            bool measured = i >= warmup;
            if (i == warmup)
            {
                cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            }

            string hub = prefix + (measured ? (i - warmup).ToString() : "w" + i);
            long start = Stopwatch.GetTimestamp();
            GrpcChannel channel = shared ?? endpoint.NewChannel();
            GrpcDurableTaskClient client = NewClient(hub, channel);
            double create = MicrosSince(start);
            try
            {
                await client.RaiseEventAsync(InstanceId, EventName, EventPayload);
            }
            catch (RpcException e)
            {
                errors++;
                if (firstError.Length == 0)
                {
                    firstError = e.Status.Detail;
                }
            }

            double total = MicrosSince(start);
            keep.Add((client, channel));
            if (i == 0)
            {
                coldFirst = total;
            }

            if (measured)
            {
                creates.Add(create);
                totals.Add(total);
            }
        }

        double cpuPerHub = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, hubs);
        Result("new-hub", contender, arguments)
            .Set("hubs", hubs)
            .Set("warmup_hubs", warmup)
            .Set("cold_first_us", coldFirst)
            .Set("total_us", Summary.Of(totals))
            .Set("create_us", Summary.Of(creates))
            .Set("cpu_us_per_hub", cpuPerHub)
            .Set("errors", errors)
            .Set("first_error", firstError)
            .Emit();

        await DisposeAsync(keep, shared);
    }

    static async Task ThroughputAsync(Arguments arguments, string contender)
    {
        if (contender != "dotnet-shared")
        {
            throw new ArgumentException($"throughput has no contender {contender}");
        }

        Endpoint endpoint = Endpoint.FromArguments(arguments);
        GrpcChannel channel = endpoint.NewChannel();
        GrpcDurableTaskClient client = NewClient(arguments.Text("hub", "bench-hub"), channel);
        int inflight = arguments.Number("inflight", 1);
        var warmup = TimeSpan.FromMilliseconds(arguments.Number("warmup-ms", 1000));
        var measure = TimeSpan.FromMilliseconds(arguments.Number("measure-ms", 5000));

        long completed = 0;
        long failed = 0;
        string firstError = string.Empty;
        bool stopping = false;

        async Task LoopAsync()
        {
            while (!Volatile.Read(ref stopping))
            {
                try
                {
                    await client.RaiseEventAsync(InstanceId, EventName, EventPayload);
                }
                catch (RpcException e)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, e.Status.Detail, string.Empty);
                }

                Interlocked.Increment(ref completed);
            }
        }

        Task[] loops = Enumerable.Range(0, inflight).Select(_ => Task.Run(LoopAsync)).ToArray();
        await Task.Delay(warmup);
        long callsBefore = Interlocked.Read(ref completed);
        long errorsBefore = Interlocked.Read(ref failed);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        await Task.Delay(measure);
        long calls = Interlocked.Read(ref completed) - callsBefore;
        long errors = Interlocked.Read(ref failed) - errorsBefore;
        double seconds = MicrosSince(start) / 1e6;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Volatile.Write(ref stopping, true);
        await Task.WhenAll(loops);

        Result("throughput", contender, arguments)
            .Set("inflight", inflight)
            .Set("seconds", seconds)
            .Set("calls", calls)
            .Set("errors", errors)
            .Set("first_error", firstError)
            .Set("calls_per_second", calls / seconds)
            .Set("cpu_seconds", cpuSeconds)
            .Set("cpu_us_per_call", calls > 0 ? cpuSeconds * 1e6 / calls : 0)
            .Emit();

        await client.DisposeAsync();
        channel.Dispose();
    }

    static async Task ManyHubsAsync(Arguments arguments, string contender)
    {
        bool perClient = contender == "dotnet-per-client";
        Endpoint[] endpoints =
        {
            new Endpoint(arguments.Text("plaintext-address"), null),
            new Endpoint(arguments.Text("tls-address"), LoadCertificate(arguments.Text("ca"))),
        };
        GrpcChannel?[] shared = endpoints.Select(e => perClient ? null : e.NewChannel()).ToArray();

        string prefix = arguments.Text("hub-prefix");
        int hubs = arguments.Number("hubs", 1000);
        int events = arguments.Number("events", 10);
        using var limit = new SemaphoreSlim(arguments.Number("inflight", 64));
        var keep = new List<(GrpcDurableTaskClient Client, GrpcChannel Channel)>();
        var calls = new List<Task>();
        long failed = 0;
        string firstError = string.Empty;

        async Task RaiseAsync(GrpcDurableTaskClient client)
        {
            try
            {
                await client.RaiseEventAsync(InstanceId, EventName, EventPayload);
            }
            catch (RpcException e)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, e.Status.Detail, string.Empty);
            }
            finally
            {
                limit.Release();
            }
        }

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < hubs; i++)
        {
            string hub = prefix + i;
            for (int e = 0; e < endpoints.Length; e++)
            {
                GrpcChannel channel = shared[e] ?? endpoints[e].NewChannel();
                GrpcDurableTaskClient client = NewClient(hub, channel);
                keep.Add((client, channel));
                for (int n = 0; n < events; n++)
                {
                    await limit.WaitAsync();
                    calls.Add(RaiseAsync(client));
                }
            }
        }

        await Task.WhenAll(calls);
        double wallMs = MicrosSince(start) / 1000;

        Result("many-hubs", contender, arguments)
            .Set("hubs", hubs)
            .Set("events_per_hub", events)
            .Set("endpoints", endpoints.Length)
            .Set("events_sent", calls.Count)
            .Set("errors", failed)
            .Set("first_error", firstError)
            .Set("wall_ms", wallMs)
            .Emit();

        foreach (GrpcChannel? channel in shared)
        {
            channel?.Dispose();
        }

        await DisposeAsync(keep, null, disposeChannels: perClient);
    }

    // Managed heap and RSS growth for live clients on one endpoint, as the native memory
    // scenario measures them. Per-client channels are only created, never called: a call
    // through each would open ten thousand connections.
    static async Task MemoryAsync(Arguments arguments, string contender)
    {
        Endpoint endpoint = Endpoint.FromArguments(arguments);
        bool perClient = contender == "dotnet-per-client";
        int count = arguments.Number("clients", 10000);
        string prefix = arguments.Text("hub-prefix", "mem-");
        GrpcChannel shared = endpoint.NewChannel();
        await NewClient(prefix + "warm", shared).RaiseEventAsync(InstanceId, EventName, EventPayload);

        string[] names = Enumerable.Range(0, count).Select(i => prefix + i).ToArray();
        var clients = new List<(GrpcDurableTaskClient Client, GrpcChannel Channel)>(count);
        var creates = new List<double>(count);

        long heapBefore = SettledHeap();
        long rssBefore = Process.GetCurrentProcess().WorkingSet64;
        foreach (string name in names)
        {
            long start = Stopwatch.GetTimestamp();
            GrpcChannel channel = perClient ? endpoint.NewChannel() : shared;
            clients.Add((NewClient(name, channel), channel));
            creates.Add(MicrosSince(start));
        }

        long heapCreated = SettledHeap();
        long rssCreated = Process.GetCurrentProcess().WorkingSet64;
        double PerClient(long after, long before) => (after - before) / (double)count;

        JsonLine line = Result("memory", contender, arguments)
            .Set("clients", count)
            .Set("rss_bytes_per_client", PerClient(rssCreated, rssBefore))
            .Set("heap_bytes_per_client", PerClient(heapCreated, heapBefore))
            .Set("create_us", Summary.Of(creates));

        if (!perClient)
        {
            using var limit = new SemaphoreSlim(64);
            var calls = new List<Task>(count);
            foreach ((GrpcDurableTaskClient client, _) in clients)
            {
                await limit.WaitAsync();
                calls.Add(client.RaiseEventAsync(InstanceId, EventName, EventPayload)
                    .ContinueWith(_ => limit.Release(), TaskScheduler.Default));
            }

            await Task.WhenAll(calls);
            line.Set("heap_bytes_per_client_after_call", PerClient(SettledHeap(), heapBefore))
                .Set("rss_bytes_per_client_after_call",
                    PerClient(Process.GetCurrentProcess().WorkingSet64, rssBefore));
        }

        line.Set("errors", 0).Emit();
        GC.KeepAlive(clients);
        await DisposeAsync(clients, shared, disposeChannels: perClient);
    }

    static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    static GrpcDurableTaskClient NewClient(string hub, GrpcChannel channel)
    {
        var options = new GrpcDurableTaskClientOptions { Channel = channel };
        options.Interceptors.Add(new TaskHubHeader(hub));
        return new GrpcDurableTaskClient(hub, options, NullLogger.Instance);
    }

    static async Task DisposeAsync(
        List<(GrpcDurableTaskClient Client, GrpcChannel Channel)> clients,
        GrpcChannel? shared,
        bool disposeChannels = true)
    {
        foreach ((GrpcDurableTaskClient client, GrpcChannel channel) in clients)
        {
            await client.DisposeAsync();
            if (disposeChannels && channel != shared)
            {
                channel.Dispose();
            }
        }

        shared?.Dispose();
    }

    static X509Certificate2 LoadCertificate(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(path));

    static double MicrosSince(long start) => Stopwatch.GetElapsedTime(start).TotalMicroseconds;

    static JsonLine Result(string scenario, string contender, Arguments arguments) => new JsonLine()
        .Set("scenario", scenario)
        .Set("contender", contender)
        .Set("server", arguments.Text("server", "noop"))
        .Set("transport", arguments.Text("transport", "plaintext"));

    /// <summary>Where a contender connects, and the CA it trusts there (TLS only).</summary>
    sealed class Endpoint
    {
        readonly string address;
        readonly X509Certificate2? authority;

        public Endpoint(string hostAndPort, X509Certificate2? authority)
        {
            this.address = (authority is null ? "http://" : "https://") + hostAndPort;
            this.authority = authority;
        }

        public static Endpoint FromArguments(Arguments arguments)
        {
            bool tls = arguments.Text("transport", "plaintext") == "tls";
            return new Endpoint(arguments.Text("address"), tls ? LoadCertificate(arguments.Text("ca")) : null);
        }

        /// <summary>
        /// A channel with a handler of its own, set up as Grpc.Net.Client sets up the
        /// handler it makes when given none, plus trust in the bench's CA.
        /// </summary>
        public GrpcChannel NewChannel()
        {
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            };
            if (this.authority is not null)
            {
                var policy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                };
                policy.CustomTrustStore.Add(this.authority);
                handler.SslOptions.CertificateChainPolicy = policy;
            }

            return GrpcChannel.ForAddress(this.address, new GrpcChannelOptions { HttpHandler = handler });
        }
    }

    /// <summary>Adds the `taskhub` header to every call.</summary>
    sealed class TaskHubHeader : Interceptor
    {
        readonly string hub;

        public TaskHubHeader(string hub)
        {
            this.hub = hub;
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request,
            ClientInterceptorContext<TRequest, TResponse> context,
            AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            return continuation(request, this.WithHub(context));
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(
            TRequest request,
            ClientInterceptorContext<TRequest, TResponse> context,
            BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            return continuation(request, this.WithHub(context));
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            TRequest request,
            ClientInterceptorContext<TRequest, TResponse> context,
            AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            return continuation(request, this.WithHub(context));
        }

        ClientInterceptorContext<TRequest, TResponse> WithHub<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class
        {
            var headers = new Metadata();
            if (context.Options.Headers is not null)
            {
                foreach (Metadata.Entry entry in context.Options.Headers)
                {
                    headers.Add(entry);
                }
            }

            headers.Add("taskhub", this.hub);
            return new ClientInterceptorContext<TRequest, TResponse>(
                context.Method, context.Host, context.Options.WithHeaders(headers));
        }
    }

    /// <summary>`scenario --name value ...`, as the native contender programs take it.</summary>
    sealed class Arguments
    {
        readonly Dictionary<string, string> values = new();

        public Arguments(string[] args)
        {
            if (args.Length == 0)
            {
                throw new ArgumentException("usage: DtBench <scenario> --option value ...");
            }

            this.Scenario = args[0];
            for (int i = 1; i + 1 < args.Length; i += 2)
            {
                this.values[args[i].TrimStart('-')] = args[i + 1];
            }
        }

        public string Scenario { get; }

        public string Text(string name) =>
            this.values.TryGetValue(name, out string? value)
                ? value
                : throw new ArgumentException($"--{name} is required");

        public string Text(string name, string fallback) =>
            this.values.TryGetValue(name, out string? value) ? value : fallback;

        public int Number(string name, int fallback) =>
            this.values.TryGetValue(name, out string? value) ? int.Parse(value) : fallback;
    }

    /// <summary>Median, p99 and the rest, by nearest rank as the native harness does.</summary>
    static class Summary
    {
        public static Dictionary<string, object> Of(List<double> samples)
        {
            double[] sorted = samples.OrderBy(s => s).ToArray();
            double Rank(double quantile)
            {
                int index = (int)Math.Ceiling(quantile * sorted.Length);
                return sorted[Math.Min(sorted.Length - 1, Math.Max(0, index - 1))];
            }

            if (sorted.Length == 0)
            {
                return new Dictionary<string, object> { ["count"] = 0 };
            }

            return new Dictionary<string, object>
            {
                ["count"] = sorted.Length,
                ["median"] = Rank(0.5),
                ["p90"] = Rank(0.9),
                ["p99"] = Rank(0.99),
                ["mean"] = sorted.Average(),
                ["min"] = sorted[0],
                ["max"] = sorted[^1],
            };
        }
    }

    /// <summary>
    /// What the referenced client packages offer for making clients: their versions and
    /// every public type whose name says it makes or hands out clients
    /// (IDurableTaskClientFactory, IDurableTaskClientProvider and the like). The bench
    /// records this, so that whether a Microsoft factory contender is possible is read
    /// from the package rather than assumed.
    /// </summary>
    static void ClientTypes()
    {
        var assemblies = new[]
        {
            typeof(Microsoft.DurableTask.Client.DurableTaskClient).Assembly,
            typeof(GrpcDurableTaskClient).Assembly,
        };
        var versions = new Dictionary<string, string>();
        var makers = new List<string>();
        foreach (var assembly in assemblies)
        {
            var name = assembly.GetName();
            string informational = assembly
                .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
                .Select(attribute => attribute.InformationalVersion.Split('+')[0])
                .FirstOrDefault() ?? name.Version?.ToString() ?? "?";
            versions[name.Name ?? "?"] = informational;
            foreach (var type in assembly.GetExportedTypes())
            {
                if (type.Name.EndsWith("ClientFactory", StringComparison.Ordinal) ||
                    type.Name.EndsWith("ClientProvider", StringComparison.Ordinal))
                {
                    makers.Add(type.FullName ?? type.Name);
                }
            }
        }

        makers.Sort(StringComparer.Ordinal);
        new JsonLine()
            .Set("scenario", "client-types")
            .Set("versions", versions)
            .Set("client_maker_types", makers)
            .Set("has_client_factory", makers.Any(m => m.EndsWith(".IDurableTaskClientFactory", StringComparison.Ordinal)))
            .Emit();
    }

    /// <summary>One result, printed as one JSON line on stdout.</summary>
    sealed class JsonLine
    {
        readonly Dictionary<string, object> fields = new();

        public JsonLine Set(string key, object value)
        {
            this.fields[key] = value;
            return this;
        }

        public void Emit()
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(this.fields));
            Console.Out.Flush();
        }
    }
}
