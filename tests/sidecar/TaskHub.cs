using Grpc.Net.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc.Internal;
using Microsoft.Extensions.Options;

namespace Sidecar;

/// <summary>
/// One task hub: its own in-memory store, its own upstream gRPC server object
/// (which is never mapped to an endpoint itself; the router calls into it),
/// and optionally the .NET worker that runs the test orchestrations for it.
/// </summary>
public sealed class TaskHub : IAsyncDisposable
{
    readonly TaskCompletionSource workerConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly ILogger log;
    IHost? workerHost;

    public TaskHub(string name, IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory)
    {
        this.Name = name;
        this.log = loggerFactory.CreateLogger("Sidecar.TaskHub");
        this.Service = new InMemoryOrchestrationService(loggerFactory);

        // The server starts its dispatchers on ApplicationStarted; for a hub
        // made after start-up that token has already fired, and the callback
        // runs at once, so late hubs behave like the ones listed up front.
        this.Server = new TaskHubGrpcServer(
            lifetime,
            loggerFactory,
            this.Service,
            this.Service,
            Options.Create(new TaskHubGrpcServerOptions()));
    }

    public string Name { get; }

    public InMemoryOrchestrationService Service { get; }

    public TaskHubGrpcServer Server { get; }

    /// <summary>Completes once some worker has opened the work-item stream.</summary>
    public Task WorkerConnected => this.workerConnected.Task;

    public void OnWorkerConnected() => this.workerConnected.TrySetResult();

    public async Task StartWorkerAsync(GrpcChannel channel, ILoggerFactory loggerFactory)
    {
        string hubName = this.Name;
        IHost host = new HostBuilder()
            .ConfigureServices(services =>
            {
                // Share the process-wide logger factory: a console provider per
                // hub would cost a writer thread each, and output would interleave.
                services.AddSingleton(loggerFactory);

                // The default console lifetime hooks SIGTERM/SIGINT; with one
                // host per hub only the outer web host should react to signals.
                services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
                services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

                services.AddDurableTaskWorker(builder =>
                {
                    builder.AddTasks(TestTasks.Register);
                    builder.UseGrpc(o =>
                    {
                        o.Channel = channel;
                        o.Interceptors.Add(new TaskHubHeaderInterceptor(hubName));

                        // The worker drops and reopens its work-item stream after
                        // two quiet minutes, expecting health pings that this
                        // in-memory backend never sends. Over loopback a silent
                        // stream is just an idle hub, so turn the check off.
                        o.SetSilentDisconnectTimeout(TimeSpan.Zero);
                    });
                });
            })
            .Build();

        this.workerHost = host;
        await host.StartAsync();
    }

    public async Task StopWorkerAsync()
    {
        IHost? host = Interlocked.Exchange(ref this.workerHost, null);
        if (host is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await host.StopAsync(timeout.Token);
        }
        catch (Exception e)
        {
            this.log.LogWarning(e, "Worker for hub '{Hub}' did not stop cleanly", this.Name);
        }
        finally
        {
            host.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await this.StopWorkerAsync();
        this.Server.Dispose();
    }

    sealed class PassiveHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
