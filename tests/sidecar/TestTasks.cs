using System.Text.Json;
using Microsoft.DurableTask;

namespace Sidecar;

/// <summary>
/// The orchestrations and activities every hub's worker offers to tests.
/// Inputs and outputs are taken as raw JSON values (JsonElement) where the
/// tests may send anything, so that what goes in comes back byte-for-byte
/// equivalent instead of being coerced to some .NET type.
/// </summary>
public static class TestTasks
{
    public static readonly string[] OrchestrationNames =
    [
        "Echo", "WaitForEvent", "CountEvents", "Fail", "FailNested", "Sleep",
        "RunUntilTerminated", "Parent", "SetCustomStatus", "Greet", "Describe",
    ];

    public static readonly string[] ActivityNames = ["SayHello", "FailActivity"];

    public static void Register(DurableTaskRegistry tasks)
    {
        tasks.AddOrchestratorFunc<JsonElement?, JsonElement?>(
            "Echo",
            (ctx, input) => Task.FromResult(input));

        tasks.AddOrchestratorFunc<string, JsonElement?>(
            "WaitForEvent",
            async (ctx, eventName) => await ctx.WaitForExternalEvent<JsonElement?>(eventName));

        tasks.AddOrchestratorFunc<int, List<JsonElement?>>(
            "CountEvents",
            async (ctx, count) =>
            {
                var payloads = new List<JsonElement?>(count);
                for (int i = 0; i < count; i++)
                {
                    payloads.Add(await ctx.WaitForExternalEvent<JsonElement?>("tick"));
                    ctx.SetCustomStatus(payloads.Count);
                }

                return payloads;
            });

        tasks.AddOrchestratorFunc<string, string>(
            "Fail",
            (ctx, message) => Throw(message));

        // The orchestration fails because its activity failed, so the
        // failure details carry an inner failure (the activity's exception).
        tasks.AddOrchestratorFunc<string, string>(
            "FailNested",
            async (ctx, message) => await ctx.CallActivityAsync<string>("FailActivity", message));

        tasks.AddActivityFunc<string, string>(
            "FailActivity",
            (ctx, message) => Throw(message));

        tasks.AddOrchestratorFunc<long, string>(
            "Sleep",
            async (ctx, milliseconds) =>
            {
                await ctx.CreateTimer(TimeSpan.FromMilliseconds(milliseconds), CancellationToken.None);
                return "done";
            });

        tasks.AddOrchestratorFunc<JsonElement?, JsonElement?>(
            "RunUntilTerminated",
            async (ctx, _) => await ctx.WaitForExternalEvent<JsonElement?>("never"));

        tasks.AddOrchestratorFunc<JsonElement?, JsonElement?>(
            "Parent",
            async (ctx, input) => await ctx.CallSubOrchestratorAsync<JsonElement?>("Echo", input));

        tasks.AddOrchestratorFunc<JsonElement?, JsonElement?>(
            "SetCustomStatus",
            async (ctx, input) =>
            {
                ctx.SetCustomStatus(input);
                await ctx.WaitForExternalEvent<JsonElement?>("continue");
                return input;
            });

        // Reports what the worker was told about this instance, for facts the sidecar
        // leaves out of its instance metadata (version) and to show when the first
        // execution really ran (scheduled starts).
        tasks.AddOrchestratorFunc<JsonElement?, Dictionary<string, string>>(
            "Describe",
            (ctx, _) => Task.FromResult(new Dictionary<string, string>
            {
                ["version"] = ctx.Version,
                ["firstRunUtc"] = ctx.CurrentUtcDateTime.ToUniversalTime().ToString("O"),
                ["unixMs"] = new DateTimeOffset(ctx.CurrentUtcDateTime, TimeSpan.Zero)
                    .ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));

        tasks.AddActivityFunc<string, string>(
            "SayHello",
            (ctx, name) => $"Hello, {name}!");

        tasks.AddOrchestratorFunc<string, string>(
            "Greet",
            async (ctx, name) => await ctx.CallActivityAsync<string>("SayHello", name));
    }

    // A real throw (not a faulted task built by hand) so the failure details
    // carry a stack trace.
    static Task<string> Throw(string message) => throw new InvalidOperationException(message);
}
