#include "durabletask/factory.h"

#include <algorithm>
#include <list>
#include <unordered_map>

#include "common/logging.h"
#include "common/text.h"
#include "factory/factory_state.h"

namespace durabletask {
namespace internal {

namespace {

// The default name's task hub when nothing else names one.
constexpr const char* kDefaultTaskHub = "default";

Status CheckClientName(const std::string& name) {
  if (name.size() > kMaxTaskHubBytes) {
    return Status(StatusCode::kInvalidArgument,
                  "client name is " + std::to_string(name.size()) +
                      " bytes long; the limit is " + std::to_string(kMaxTaskHubBytes));
  }
  return CheckOptionalText("client name", name);
}

}  // namespace

FactoryState::FactoryState(FactoryConfiguration configuration)
    : configuration_(std::move(configuration)),
      metrics_(std::make_shared<Metrics>()),
      pool_(ChannelPool::Create(metrics_, configuration_.channel_idle_timeout)) {}

Result<ClientOptions> FactoryState::Compose(const std::string& name,
                                            const ConfigureOptions* extra) const {
  if (Status s = CheckClientName(name); !s.ok()) return s;

  // Configuration actions are user code: copy them, then run them without the lock.
  ClientOptions options;
  std::vector<ConfigureOptions> actions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!configuration_.transport_configured) {
      return Status(StatusCode::kNotConfigured,
                    "the client factory has no transport configured; call "
                    "ClientFactoryBuilder::UseGrpc (or UseConnectionString) before building it");
    }
    options = configuration_.base;
    actions = configuration_.for_all;
    auto named = configuration_.for_name.find(name);
    if (named != configuration_.for_name.end()) {
      actions.insert(actions.end(), named->second.begin(), named->second.end());
    }
  }
  for (const ConfigureOptions& action : actions) action(options);
  if (extra != nullptr) (*extra)(options);

  if (options.task_hub.empty()) options.task_hub = name.empty() ? kDefaultTaskHub : name;
  return options;
}

Result<std::shared_ptr<ClientCore>> FactoryState::CreateCore(const std::string& name,
                                                             const ConfigureOptions* extra) {
  Result<ClientOptions> options = Compose(name, extra);
  if (!options.ok()) return options.status();
  return ClientCore::Create(name, std::move(options).value(), pool_, metrics_, &profiles_);
}

void FactoryState::AddForAll(ConfigureOptions configure) {
  std::lock_guard<std::mutex> lock(mutex_);
  configuration_.for_all.push_back(std::move(configure));
}

void FactoryState::AddForName(const std::string& name, ConfigureOptions configure) {
  std::lock_guard<std::mutex> lock(mutex_);
  configuration_.for_name[name].push_back(std::move(configure));
}

// Least-recently-used cache of shared clients.
class ClientCache {
 public:
  ClientCache(size_t capacity, std::chrono::milliseconds idle_timeout)
      : capacity_(capacity), idle_timeout_(idle_timeout) {}

  Result<std::shared_ptr<Client>> Get(ClientFactory& factory, const std::string& name) {
    std::vector<std::shared_ptr<Client>> evicted;  // released after the lock
    std::lock_guard<std::mutex> lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    EvictIdleLocked(now, &evicted);

    auto found = index_.find(name);
    if (found != index_.end()) {
      entries_.splice(entries_.begin(), entries_, found->second);
      found->second->last_used = now;
      return found->second->client;
    }

    Result<std::unique_ptr<Client>> created = factory.CreateClient(name);
    if (!created.ok()) return created.status();
    std::shared_ptr<Client> client(std::move(created).value());
    entries_.push_front(Entry{name, client, now});
    index_[name] = entries_.begin();
    while (entries_.size() > capacity_) {
      evicted.push_back(std::move(entries_.back().client));
      index_.erase(entries_.back().name);
      entries_.pop_back();
      ++evictions_;
    }
    return client;
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
  }

  std::uint64_t evictions() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return evictions_;
  }

  void Clear() {
    std::list<Entry> dropped;
    std::lock_guard<std::mutex> lock(mutex_);
    dropped.swap(entries_);
    index_.clear();
  }

 private:
  struct Entry {
    std::string name;
    std::shared_ptr<Client> client;
    std::chrono::steady_clock::time_point last_used;
  };

  void EvictIdleLocked(std::chrono::steady_clock::time_point now,
                       std::vector<std::shared_ptr<Client>>* evicted) {
    if (idle_timeout_.count() <= 0) return;
    while (!entries_.empty() && now - entries_.back().last_used >= idle_timeout_) {
      evicted->push_back(std::move(entries_.back().client));
      index_.erase(entries_.back().name);
      entries_.pop_back();
      ++evictions_;
    }
  }

  const size_t capacity_;
  const std::chrono::milliseconds idle_timeout_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::uint64_t evictions_ = 0;
};

}  // namespace internal

