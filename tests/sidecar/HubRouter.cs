using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.DurableTask.Protobuf;

namespace Sidecar;

/// <summary>
/// The only gRPC service bound to the port. Every method picks the hub named
/// by the "taskhub" header and hands the call, unchanged, to that hub's
/// upstream server object. Methods upstream does not override fall through to
/// the generated base class there, which answers UNIMPLEMENTED, so callers see
/// exactly what a single-hub upstream sidecar would tell them.
/// </summary>
public sealed class HubRouter : TaskHubSidecarService.TaskHubSidecarServiceBase
{
    readonly HubRegistry hubs;

    public HubRouter(HubRegistry hubs)
    {
        this.hubs = hubs;
    }

    TaskHubSidecarService.TaskHubSidecarServiceBase Hub(ServerCallContext context) =>
        this.hubs.Resolve(context).Server;

    /// <summary>
    /// Upstream queues a message even for an instance that does not exist (never
    /// created, or purged); its dispatcher then fails on that message and
    /// retries it without end, thousands of times a second, logging each time.
    /// Refusing such calls up front keeps one test's mistake from pinning a
    /// core for the rest of the run. Instances that exist, finished or not,
    /// go through untouched.
    /// </summary>
    static async Task RequireInstance(TaskHub hub, string instanceId)
    {
        if (await hub.Service.GetOrchestrationStateAsync(instanceId, executionId: null) is null)
        {
            throw new RpcException(new Status(
                StatusCode.NotFound,
                $"instance '{instanceId}' not found in task hub '{hub.Name}'"));
        }
    }

    public override Task<Empty> Hello(Empty request, ServerCallContext context) =>
        this.Hub(context).Hello(request, context);

    public override Task<CreateInstanceResponse> StartInstance(CreateInstanceRequest request, ServerCallContext context) =>
        this.Hub(context).StartInstance(request, context);

    public override Task<GetInstanceResponse> GetInstance(GetInstanceRequest request, ServerCallContext context) =>
        this.Hub(context).GetInstance(request, context);

    public override Task<RewindInstanceResponse> RewindInstance(RewindInstanceRequest request, ServerCallContext context) =>
        this.Hub(context).RewindInstance(request, context);

    public override Task<RestartInstanceResponse> RestartInstance(RestartInstanceRequest request, ServerCallContext context) =>
        this.Hub(context).RestartInstance(request, context);

    public override Task<GetInstanceResponse> WaitForInstanceStart(GetInstanceRequest request, ServerCallContext context) =>
        this.Hub(context).WaitForInstanceStart(request, context);

    public override Task<GetInstanceResponse> WaitForInstanceCompletion(GetInstanceRequest request, ServerCallContext context) =>
        this.Hub(context).WaitForInstanceCompletion(request, context);

    public override async Task<RaiseEventResponse> RaiseEvent(RaiseEventRequest request, ServerCallContext context)
    {
        TaskHub hub = this.hubs.Resolve(context);
        await RequireInstance(hub, request.InstanceId);
        return await hub.Server.RaiseEvent(request, context);
    }

    public override async Task<TerminateResponse> TerminateInstance(TerminateRequest request, ServerCallContext context)
    {
        TaskHub hub = this.hubs.Resolve(context);
        await RequireInstance(hub, request.InstanceId);
        return await hub.Server.TerminateInstance(request, context);
    }

    public override async Task<SuspendResponse> SuspendInstance(SuspendRequest request, ServerCallContext context)
    {
        TaskHub hub = this.hubs.Resolve(context);
        await RequireInstance(hub, request.InstanceId);
        return await hub.Server.SuspendInstance(request, context);
    }

    public override async Task<ResumeResponse> ResumeInstance(ResumeRequest request, ServerCallContext context)
    {
        TaskHub hub = this.hubs.Resolve(context);
        await RequireInstance(hub, request.InstanceId);
        return await hub.Server.ResumeInstance(request, context);
    }

    public override Task<QueryInstancesResponse> QueryInstances(QueryInstancesRequest request, ServerCallContext context) =>
        this.Hub(context).QueryInstances(request, context);

    public override Task<ListInstanceIdsResponse> ListInstanceIds(ListInstanceIdsRequest request, ServerCallContext context) =>
        this.Hub(context).ListInstanceIds(request, context);

    public override Task<PurgeInstancesResponse> PurgeInstances(PurgeInstancesRequest request, ServerCallContext context) =>
        this.Hub(context).PurgeInstances(request, context);

    public override Task GetWorkItems(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> responseStream, ServerCallContext context)
    {
        TaskHub hub = this.hubs.Resolve(context);
        hub.OnWorkerConnected();
        return hub.Server.GetWorkItems(request, responseStream, context);
    }

    public override Task<CompleteTaskResponse> CompleteActivityTask(ActivityResponse request, ServerCallContext context) =>
        this.Hub(context).CompleteActivityTask(request, context);

    public override Task<CompleteTaskResponse> CompleteOrchestratorTask(OrchestratorResponse request, ServerCallContext context) =>
        this.Hub(context).CompleteOrchestratorTask(request, context);

    public override Task<CompleteTaskResponse> CompleteEntityTask(EntityBatchResult request, ServerCallContext context) =>
        this.Hub(context).CompleteEntityTask(request, context);

    public override Task StreamInstanceHistory(StreamInstanceHistoryRequest request, IServerStreamWriter<HistoryChunk> responseStream, ServerCallContext context) =>
        this.Hub(context).StreamInstanceHistory(request, responseStream, context);

    public override Task<CreateTaskHubResponse> CreateTaskHub(CreateTaskHubRequest request, ServerCallContext context) =>
        this.Hub(context).CreateTaskHub(request, context);

    public override Task<DeleteTaskHubResponse> DeleteTaskHub(DeleteTaskHubRequest request, ServerCallContext context) =>
        this.Hub(context).DeleteTaskHub(request, context);

    public override Task<SignalEntityResponse> SignalEntity(SignalEntityRequest request, ServerCallContext context) =>
        this.Hub(context).SignalEntity(request, context);

    public override Task<GetEntityResponse> GetEntity(GetEntityRequest request, ServerCallContext context) =>
        this.Hub(context).GetEntity(request, context);

    public override Task<QueryEntitiesResponse> QueryEntities(QueryEntitiesRequest request, ServerCallContext context) =>
        this.Hub(context).QueryEntities(request, context);

    public override Task<CleanEntityStorageResponse> CleanEntityStorage(CleanEntityStorageRequest request, ServerCallContext context) =>
        this.Hub(context).CleanEntityStorage(request, context);

    public override Task<AbandonActivityTaskResponse> AbandonTaskActivityWorkItem(AbandonActivityTaskRequest request, ServerCallContext context) =>
        this.Hub(context).AbandonTaskActivityWorkItem(request, context);

    public override Task<AbandonOrchestrationTaskResponse> AbandonTaskOrchestratorWorkItem(AbandonOrchestrationTaskRequest request, ServerCallContext context) =>
        this.Hub(context).AbandonTaskOrchestratorWorkItem(request, context);

    public override Task<AbandonEntityTaskResponse> AbandonTaskEntityWorkItem(AbandonEntityTaskRequest request, ServerCallContext context) =>
        this.Hub(context).AbandonTaskEntityWorkItem(request, context);

    public override Task<SkipGracefulOrchestrationTerminationsResponse> SkipGracefulOrchestrationTerminations(SkipGracefulOrchestrationTerminationsRequest request, ServerCallContext context) =>
        this.Hub(context).SkipGracefulOrchestrationTerminations(request, context);
}
