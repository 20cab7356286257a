using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Grpc.Net.Client;

namespace Sidecar;

/// <summary>
/// Knows every task hub of this process, creates hubs on first use when their
/// name matches a configured prefix, and owns the channel the built-in
/// workers use to reach this same process.
/// </summary>
public sealed class HubRegistry : IAsyncDisposable
{
    public const string DefaultHubName = "default";

    // Lazy so that two first calls racing for the same new hub build it once.
    readonly ConcurrentDictionary<string, Lazy<TaskHub>> hubs = new(StringComparer.Ordinal);
    readonly SidecarOptions options;
    readonly IHostApplicationLifetime lifetime;
    readonly ILoggerFactory loggerFactory;
    readonly ILogger log;
    GrpcChannel? workerChannel;
    volatile bool stopping;

    public HubRegistry(SidecarOptions options, IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory)
    {
        this.options = options;
        this.lifetime = lifetime;
        this.loggerFactory = loggerFactory;
        this.log = loggerFactory.CreateLogger("Sidecar.HubRegistry");
    }

    /// <summary>
    /// Called once the port is bound: builds the listed hubs and starts their
    /// workers. Hubs cannot exist earlier because workers need the real port.
    /// </summary>
    public async Task ActivateAsync(int port)
    {
        var handler = new SocketsHttpHandler
        {
            // Each worker holds one long-lived stream. Once a connection has as
            // many streams as the server allows, open another one instead of
            // making the next worker wait for a free slot that never comes.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };

        this.workerChannel = GrpcChannel.ForAddress(
            new Uri($"http://{IPAddress.Loopback}:{port}"),
            new GrpcChannelOptions
            {
                HttpHandler = handler,
                MaxReceiveMessageSize = null,
                MaxSendMessageSize = null,
            });

        var starts = new List<Task>();
        foreach (string name in this.options.Hubs)
        {
            this.hubs.TryAdd(name, new Lazy<TaskHub>(() => this.CreateHub(name, withWorker: true)));
            starts.Add(Task.Run(() => this.hubs[name].Value));
        }

        await Task.WhenAll(starts);
    }

    /// <summary>Hubs created so far, for start-up checks and shutdown.</summary>
    public IEnumerable<TaskHub> CreatedHubs =>
        this.hubs.Values.Where(h => h.IsValueCreated).Select(h => h.Value);

    /// <summary>
    /// Finds the hub a call belongs to from its "taskhub" header, or throws
    /// the RpcException the caller should see.
    /// </summary>
    public TaskHub Resolve(ServerCallContext context)
    {
        string? name = context.RequestHeaders.GetValue(TaskHubHeaderInterceptor.HeaderName);
        if (string.IsNullOrEmpty(name))
        {
            if (this.hubs.TryGetValue(DefaultHubName, out Lazy<TaskHub>? fallback))
            {
                return fallback.Value;
            }

            throw new RpcException(new Status(
                StatusCode.NotFound,
                $"no '{TaskHubHeaderInterceptor.HeaderName}' header and no '{DefaultHubName}' task hub"));
        }

        if (this.hubs.TryGetValue(name, out Lazy<TaskHub>? existing))
        {
            return existing.Value;
        }

        bool? withWorker = this.AutoCreateMode(name);
        if (withWorker is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"task hub '{name}' not found"));
        }

        if (this.stopping || this.workerChannel is null)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "sidecar is shutting down"));
        }

        return this.hubs.GetOrAdd(
            name,
            n => new Lazy<TaskHub>(() => this.CreateHub(n, withWorker.Value))).Value;
    }

    /// <summary>
    /// Whether a not-yet-existing hub may be made on first use, and if so
    /// whether it gets a built-in worker. The longer matching prefix wins so
    /// that e.g. "t-" and "t-bare-" can both be configured.
    /// </summary>
    bool? AutoCreateMode(string name)
    {
        string? auto = this.options.HubPrefix;
        string? bare = this.options.BareHubPrefix;
        bool autoMatch = !string.IsNullOrEmpty(auto) && name.StartsWith(auto, StringComparison.Ordinal);
        bool bareMatch = !string.IsNullOrEmpty(bare) && name.StartsWith(bare, StringComparison.Ordinal);
        if (autoMatch && bareMatch)
        {
            return auto!.Length >= bare!.Length;
        }

        if (autoMatch)
        {
            return true;
        }

        return bareMatch ? false : null;
    }

    TaskHub CreateHub(string name, bool withWorker)
    {
        var hub = new TaskHub(name, this.lifetime, this.loggerFactory);
        if (withWorker)
        {
            // Not awaited: the call that triggered creation must not wait for
            // the worker, whose first call comes back through this same router.
            _ = this.StartWorkerLoggedAsync(hub);
        }

        return hub;
    }

    async Task StartWorkerLoggedAsync(TaskHub hub)
    {
        try
        {
            await hub.StartWorkerAsync(this.workerChannel!, this.loggerFactory);
        }
        catch (Exception e)
        {
            this.log.LogError(e, "Could not start the worker for hub '{Hub}'", hub.Name);
        }
    }

    /// <summary>
    /// Stops the built-in workers and refuses new hubs. Done before the web
    /// server stops so that their open streams do not hold up its shutdown.
    /// </summary>
    public async Task StopWorkersAsync()
    {
        this.stopping = true;
        await Task.WhenAll(this.CreatedHubs.ToArray().Select(h => h.StopWorkerAsync()));
    }

    public async ValueTask DisposeAsync()
    {
        await this.StopWorkersAsync();
        this.workerChannel?.Dispose();
        foreach (TaskHub hub in this.CreatedHubs.ToArray())
        {
            await hub.DisposeAsync();
        }
    }
}
