// One descriptor per RPC of the sidecar service, so that the call machinery can be
// written once for all of them.
#ifndef DURABLETASK_SRC_TRANSPORT_RPC_H_
#define DURABLETASK_SRC_TRANSPORT_RPC_H_

#include <functional>

#include <grpcpp/grpcpp.h>

#include "task_hub_sidecar.grpc.pb.h"

namespace durabletask::internal {

using Stub = ::TaskHubSidecarService::Stub;
using StubInterface = ::TaskHubSidecarService::StubInterface;

enum class RpcId : int {
  kHello = 0,
  kStartInstance,
  kGetInstance,
  kRewindInstance,
  kRestartInstance,
  kWaitForInstanceStart,
  kWaitForInstanceCompletion,
  kRaiseEvent,
  kTerminateInstance,
  kSuspendInstance,
  kResumeInstance,
  kQueryInstances,
  kListInstanceIds,
  kPurgeInstances,
  kStreamInstanceHistory,
  kSignalEntity,
  kGetEntity,
  kQueryEntities,
  kCleanEntityStorage,
  kCount,
};

const char* RpcName(RpcId id);

// Defines a descriptor with the request and response types, a blocking call and a
// callback-API call.
#define DT_DEFINE_UNARY_RPC(Method, Req, Resp)                                           \
  struct Method##Rpc {                                                                   \
    using Request = Req;                                                                 \
    using Response = Resp;                                                               \
    static constexpr RpcId kId = RpcId::k##Method;                                       \
    static grpc::Status Call(StubInterface* stub, grpc::ClientContext* context,          \
                             const Request& request, Response* response) {               \
      return stub->Method(context, request, response);                                   \
    }                                                                                    \
    static void Start(StubInterface* stub, grpc::ClientContext* context,                 \
                      const Request* request, Response* response,                        \
                      std::function<void(grpc::Status)> done) {                          \
      stub->async()->Method(context, request, response, std::move(done));                \
    }                                                                                    \
  }

DT_DEFINE_UNARY_RPC(Hello, ::google::protobuf::Empty, ::google::protobuf::Empty);
DT_DEFINE_UNARY_RPC(StartInstance, ::CreateInstanceRequest, ::CreateInstanceResponse);
DT_DEFINE_UNARY_RPC(GetInstance, ::GetInstanceRequest, ::GetInstanceResponse);
DT_DEFINE_UNARY_RPC(RewindInstance, ::RewindInstanceRequest, ::RewindInstanceResponse);
DT_DEFINE_UNARY_RPC(RestartInstance, ::RestartInstanceRequest, ::RestartInstanceResponse);
DT_DEFINE_UNARY_RPC(WaitForInstanceStart, ::GetInstanceRequest, ::GetInstanceResponse);
DT_DEFINE_UNARY_RPC(WaitForInstanceCompletion, ::GetInstanceRequest, ::GetInstanceResponse);
DT_DEFINE_UNARY_RPC(RaiseEvent, ::RaiseEventRequest, ::RaiseEventResponse);
DT_DEFINE_UNARY_RPC(TerminateInstance, ::TerminateRequest, ::TerminateResponse);
DT_DEFINE_UNARY_RPC(SuspendInstance, ::SuspendRequest, ::SuspendResponse);
DT_DEFINE_UNARY_RPC(ResumeInstance, ::ResumeRequest, ::ResumeResponse);
DT_DEFINE_UNARY_RPC(QueryInstances, ::QueryInstancesRequest, ::QueryInstancesResponse);
DT_DEFINE_UNARY_RPC(ListInstanceIds, ::ListInstanceIdsRequest, ::ListInstanceIdsResponse);
DT_DEFINE_UNARY_RPC(PurgeInstances, ::PurgeInstancesRequest, ::PurgeInstancesResponse);
DT_DEFINE_UNARY_RPC(SignalEntity, ::SignalEntityRequest, ::SignalEntityResponse);
DT_DEFINE_UNARY_RPC(GetEntity, ::GetEntityRequest, ::GetEntityResponse);
DT_DEFINE_UNARY_RPC(QueryEntities, ::QueryEntitiesRequest, ::QueryEntitiesResponse);
DT_DEFINE_UNARY_RPC(CleanEntityStorage, ::CleanEntityStorageRequest,
                    ::CleanEntityStorageResponse);

#undef DT_DEFINE_UNARY_RPC

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_TRANSPORT_RPC_H_
