// The client factory, the client provider, and the builder that configures both.
//
// Options of a client are composed in this order, each step seeing what the previous
// left:
//   1. library defaults (ClientOptions{}),
//   2. the options given to ClientFactoryBuilder::UseGrpc,
//   3. configuration registered for all names (ConfigureAll), in registration order,
//   4. configuration registered for the client's name (Configure), in registration order,
//   5. the `configure` action passed to CreateClient.
// Then, if task_hub is still empty, the client's name becomes its task hub (the default
// name, "", becomes the hub "default").
#ifndef DURABLETASK_FACTORY_H_
#define DURABLETASK_FACTORY_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "durabletask/client.h"
#include "durabletask/export.h"
#include "durabletask/options.h"
#include "durabletask/status.h"

namespace durabletask {

namespace internal {
class FactoryState;
class ClientCache;
}  // namespace internal

using ConfigureOptions = std::function<void(ClientOptions&)>;

// Counters of one factory (and of every client and channel it made). A snapshot is a
// copy; later activity does not change it.
struct MetricsSnapshot {
  std::uint64_t clients_created = 0;
  std::uint64_t clients_disposed = 0;
  std::uint64_t clients_live = 0;
  std::uint64_t channels_opened = 0;
  std::uint64_t channels_closed = 0;
  std::uint64_t channels_open = 0;
  std::uint64_t retries = 0;
  // Finished calls by RPC name ("RaiseEvent") and then by status code name ("ok").
  std::map<std::string, std::map<std::string, std::uint64_t>> calls;
};

enum class HealthState : int { kReachable = 0, kUnreachable = 1, kNotFound = 2 };

DT_API const char* HealthStateName(HealthState state);

struct HealthReport {
  HealthState state = HealthState::kUnreachable;
  std::string task_hub;
  std::string address;
  // Empty when reachable; otherwise why not.
  std::string reason;
};

// Hands out new clients for any name at run time. A name is usually a task hub; see the
// composition order at the top of this file.
//
// Thread safety: every method may be called from any number of threads at once.
// Cost: CreateClient composes options and takes a reference to a pooled channel; it does
// no network I/O.
class DT_API ClientFactory {
 public:
  ~ClientFactory();

  // A new client the caller owns. An empty name means the default name.
  Result<std::unique_ptr<Client>> CreateClient(const std::string& name = "");
  // As above, with `configure` applied last. An empty std::function is kInvalidArgument.
  Result<std::unique_ptr<Client>> CreateClient(const std::string& name,
                                               const ConfigureOptions& configure);

  // The options a client of this name would get now (without a per-call action).
  Result<ClientOptions> ResolveOptions(const std::string& name) const;

  // Named configuration, added at run time; later clients see it, existing ones keep
  // what they were created with.
  Status ConfigureAll(ConfigureOptions configure);
  Status Configure(const std::string& name, ConfigureOptions configure);

  // Sends Hello for a name's task hub under `timeout`.
  HealthReport CheckHealth(const std::string& name,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));

  MetricsSnapshot Metrics() const;

  // Channels without clients that have been idle this long are closed.
  void SetChannelIdleTimeout(std::chrono::milliseconds timeout);
  // Closes idle unused channels now; returns how many were closed.
  int CloseIdleChannels();
  // Number of pooled channels open now.
  int OpenChannelCount() const;

 private:
  friend class ClientFactoryBuilder;
  friend class ClientProvider;
  friend class CachingClientFactory;
  explicit ClientFactory(std::shared_ptr<internal::FactoryState> state);
  std::shared_ptr<internal::FactoryState> state_;
};

// Clients registered up front, built once and owned by the provider.
//
// Thread safety: every method may be called from any number of threads at once.
class DT_API ClientProvider {
 public:
  ~ClientProvider();

  // The registered client of that name (borrowed; valid while the provider lives). An
  // unknown name is kNotFound, and the message lists the registered names.
  Result<Client*> GetClient(const std::string& name = "") const;
  std::vector<std::string> Names() const;

 private:
  friend class ClientFactoryBuilder;
  ClientProvider() = default;
  std::map<std::string, std::unique_ptr<Client>> clients_;
};

// Configures a factory and a provider, as AddDurableTaskClient(...).UseGrpc(...) does in
// .NET. A builder is not thread-safe; the factory and provider it builds are.
class DT_API ClientFactoryBuilder {
 public:
  ClientFactoryBuilder();
  ~ClientFactoryBuilder();
  ClientFactoryBuilder(ClientFactoryBuilder&&) noexcept;
  ClientFactoryBuilder& operator=(ClientFactoryBuilder&&) noexcept;

  // Chooses the gRPC transport with these base options. Without it, CreateClient fails
  // with kNotConfigured.
  ClientFactoryBuilder& UseGrpc(ClientOptions base = {});
  // UseGrpc with a connection string; a bad string makes Build() fail, naming the fault.
  ClientFactoryBuilder& UseConnectionString(const std::string& connection_string);
  ClientFactoryBuilder& ConfigureAll(ConfigureOptions configure);
  ClientFactoryBuilder& Configure(const std::string& name, ConfigureOptions configure);
  // Registers a name for the provider (its configuration comes from Configure).
  ClientFactoryBuilder& AddClient(const std::string& name = "");
  ClientFactoryBuilder& SetChannelIdleTimeout(std::chrono::milliseconds timeout);

  Result<std::shared_ptr<ClientFactory>> BuildFactory();
  // Builds every registered client; the provider's clients share the factory's channels.
  Result<std::unique_ptr<ClientProvider>> BuildProvider();

 private:
  class Configuration;
  std::unique_ptr<Configuration> configuration_;
  Status deferred_error_;
  std::vector<std::string> registered_;
};

// A factory wrapper that hands out shared clients per name, keeping at most `capacity`
// (least recently used goes first) and dropping those unused for `idle_timeout`.
// Evicting a client a caller still holds is safe: the caller's reference keeps it alive.
//
// Thread safety: every method may be called from any number of threads at once.
class DT_API CachingClientFactory {
 public:
  CachingClientFactory(std::shared_ptr<ClientFactory> factory, size_t capacity,
                       std::chrono::milliseconds idle_timeout);
  ~CachingClientFactory();

  Result<std::shared_ptr<Client>> GetClient(const std::string& name = "");
  size_t size() const;
  std::uint64_t evictions() const;
  void Clear();

 private:
  std::shared_ptr<ClientFactory> factory_;
  std::unique_ptr<internal::ClientCache> cache_;
};

}  // namespace durabletask

#endif  // DURABLETASK_FACTORY_H_
