#include "transport/channel_pool.h"

#include <utility>
#include <vector>

#include "common/logging.h"
#include "transport/address.h"

namespace durabletask::internal {
namespace {

std::shared_ptr<grpc::Channel> MakeChannel(const ChannelSettings& settings) {
  grpc::ChannelArguments arguments;
  // Our pool alone decides which clients share a connection; gRPC's process-wide
  // subchannel sharing would hide that decision.
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (settings.keepalive_time_ms > 0) {
    arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(settings.keepalive_time_ms));
    arguments.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                     static_cast<int>(settings.keepalive_timeout_ms));
    arguments.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
                     settings.keepalive_permit_without_calls ? 1 : 0);
  }
  if (settings.max_send_message_size > 0) {
    arguments.SetMaxSendMessageSize(settings.max_send_message_size);
  }
  if (settings.max_receive_message_size > 0) {
    arguments.SetMaxReceiveMessageSize(settings.max_receive_message_size);
  }

  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (settings.tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = settings.root_certificates_pem;
    ssl.pem_cert_chain = settings.client_certificate_chain_pem;
    ssl.pem_private_key = settings.client_private_key_pem;
    credentials = grpc::SslCredentials(ssl);
    if (!settings.server_name_override.empty()) {
      arguments.SetSslTargetNameOverride(settings.server_name_override);
    }
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  return grpc::CreateCustomChannel(settings.target, credentials, arguments);
}


}  // namespace

Result<ChannelSettings> ChannelSettings::FromOptions(const ClientOptions& options) {
  Result<ParsedAddress> address = ParseAddress(options.address);
  if (!address.ok()) return address.status();

  ChannelSettings settings;
  settings.target = address->target;
  settings.tls = address->scheme_tls == SchemeTls::kTls ||
                 (address->scheme_tls == SchemeTls::kUnspecified && options.tls.enabled);
  if (settings.tls) {
    settings.root_certificates_pem = options.tls.root_certificates_pem;
    settings.client_certificate_chain_pem = options.tls.client_certificate_chain_pem;
    settings.client_private_key_pem = options.tls.client_private_key_pem;
    settings.server_name_override = options.tls.server_name_override;
  }
  settings.keepalive_time_ms = options.keepalive.time.count();
  settings.keepalive_timeout_ms = options.keepalive.timeout.count();
  settings.keepalive_permit_without_calls = options.keepalive.permit_without_calls;
  settings.max_send_message_size = options.max_send_message_size;
  settings.max_receive_message_size = options.max_receive_message_size;
  return settings;
}

std::string ChannelSettings::Key() const {
  // Length-prefixed fields, so no two different settings can collide.
  std::string key;
  auto append = [&key](const std::string& field) {
    key += std::to_string(field.size());
    key += ':';
    key += field;
  };
  append(target);
  append(tls ? "tls" : "plaintext");
  append(root_certificates_pem);
  append(client_certificate_chain_pem);
  append(client_private_key_pem);
  append(server_name_override);
  append(std::to_string(keepalive_time_ms));
  append(std::to_string(keepalive_timeout_ms));
  append(keepalive_permit_without_calls ? "1" : "0");
  append(std::to_string(max_send_message_size));
  append(std::to_string(max_receive_message_size));
  return key;
}

ChannelLease::ChannelLease(ChannelLease&& other) noexcept
    : pool_(std::move(other.pool_)), entry_(std::exchange(other.entry_, nullptr)) {}

ChannelLease& ChannelLease::operator=(ChannelLease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::move(other.pool_);
    entry_ = std::exchange(other.entry_, nullptr);
  }
  return *this;
}

void ChannelLease::Release() {
  if (entry_ == nullptr) return;
  std::shared_ptr<ChannelPool> pool = std::move(pool_);
  const std::string& key = entry_->first;
  entry_ = nullptr;
  pool->Release(key);
}

std::shared_ptr<ChannelPool> ChannelPool::Create(std::shared_ptr<Metrics> metrics,
                                                 std::chrono::milliseconds idle_timeout) {
  return std::shared_ptr<ChannelPool>(new ChannelPool(std::move(metrics), idle_timeout));
}

