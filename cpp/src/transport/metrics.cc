#include "transport/metrics.h"

namespace durabletask::internal {

const char* RpcName(RpcId id) {
  static const char* const kNames[] = {
      "Hello",           "StartInstance",    "GetInstance",    "RewindInstance",
      "RestartInstance", "WaitForInstanceStart", "WaitForInstanceCompletion",
      "RaiseEvent",      "TerminateInstance", "SuspendInstance", "ResumeInstance",
      "QueryInstances",  "ListInstanceIds",  "PurgeInstances", "StreamInstanceHistory",
      "SignalEntity",    "GetEntity",        "QueryEntities",  "CleanEntityStorage"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<size_t>(RpcId::kCount),
                "one name per RPC");
  int index = static_cast<int>(id);
  if (index < 0 || index >= static_cast<int>(RpcId::kCount)) return "?";
  return kNames[index];
}

int Metrics::CodeIndex(StatusCode code) {
  int value = static_cast<int>(code);
  if (value >= 0 && value <= 16) return value;
  return 17;
}

void Metrics::CallFinished(RpcId rpc, StatusCode code) {
  calls_[static_cast<int>(rpc)][CodeIndex(code)].fetch_add(1, std::memory_order_relaxed);
}

MetricsSnapshot Metrics::Snapshot() const {
  MetricsSnapshot snapshot;
  snapshot.clients_created = clients_created_.load(std::memory_order_relaxed);
  snapshot.clients_disposed = clients_disposed_.load(std::memory_order_relaxed);
  snapshot.clients_live = snapshot.clients_created - snapshot.clients_disposed;
  snapshot.channels_opened = channels_opened_.load(std::memory_order_relaxed);
  snapshot.channels_closed = channels_closed_.load(std::memory_order_relaxed);
  snapshot.channels_open = snapshot.channels_opened - snapshot.channels_closed;
  snapshot.retries = retries_.load(std::memory_order_relaxed);
  for (int rpc = 0; rpc < static_cast<int>(RpcId::kCount); ++rpc) {
    for (int code = 0; code < kCodes; ++code) {
      std::uint64_t count = calls_[rpc][code].load(std::memory_order_relaxed);
      if (count == 0) continue;
      StatusCode status = code == 17 ? StatusCode::kNotConfigured : static_cast<StatusCode>(code);
      snapshot.calls[RpcName(static_cast<RpcId>(rpc))][StatusCodeName(status)] = count;
    }
  }
  return snapshot;
}

}  // namespace durabletask::internal
