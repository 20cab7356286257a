// Counters shared by a factory, its clients and its channel pool. Lock-free on the call
// path: one relaxed atomic increment per finished call.
#ifndef DURABLETASK_SRC_TRANSPORT_METRICS_H_
#define DURABLETASK_SRC_TRANSPORT_METRICS_H_

#include <atomic>
#include <cstdint>

#include "durabletask/factory.h"
#include "durabletask/status.h"
#include "transport/rpc.h"

namespace durabletask::internal {

class Metrics {
 public:
  static constexpr int kCodes = 18;  // gRPC's 17 codes plus "not configured"

  void ClientCreated() { clients_created_.fetch_add(1, std::memory_order_relaxed); }
  void ClientDisposed() { clients_disposed_.fetch_add(1, std::memory_order_relaxed); }
  void ChannelOpened() { channels_opened_.fetch_add(1, std::memory_order_relaxed); }
  void ChannelClosed() { channels_closed_.fetch_add(1, std::memory_order_relaxed); }
  void Retry() { retries_.fetch_add(1, std::memory_order_relaxed); }
  void CallFinished(RpcId rpc, StatusCode code);

  MetricsSnapshot Snapshot() const;

 private:
  static int CodeIndex(StatusCode code);

  std::atomic<std::uint64_t> clients_created_{0};
  std::atomic<std::uint64_t> clients_disposed_{0};
  std::atomic<std::uint64_t> channels_opened_{0};
  std::atomic<std::uint64_t> channels_closed_{0};
  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> calls_[static_cast<int>(RpcId::kCount)][kCodes] = {};
};

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_TRANSPORT_METRICS_H_
