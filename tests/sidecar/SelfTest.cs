using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Logging.Abstractions;
using P = Microsoft.DurableTask.Protobuf;

namespace Sidecar;

/// <summary>
/// Runs Microsoft's own .NET client against this process and checks the
/// routing contract the native tests rely on. Prints "SELFTEST OK" on stdout
/// and returns 0 when every check passes.
/// </summary>
public static class SelfTest
{
    public static readonly string[] Hubs = ["a", "b", HubRegistry.DefaultHubName];
    public const string HubPrefix = "dyn-";
    public const string BareHubPrefix = "bare-";

    static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(int port)
    {
        using GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var clients = new Dictionary<string, GrpcDurableTaskClient>();
        GrpcDurableTaskClient Client(string hub)
        {
            if (!clients.TryGetValue(hub, out GrpcDurableTaskClient? client))
            {
                var options = new GrpcDurableTaskClientOptions { Channel = channel };
                options.Interceptors.Add(new TaskHubHeaderInterceptor(hub));
                client = new GrpcDurableTaskClient("selftest-" + hub, options, NullLogger.Instance);
                clients[hub] = client;
            }

            return client;
        }

        P.TaskHubSidecarService.TaskHubSidecarServiceClient Raw(string? hub) =>
            new(hub is null
                ? channel.CreateCallInvoker()
                : channel.CreateCallInvoker().Intercept(new TaskHubHeaderInterceptor(hub)));

        var checks = new List<Check>
        {
            new("Echo completes in hub a", async ct =>
            {
                JsonElement input = Json("""{"x":[1,2,"three"],"y":null,"z":{"n":1.5}}""");
                string id = await Client("a").ScheduleNewOrchestrationInstanceAsync("Echo", input, ct);
                OrchestrationMetadata done = await Client("a").WaitForInstanceCompletionAsync(id, true, ct);
                Expect(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"status {done.RuntimeStatus}");
                ExpectJson(done.SerializedOutput, input.GetRawText());

                // The same id must be unknown in another hub.
                OrchestrationMetadata? other = await Client("b").GetInstanceAsync(id, ct);
                Expect(other is null, "instance from hub a is visible in hub b");
            }),

            new("same instance id runs separately in two hubs", async ct =>
            {
                string id = "shared-" + Guid.NewGuid().ToString("N");
                await Client("a").ScheduleNewOrchestrationInstanceAsync("Echo", "from a", new StartOrchestrationOptions(id), ct);
                await Client("b").ScheduleNewOrchestrationInstanceAsync("Echo", "from b", new StartOrchestrationOptions(id), ct);
                OrchestrationMetadata a = await Client("a").WaitForInstanceCompletionAsync(id, true, ct);
                OrchestrationMetadata b = await Client("b").WaitForInstanceCompletionAsync(id, true, ct);
                ExpectJson(a.SerializedOutput, "\"from a\"");
                ExpectJson(b.SerializedOutput, "\"from b\"");
            }),

            new("WaitForEvent returns the event payload", async ct =>
            {
                string id = await Client("a").ScheduleNewOrchestrationInstanceAsync("WaitForEvent", "go", ct);
                await Client("a").WaitForInstanceStartAsync(id, ct);
                await Client("a").RaiseEventAsync(id, "go", Json("""{"k":42}"""), ct);
                OrchestrationMetadata done = await Client("a").WaitForInstanceCompletionAsync(id, true, ct);
                Expect(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"status {done.RuntimeStatus}");
                ExpectJson(done.SerializedOutput, """{"k":42}""");
            }),

            new("unknown hub gives NOT_FOUND", async ct =>
            {
                RpcException e = await ExpectRpcError(
                    () => Raw("no-such-hub").GetInstanceAsync(new P.GetInstanceRequest { InstanceId = "x" }, cancellationToken: ct).ResponseAsync);
                Expect(e.StatusCode == StatusCode.NotFound, $"status {e.StatusCode}");
                Expect(e.Status.Detail == "task hub 'no-such-hub' not found", $"detail '{e.Status.Detail}'");
            }),

            new("missing header routes to hub 'default'", async ct =>
            {
                string id = "nohdr-" + Guid.NewGuid().ToString("N");
                await Raw(null).StartInstanceAsync(
                    new P.CreateInstanceRequest { InstanceId = id, Name = "Echo", Input = "7" }, cancellationToken: ct);
                OrchestrationMetadata done = await Client(HubRegistry.DefaultHubName).WaitForInstanceCompletionAsync(id, true, ct);
                ExpectJson(done.SerializedOutput, "7");
            }),

            new("prefixed hub is created on first use and runs an activity", async ct =>
            {
                string hub = HubPrefix + Guid.NewGuid().ToString("N")[..8];
                string id = await Client(hub).ScheduleNewOrchestrationInstanceAsync("Greet", "world", ct);
                OrchestrationMetadata done = await Client(hub).WaitForInstanceCompletionAsync(id, true, ct);
                ExpectJson(done.SerializedOutput, "\"Hello, world!\"");
            }),

            new("bare hub accepts work but has no worker", async ct =>
            {
                string hub = BareHubPrefix + "x";
                string id = await Client(hub).ScheduleNewOrchestrationInstanceAsync("Echo", 1, ct);
                OrchestrationMetadata? state = await Client(hub).GetInstanceAsync(id, ct);
                Expect(state?.RuntimeStatus == OrchestrationRuntimeStatus.Pending, $"status {state?.RuntimeStatus}");
            }),

            new("Fail reports type and message", async ct =>
            {
                string id = await Client("b").ScheduleNewOrchestrationInstanceAsync("Fail", "boom", ct);
                OrchestrationMetadata done = await Client("b").WaitForInstanceCompletionAsync(id, true, ct);
                Expect(done.RuntimeStatus == OrchestrationRuntimeStatus.Failed, $"status {done.RuntimeStatus}");
                TaskFailureDetails? f = done.FailureDetails;
                Expect(f?.ErrorType == typeof(InvalidOperationException).FullName, $"type '{f?.ErrorType}'");
                Expect(f?.ErrorMessage == "boom", $"message '{f?.ErrorMessage}'");
                Expect(!string.IsNullOrEmpty(f?.StackTrace), "no stack trace");
            }),

            new("FailNested carries an inner failure", async ct =>
            {
                string id = await Client("b").ScheduleNewOrchestrationInstanceAsync("FailNested", "deep", ct);
                OrchestrationMetadata done = await Client("b").WaitForInstanceCompletionAsync(id, true, ct);
                Expect(done.RuntimeStatus == OrchestrationRuntimeStatus.Failed, $"status {done.RuntimeStatus}");
                TaskFailureDetails? inner = done.FailureDetails?.InnerFailure;
                Expect(inner?.ErrorType == typeof(InvalidOperationException).FullName, $"inner type '{inner?.ErrorType}'");
                Expect(inner?.ErrorMessage == "deep", $"inner message '{inner?.ErrorMessage}'");
            }),

            new("CountEvents collects ticks in order", async ct =>
            {
                string id = await Client("a").ScheduleNewOrchestrationInstanceAsync("CountEvents", 3, ct);
                await Client("a").WaitForInstanceStartAsync(id, ct);
                await Client("a").RaiseEventAsync(id, "tick", "one", ct);
                await Client("a").RaiseEventAsync(id, "tick", 2, ct);
                await Client("a").RaiseEventAsync(id, "tick", Json("""{"three":true}"""), ct);
                OrchestrationMetadata done = await Client("a").WaitForInstanceCompletionAsync(id, true, ct);
                ExpectJson(done.SerializedOutput, """["one",2,{"three":true}]""");
                ExpectJson(done.SerializedCustomStatus, "3");
            }),

            new("Sleep waits on a durable timer", async ct =>
            {
                var clock = Stopwatch.StartNew();
                string id = await Client("a").ScheduleNewOrchestrationInstanceAsync("Sleep", 300, ct);
                OrchestrationMetadata done = await Client("a").WaitForInstanceCompletionAsync(id, true, ct);
                ExpectJson(done.SerializedOutput, "\"done\"");
                Expect(clock.ElapsedMilliseconds >= 300, $"finished after {clock.ElapsedMilliseconds} ms");
            }),

            new("Parent calls Echo as a sub-orchestration", async ct =>
            {
                string id = await Client("b").ScheduleNewOrchestrationInstanceAsync("Parent", Json("[true,\"x\"]"), ct);
                OrchestrationMetadata done = await Client("b").WaitForInstanceCompletionAsync(id, true, ct);
                ExpectJson(done.SerializedOutput, "[true,\"x\"]");
            }),

            new("SetCustomStatus is visible before completion", async ct =>
            {
                string id = await Client("a").ScheduleNewOrchestrationInstanceAsync("SetCustomStatus", Json("""{"s":1}"""), ct);
                OrchestrationMetadata? state;
                do
                {
                    await Task.Delay(50, ct);
                    state = await Client("a").GetInstanceAsync(id, true, ct);
                }
                while (state?.SerializedCustomStatus is null);
                ExpectJson(state.SerializedCustomStatus, """{"s":1}""");
                await Client("a").RaiseEventAsync(id, "continue", null, ct);
                OrchestrationMetadata done = await Client("a").WaitForInstanceCompletionAsync(id, true, ct);
                ExpectJson(done.SerializedOutput, """{"s":1}""");
            }),

            new("RunUntilTerminated can be terminated", async ct =>
            {
                string id = await Client("b").ScheduleNewOrchestrationInstanceAsync("RunUntilTerminated", ct);
                await Client("b").WaitForInstanceStartAsync(id, ct);
                await Client("b").TerminateInstanceAsync(id, "stop", ct);
                OrchestrationMetadata done = await Client("b").WaitForInstanceCompletionAsync(id, true, ct);
                Expect(done.RuntimeStatus == OrchestrationRuntimeStatus.Terminated, $"status {done.RuntimeStatus}");
            }),

            new("messages to a missing instance give NOT_FOUND", async ct =>
            {
                RpcException e = await ExpectRpcError(
                    () => Raw("a").RaiseEventAsync(new P.RaiseEventRequest { InstanceId = "ghost", Name = "e" }, cancellationToken: ct).ResponseAsync);
                Expect(e.StatusCode == StatusCode.NotFound, $"status {e.StatusCode}");
                e = await ExpectRpcError(
                    () => Raw("a").TerminateInstanceAsync(new P.TerminateRequest { InstanceId = "ghost" }, cancellationToken: ct).ResponseAsync);
                Expect(e.StatusCode == StatusCode.NotFound, $"status {e.StatusCode}");
            }),

            new("methods upstream lacks stay UNIMPLEMENTED", async ct =>
            {
                RpcException e = await ExpectRpcError(
                    () => Raw("a").RewindInstanceAsync(new P.RewindInstanceRequest { InstanceId = "x" }, cancellationToken: ct).ResponseAsync);
                Expect(e.StatusCode == StatusCode.Unimplemented, $"status {e.StatusCode}");
            }),
        };

        int failed = 0;
        foreach ((string name, Func<CancellationToken, Task> body) in checks)
        {
            using var timeout = new CancellationTokenSource(CheckTimeout);
            var clock = Stopwatch.StartNew();
            try
            {
                await body(timeout.Token);
                Console.Error.WriteLine($"ok   {name} ({clock.ElapsedMilliseconds} ms)");
            }
            catch (Exception e)
            {
                failed++;
                string why = e is OperationCanceledException && timeout.IsCancellationRequested
                    ? $"timed out after {CheckTimeout}"
                    : e.ToString();
                Console.Error.WriteLine($"FAIL {name}: {why}");
            }
        }

        foreach (GrpcDurableTaskClient client in clients.Values)
        {
            await client.DisposeAsync();
        }

        Console.Error.WriteLine($"{checks.Count - failed} passed, {failed} failed");
        Console.Out.WriteLine(failed == 0 ? "SELFTEST OK" : "SELFTEST FAILED");
        Console.Out.Flush();
        return failed == 0 ? 0 : 1;
    }

    sealed record Check(string Name, Func<CancellationToken, Task> Body);

    static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("check failed: " + what);
        }
    }

    static void ExpectJson(string? actual, string expected)
    {
        bool same = actual is not null && JsonNode.DeepEquals(JsonNode.Parse(actual), JsonNode.Parse(expected));
        Expect(same, $"got {actual ?? "<null>"}, want {expected}");
    }

    static async Task<RpcException> ExpectRpcError(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException e)
        {
            return e;
        }

        throw new InvalidOperationException("check failed: call succeeded, expected an error");
    }
}