ChannelPool::ChannelPool(std::shared_ptr<Metrics> metrics, std::chrono::milliseconds idle_timeout)
    : metrics_(std::move(metrics)), idle_timeout_(idle_timeout) {
  stub_maker_ = [](const std::shared_ptr<grpc::Channel>& channel) {
    return std::shared_ptr<StubInterface>(::TaskHubSidecarService::NewStub(channel));
  };
}

ChannelPool::~ChannelPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  sweep_wakeup_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  for (auto& [key, entry] : entries_) {
    (void)key;
    (void)entry;
    if (metrics_) metrics_->ChannelClosed();
  }
}

ChannelLease ChannelPool::Acquire(const ChannelSettings& settings) {
  return Acquire(settings, settings.Key());
}

ChannelLease ChannelPool::Acquire(const ChannelSettings& settings, const std::string& key) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto found = entries_.find(key);
  if (found == entries_.end()) {
    PooledChannel entry;
    entry.channel = MakeChannel(settings);
    entry.stub = stub_maker_(entry.channel);
    found = entries_.emplace(key, std::move(entry)).first;
    if (metrics_) metrics_->ChannelOpened();
    if (LogEnabled(LogLevel::kDebug)) {
      Log(LogLevel::kDebug, "channel",
          std::string("opened a channel to ") + settings.target + (settings.tls ? " (TLS)" : ""));
    }
  }
  ++found->second.leases;
  return ChannelLease(shared_from_this(), &*found);
}

void ChannelPool::Release(const std::string& key) {
  std::map<std::string, PooledChannel> closed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = entries_.find(key);
    if (found == entries_.end()) return;
    if (--found->second.leases > 0) return;

    found->second.idle_since = std::chrono::steady_clock::now();
    if (idle_timeout_.count() == 0) {
      closed.insert(entries_.extract(found));
      if (metrics_) metrics_->ChannelClosed();
    } else if (!sweeper_.joinable() && !stopping_) {
      sweeper_ = std::thread([this] { SweepLoop(); });
    } else {
      sweep_wakeup_.notify_all();
    }
  }
  // `closed` destroys its channels here, outside the lock.
}

int ChannelPool::CloseIdleLocked(std::chrono::steady_clock::time_point now,
                                 std::map<std::string, PooledChannel>* closed) {
  int count = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.leases == 0 && now - it->second.idle_since >= idle_timeout_) {
      if (LogEnabled(LogLevel::kDebug)) {
        Log(LogLevel::kDebug, "channel", "closed an idle channel");
      }
      auto next = std::next(it);
      closed->insert(entries_.extract(it));
      if (metrics_) metrics_->ChannelClosed();
      ++count;
      it = next;
    } else {
      ++it;
    }
  }
  return count;
}

int ChannelPool::CloseIdle() {
  std::map<std::string, PooledChannel> closed;
  std::lock_guard<std::mutex> lock(mutex_);
  return CloseIdleLocked(std::chrono::steady_clock::now(), &closed);
}

void ChannelPool::SweepLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    // Wake at the earliest moment an idle channel could expire.
    auto now = std::chrono::steady_clock::now();
    auto wake = now + std::chrono::hours(1);
    for (const auto& [key, entry] : entries_) {
      (void)key;
      if (entry.leases == 0) wake = std::min(wake, entry.idle_since + idle_timeout_);
    }
    sweep_wakeup_.wait_until(lock, wake);
    if (stopping_) break;

    std::map<std::string, PooledChannel> closed;
    CloseIdleLocked(std::chrono::steady_clock::now(), &closed);
    lock.unlock();
    closed.clear();
    lock.lock();
  }
}

void ChannelPool::SetIdleTimeout(std::chrono::milliseconds timeout) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_timeout_ = timeout;
  sweep_wakeup_.notify_all();
}

void ChannelPool::SetStubMaker(StubMaker maker) {
  std::lock_guard<std::mutex> lock(mutex_);
  stub_maker_ = std::move(maker);
}

int ChannelPool::OpenCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(entries_.size());
}

}  // namespace durabletask::internal
