using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Console;

namespace Sidecar;

public static class Program
{
    // How long start-up waits for the built-in workers to open their
    // work-item streams before announcing the port anyway.
    static readonly TimeSpan WorkerConnectWait = TimeSpan.FromSeconds(30);

    public static async Task<int> Main(string[] args)
    {
        SidecarOptions? options = SidecarOptions.Parse(args, out string? error);
        if (options is null)
        {
            if (!string.IsNullOrEmpty(error))
            {
                Console.Error.WriteLine($"error: {error}");
            }

            Console.Error.WriteLine(SidecarOptions.Usage);
            return error == string.Empty ? 0 : 2;
        }

        WebApplication app = BuildApp(options);
        HubRegistry registry = app.Services.GetRequiredService<HubRegistry>();
        ILogger log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sidecar");

        // Not watched in self-test mode, which must also run with no stdin
        // at all (as under CI). An EOF that comes during start-up is acted on
        // as soon as start-up ends.
        Task stdinClosed = options.SelfTest ? Task.Delay(Timeout.Infinite) : WatchStdinAsync();

        int exitCode = 0;
        try
        {
            await app.StartAsync();
            int port = BoundPort(app);
            await registry.ActivateAsync(port);
            await WaitForWorkersAsync(registry, log);

            Console.Out.WriteLine($"LISTENING {IPAddress.Loopback}:{port}");
            Console.Out.Flush();

            if (options.SelfTest)
            {
                exitCode = await SelfTest.RunAsync(port);
            }
            else
            {
                var stopping = new TaskCompletionSource();
                using CancellationTokenRegistration reg =
                    app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
                await Task.WhenAny(stdinClosed, stopping.Task);
            }
        }
        catch (Exception e)
        {
            log.LogCritical(e, "Sidecar failed");
            exitCode = 1;
        }

        await registry.StopWorkersAsync();
        try
        {
            await app.StopAsync();
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Web host did not stop cleanly");
        }

        await registry.DisposeAsync();
        await app.DisposeAsync();
        return exitCode;
    }

    static WebApplication BuildApp(SidecarOptions options)
    {
        // The empty builder reads no config files and watches no directories,
        // which keeps start-up short and makes the current directory irrelevant.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http2);

            // Every hub's worker keeps a stream open, and tests may keep many
            // waits in flight on one connection; 100 (the default) is tight.
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
        });

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // Long-lived streams (work items, waits) would otherwise hold shutdown
        // for the default 30 s; the parent expects us gone promptly.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        builder.Services.AddRoutingCore();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = null;
            o.EnableDetailedErrors = true;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<HubRegistry>();
        builder.Services.AddSingleton<HubRouter>();

        WebApplication app = builder.Build();
        app.MapGrpcService<HubRouter>();
        return app;
    }

    static int BoundPort(WebApplication app)
    {
        IServerAddressesFeature? addresses = app.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>();
        string address = addresses?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no bound address");
        return new Uri(address).Port;
    }

    static async Task WaitForWorkersAsync(HubRegistry registry, ILogger log)
    {
        TaskHub[] hubs = registry.CreatedHubs.ToArray();
        try
        {
            await Task.WhenAll(hubs.Select(h => h.WorkerConnected)).WaitAsync(WorkerConnectWait);
        }
        catch (TimeoutException)
        {
            string missing = string.Join(", ", hubs.Where(h => !h.WorkerConnected.IsCompleted).Select(h => h.Name));
            log.LogWarning("Workers not connected after {Wait}: {Hubs}; serving anyway", WorkerConnectWait, missing);
        }
    }

    static Task WatchStdinAsync()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A plain blocking thread: console streams have no real async reads,
        // and a background thread cannot keep the process alive on exit.
        var thread = new Thread(() =>
        {
            try
            {
                using Stream stdin = Console.OpenStandardInput();
                byte[] buffer = new byte[256];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
                // A broken pipe means the parent is gone, the same as EOF.
            }

            closed.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "stdin watch",
        };
        thread.Start();
        return closed.Task;
    }
}
