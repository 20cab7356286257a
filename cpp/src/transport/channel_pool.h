// The channel pool: one gRPC channel (one HTTP/2 connection) per distinct endpoint and
// channel settings, shared by every client that asks for the same.
#ifndef DURABLETASK_SRC_TRANSPORT_CHANNEL_POOL_H_
#define DURABLETASK_SRC_TRANSPORT_CHANNEL_POOL_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "durabletask/options.h"
#include "transport/metrics.h"
#include "transport/rpc.h"

namespace durabletask::internal {

// What makes two channels interchangeable: target, TLS material and channel arguments.
// Task hub, token and user agent are not here: they travel per call.
struct ChannelSettings {
  std::string target;
  bool tls = false;
  std::string root_certificates_pem;
  std::string client_certificate_chain_pem;
  std::string client_private_key_pem;
  std::string server_name_override;
  long long keepalive_time_ms = 0;
  long long keepalive_timeout_ms = 0;
  bool keepalive_permit_without_calls = false;
  int max_send_message_size = 0;
  int max_receive_message_size = 0;

  // Derives the settings from validated options.
  static Result<ChannelSettings> FromOptions(const ClientOptions& options);
  // A key that is equal exactly when two settings are.
  std::string Key() const;
};

// A channel in the pool, shared by the clients that hold a lease on it.
struct PooledChannel {
  std::shared_ptr<grpc::Channel> channel;
  std::shared_ptr<StubInterface> stub;
  int leases = 0;
  std::chrono::steady_clock::time_point idle_since;
};

class ChannelPool;

// One client's claim on a pooled channel; releasing it may let the channel close. A
// lease is a small value that lives inside the connection holding it. Empty once moved
// from or released.
class ChannelLease {
 public:
  ChannelLease() = default;
  ChannelLease(ChannelLease&& other) noexcept;
  ChannelLease& operator=(ChannelLease&& other) noexcept;
  ~ChannelLease() { Release(); }

  // The channel and its stub do not change while a lease is held, so reading them needs
  // no lock.
  StubInterface* stub() const { return entry_->second.stub.get(); }
  grpc::Channel* channel() const { return entry_->second.channel.get(); }
  const std::string& key() const { return entry_->first; }

  // Gives the claim back now.
  void Release();

 private:
  friend class ChannelPool;
  using Entry = std::pair<const std::string, PooledChannel>;
  ChannelLease(std::shared_ptr<ChannelPool> pool, const Entry* entry)
      : pool_(std::move(pool)), entry_(entry) {}

  std::shared_ptr<ChannelPool> pool_;
  // The pool's own entry, key included: every client holds a lease, and a key carries the
  // endpoint's TLS material, so a copy per lease would cost each client kilobytes.
  const Entry* entry_ = nullptr;
};

// Builds the stub for a channel. Tests swap it to inject faults.
using StubMaker =
    std::function<std::shared_ptr<StubInterface>(const std::shared_ptr<grpc::Channel>&)>;

// Thread safety: every method may be called from any thread.
// Channels are created lazily by gRPC: acquiring a lease does no network I/O.
class ChannelPool : public std::enable_shared_from_this<ChannelPool> {
 public:
  // `idle_timeout` zero closes a channel as soon as its last lease goes.
  static std::shared_ptr<ChannelPool> Create(std::shared_ptr<Metrics> metrics,
                                             std::chrono::milliseconds idle_timeout);
  ~ChannelPool();

  ChannelLease Acquire(const ChannelSettings& settings);
  // The same, for a caller that keeps `settings.Key()` at hand.
  ChannelLease Acquire(const ChannelSettings& settings, const std::string& key);

  void SetIdleTimeout(std::chrono::milliseconds timeout);
  void SetStubMaker(StubMaker maker);
  // Closes every channel without leases that has been idle for the idle timeout.
  int CloseIdle();
  int OpenCount() const;

 private:
  friend class ChannelLease;

  ChannelPool(std::shared_ptr<Metrics> metrics, std::chrono::milliseconds idle_timeout);
  void Release(const std::string& key);
  int CloseIdleLocked(std::chrono::steady_clock::time_point now,
                      std::map<std::string, PooledChannel>* closed);
  void SweepLoop();

  std::shared_ptr<Metrics> metrics_;
  mutable std::mutex mutex_;
  std::condition_variable sweep_wakeup_;
  std::map<std::string, PooledChannel> entries_;
  std::chrono::milliseconds idle_timeout_;
  StubMaker stub_maker_;
  std::thread sweeper_;
  bool stopping_ = false;
};

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_TRANSPORT_CHANNEL_POOL_H_