const char* HealthStateName(HealthState state) {
  switch (state) {
    case HealthState::kReachable: return "reachable";
    case HealthState::kUnreachable: return "unreachable";
    case HealthState::kNotFound: return "not_found";
  }
  return "unknown";
}

// --- ClientFactory ------------------------------------------------------------------------

ClientFactory::ClientFactory(std::shared_ptr<internal::FactoryState> state)
    : state_(std::move(state)) {}

ClientFactory::~ClientFactory() = default;

Result<std::unique_ptr<Client>> ClientFactory::CreateClient(const std::string& name) {
  Result<std::shared_ptr<internal::ClientCore>> core = state_->CreateCore(name, nullptr);
  if (!core.ok()) return core.status();
  return std::make_unique<Client>(std::move(core).value());
}

Result<std::unique_ptr<Client>> ClientFactory::CreateClient(const std::string& name,
                                                            const ConfigureOptions& configure) {
  if (!configure) {
    return Status(StatusCode::kInvalidArgument, "the configure action must not be empty");
  }
  Result<std::shared_ptr<internal::ClientCore>> core = state_->CreateCore(name, &configure);
  if (!core.ok()) return core.status();
  return std::make_unique<Client>(std::move(core).value());
}

Result<ClientOptions> ClientFactory::ResolveOptions(const std::string& name) const {
  return state_->Compose(name, nullptr);
}

Status ClientFactory::ConfigureAll(ConfigureOptions configure) {
  if (!configure) return Status(StatusCode::kInvalidArgument, "the configure action must not be empty");
  state_->AddForAll(std::move(configure));
  return Status::Ok();
}

Status ClientFactory::Configure(const std::string& name, ConfigureOptions configure) {
  if (!configure) return Status(StatusCode::kInvalidArgument, "the configure action must not be empty");
  if (!internal::IsValidUtf8(name)) {
    return Status(StatusCode::kInvalidArgument, "client name is not valid UTF-8");
  }
  state_->AddForName(name, std::move(configure));
  return Status::Ok();
}

HealthReport ClientFactory::CheckHealth(const std::string& name, std::chrono::milliseconds timeout) {
  HealthReport report;
  Result<ClientOptions> options = state_->Compose(name, nullptr);
  if (!options.ok()) {
    report.reason = options.status().ToString();
    return report;
  }
  report.task_hub = options->task_hub;
  report.address = options->address;

  Result<std::unique_ptr<Client>> client = CreateClient(name);
  if (!client.ok()) {
    report.reason = client.status().ToString();
    return report;
  }
  Status pinged = (*client)->Ping(CallOptions::WithTimeout(timeout));
  if (pinged.ok()) {
    report.state = HealthState::kReachable;
  } else if (pinged.code() == StatusCode::kNotFound) {
    report.state = HealthState::kNotFound;
    report.reason = pinged.ToString();
  } else {
    report.state = HealthState::kUnreachable;
    report.reason = pinged.ToString();
  }
  return report;
}

MetricsSnapshot ClientFactory::Metrics() const { return state_->metrics()->Snapshot(); }

void ClientFactory::SetChannelIdleTimeout(std::chrono::milliseconds timeout) {
  state_->pool()->SetIdleTimeout(timeout);
}

int ClientFactory::CloseIdleChannels() { return state_->pool()->CloseIdle(); }

int ClientFactory::OpenChannelCount() const { return state_->pool()->OpenCount(); }

// --- ClientProvider ------------------------------------------------------------------------

ClientProvider::~ClientProvider() = default;

Result<Client*> ClientProvider::GetClient(const std::string& name) const {
  auto found = clients_.find(name);
  if (found != clients_.end()) return found->second.get();

  std::string registered;
  for (const auto& [known, client] : clients_) {
    (void)client;
    if (!registered.empty()) registered += ", ";
    registered += "'" + known + "'";
  }
  if (registered.empty()) registered = "none";
  return Status(StatusCode::kNotFound, "no client named '" + name +
                                           "' is registered; registered names: " + registered);
}

