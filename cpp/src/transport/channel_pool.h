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

class ChannelPool;

// One client's claim on a pooled channel; releasing it may let the channel close.
class ChannelLease {
 public:
  // `key` is the pool's own copy, which lives as long as any lease on its channel.
  ChannelLease(std::shared_ptr<ChannelPool> pool, const std::string* key,
               std::shared_ptr<grpc::Channel> channel, std::shared_ptr<StubInterface> stub)
      : pool_(std::move(pool)), key_(key), channel_(std::move(channel)),
        stub_(std::move(stub)) {}
  ~ChannelLease();
  ChannelLease(const ChannelLease&) = delete;
  ChannelLease& operator=(const ChannelLease&) = delete;

  StubInterface* stub() const { return stub_.get(); }
  grpc::Channel* channel() const { return channel_.get(); }
  const std::string& key() const { return *key_; }

 private:
  std::shared_ptr<ChannelPool> pool_;
  // Borrowed, not copied: every client holds a lease, and a key carries the endpoint's
  // TLS material, so a copy per lease would cost each client kilobytes.
  const std::string* key_;
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<StubInterface> stub_;
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

  std::shared_ptr<ChannelLease> Acquire(const ChannelSettings& settings);

  void SetIdleTimeout(std::chrono::milliseconds timeout);
  void SetStubMaker(StubMaker maker);
  // Closes every channel without leases that has been idle for the idle timeout.
  int CloseIdle();
  int OpenCount() const;

 private:
  friend class ChannelLease;
  struct Entry {
    std::shared_ptr<grpc::Channel> channel;
    std::shared_ptr<StubInterface> stub;
    int leases = 0;
    std::chrono::steady_clock::time_point idle_since;
  };

  ChannelPool(std::shared_ptr<Metrics> metrics, std::chrono::milliseconds idle_timeout);
  void Release(const std::string& key);
  int CloseIdleLocked(std::chrono::steady_clock::time_point now,
                      std::map<std::string, Entry>* closed);
  void SweepLoop();

  std::shared_ptr<Metrics> metrics_;
  mutable std::mutex mutex_;
  std::condition_variable sweep_wakeup_;
  std::map<std::string, Entry> entries_;
  std::chrono::milliseconds idle_timeout_;
  StubMaker stub_maker_;
  std::thread sweeper_;
  bool stopping_ = false;
};

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_TRANSPORT_CHANNEL_POOL_H_