std::vector<std::string> ClientProvider::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, client] : clients_) {
    (void)client;
    names.push_back(name);
  }
  return names;
}

// --- ClientFactoryBuilder ------------------------------------------------------------------

class ClientFactoryBuilder::Configuration : public internal::FactoryConfiguration {};

ClientFactoryBuilder::ClientFactoryBuilder()
    : configuration_(std::make_unique<Configuration>()) {}

ClientFactoryBuilder::~ClientFactoryBuilder() = default;
ClientFactoryBuilder::ClientFactoryBuilder(ClientFactoryBuilder&&) noexcept = default;
ClientFactoryBuilder& ClientFactoryBuilder::operator=(ClientFactoryBuilder&&) noexcept = default;

ClientFactoryBuilder& ClientFactoryBuilder::UseGrpc(ClientOptions base) {
  configuration_->transport_configured = true;
  configuration_->base = std::move(base);
  return *this;
}

ClientFactoryBuilder& ClientFactoryBuilder::UseConnectionString(const std::string& connection_string) {
  Result<ClientOptions> options = ParseConnectionString(connection_string);
  if (!options.ok()) {
    if (deferred_error_.ok()) deferred_error_ = options.status();
    return *this;
  }
  return UseGrpc(std::move(options).value());
}

ClientFactoryBuilder& ClientFactoryBuilder::ConfigureAll(ConfigureOptions configure) {
  if (!configure) {
    if (deferred_error_.ok()) {
      deferred_error_ = Status(StatusCode::kInvalidArgument, "the configure action must not be empty");
    }
    return *this;
  }
  configuration_->for_all.push_back(std::move(configure));
  return *this;
}

ClientFactoryBuilder& ClientFactoryBuilder::Configure(const std::string& name,
                                                      ConfigureOptions configure) {
  if (!configure) {
    if (deferred_error_.ok()) {
      deferred_error_ = Status(StatusCode::kInvalidArgument, "the configure action must not be empty");
    }
    return *this;
  }
  configuration_->for_name[name].push_back(std::move(configure));
  return *this;
}

ClientFactoryBuilder& ClientFactoryBuilder::AddClient(const std::string& name) {
  if (std::find(registered_.begin(), registered_.end(), name) == registered_.end()) {
    registered_.push_back(name);
  }
  return *this;
}

ClientFactoryBuilder& ClientFactoryBuilder::SetChannelIdleTimeout(std::chrono::milliseconds timeout) {
  configuration_->channel_idle_timeout = timeout;
  return *this;
}

Result<std::shared_ptr<ClientFactory>> ClientFactoryBuilder::BuildFactory() {
  if (!deferred_error_.ok()) return deferred_error_;
  auto state = std::make_shared<internal::FactoryState>(*configuration_);
  return std::shared_ptr<ClientFactory>(new ClientFactory(std::move(state)));
}

Result<std::unique_ptr<ClientProvider>> ClientFactoryBuilder::BuildProvider() {
  if (!deferred_error_.ok()) return deferred_error_;
  auto state = std::make_shared<internal::FactoryState>(*configuration_);
  std::unique_ptr<ClientProvider> provider(new ClientProvider());
  for (const std::string& name : registered_) {
    Result<std::shared_ptr<internal::ClientCore>> core = state->CreateCore(name, nullptr);
    if (!core.ok()) {
      return Status(core.status().code(),
                    "registered client '" + name + "': " + core.status().message());
    }
    provider->clients_.emplace(name, std::make_unique<Client>(std::move(core).value()));
  }
  return provider;
}

// --- CachingClientFactory ------------------------------------------------------------------

CachingClientFactory::CachingClientFactory(std::shared_ptr<ClientFactory> factory, size_t capacity,
                                           std::chrono::milliseconds idle_timeout)
    : factory_(std::move(factory)),
      cache_(std::make_unique<internal::ClientCache>(std::max<size_t>(capacity, 1), idle_timeout)) {}

CachingClientFactory::~CachingClientFactory() = default;

Result<std::shared_ptr<Client>> CachingClientFactory::GetClient(const std::string& name) {
  return cache_->Get(*factory_, name);
}

size_t CachingClientFactory::size() const { return cache_->size(); }

std::uint64_t CachingClientFactory::evictions() const { return cache_->evictions(); }

void CachingClientFactory::Clear() { cache_->Clear(); }

}  // namespace durabletask
