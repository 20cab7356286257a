#include "client/client_core.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "common/text.h"
#include "durabletask/version.h"

namespace durabletask::internal {
namespace {

// Clients without a suffix, the usual case, share one copy of the user agent.
std::shared_ptr<const std::string> UserAgent(const std::string& suffix) {
  static const auto library_agent = std::make_shared<const std::string>(
      std::string("durabletask-native/") + DURABLETASK_VERSION_STRING + " (cpp)");
  if (suffix.empty()) return library_agent;
  return std::make_shared<const std::string>(*library_agent + " " + suffix);
}

// Builds a key that is equal exactly when two options are: strings are length-prefixed,
// numbers are appended as their bytes.
class KeyBuilder {
 public:
  // Builds into `key`, whose room is kept: a reused buffer costs no allocation.
  KeyBuilder(std::string* key, size_t reserve) : key_(*key) {
    key_.clear();
    key_.reserve(reserve);
  }

  KeyBuilder& Add(const std::string& text) {
    Add(text.size());
    key_ += text;
    return *this;
  }
  template <typename Number, typename = std::enable_if_t<std::is_arithmetic_v<Number>>>
  KeyBuilder& Add(Number number) {
    char bytes[sizeof(Number)];
    std::memcpy(bytes, &number, sizeof(Number));
    key_.append(bytes, sizeof(Number));
    return *this;
  }
  KeyBuilder& Add(std::chrono::milliseconds duration) { return Add(duration.count()); }


 private:
  std::string& key_;
};

}  // namespace

// Every field of ClientOptions except the task hub (left out) and the token provider
// (never shared). A field added to ClientOptions must be added here, or clients that
// differ only in it would share one profile.
std::string ProfileTable::Key(const ClientOptions& options) {
  std::string key;
  KeyInto(options, &key);
  return key;
}

void ProfileTable::KeyInto(const ClientOptions& options, std::string* out) {
  // Room for the strings and about 160 bytes of lengths and numbers, so that the key is
  // built in one allocation at most.
  KeyBuilder key(out, 192 + options.address.size() + options.tls.root_certificates_pem.size() +
                 options.tls.client_certificate_chain_pem.size() +
                 options.tls.client_private_key_pem.size() +
                 options.tls.server_name_override.size() + options.bearer_token.size() +
                 options.user_agent_suffix.size() + options.default_version.size());
  key.Add(options.address)
      .Add(options.tls.enabled)
      .Add(options.tls.root_certificates_pem)
      .Add(options.tls.client_certificate_chain_pem)
      .Add(options.tls.client_private_key_pem)
      .Add(options.tls.server_name_override)
      .Add(options.bearer_token)
      .Add(options.token_refresh_margin)
      .Add(options.allow_insecure_credentials)
      .Add(options.user_agent_suffix)
      .Add(options.default_version)
      .Add(options.enable_entity_support)
      .Add(options.default_deadline)
      .Add(options.retry.max_attempts)
      .Add(options.retry.initial_backoff)
      .Add(options.retry.max_backoff)
      .Add(options.retry.backoff_multiplier)
      .Add(options.keepalive.time)
      .Add(options.keepalive.timeout)
      .Add(options.keepalive.permit_without_calls)
      .Add(options.max_send_message_size)
      .Add(options.max_receive_message_size);
}

namespace {

// Derives what the clients of a profile share from valid options.
Result<ClientProfile> MakeProfile(ClientOptions options) {
  Result<ChannelSettings> channel = ChannelSettings::FromOptions(options);
  if (!channel.ok()) return channel.status();
  auto profile = std::make_unique<Profile>();
  profile->channel_key = channel->Key();
  profile->channel = std::move(channel).value();
  profile->user_agent = UserAgent(options.user_agent_suffix);
  profile->options = std::move(options);
  // A separate allocation, not make_shared: the table's weak reference must not keep the
  // options (and their TLS material) alive once the last client is gone.
  return ClientProfile(std::move(profile));
}

// Trips when ClientOptions changes on the platform the library is built on most, as a
// reminder to extend ProfileTable::Key.
#if defined(__x86_64__) && defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI
static_assert(sizeof(ClientOptions) == 424,
              "ClientOptions changed: add the new field to ProfileTable::Key, then update its size");
#endif

}  // namespace

ClientProfile ProfileTable::Find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = profiles_.find(key);
  return found != profiles_.end() ? found->second.lock() : nullptr;
}

Result<ClientProfile> ProfileTable::Intern(ClientOptions options, std::string key) {
  if (options.token_provider) return MakeProfile(std::move(options));

  if (key.empty()) key = Key(options);
  Result<ClientProfile> created = MakeProfile(std::move(options));
  if (!created.ok()) return created;

  std::lock_guard<std::mutex> lock(mutex_);
  auto found = profiles_.find(key);
  if (found != profiles_.end()) {
    // Another client made the same profile meanwhile: use the one that is shared.
    if (ClientProfile shared = found->second.lock()) return shared;
    found->second = *created;
    return created;
  }
  if (profiles_.size() >= prune_at_) {
    for (auto it = profiles_.begin(); it != profiles_.end();) {
      it = it->second.expired() ? profiles_.erase(it) : std::next(it);
    }
    prune_at_ = std::max<size_t>(16, 2 * profiles_.size());
  }
  profiles_.emplace(std::move(key), *created);
  return created;
}

size_t ProfileTable::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return profiles_.size();
}

Result<std::shared_ptr<ClientCore>> ClientCore::Create(std::string name, ClientOptions options,
                                                       const std::shared_ptr<ChannelPool>& pool,
                                                       std::shared_ptr<Metrics> metrics,
                                                       ProfileTable* profiles) {
  // A client for one more task hub on options seen before: they were validated and
  // derived when their profile was made, so only the task hub is checked now.
  bool shared = profiles != nullptr && !options.token_provider;
  // The key (which leaves the task hub out) is only looked up, and copied into the table
  // on a miss: one buffer per thread saves an allocation per client.
  thread_local std::string key;
  ClientProfile profile;
  if (shared) {
    ProfileTable::KeyInto(options, &key);
    profile = profiles->Find(key);
  }
  Status valid = profile ? ValidateTaskHub(options.task_hub) : ValidateOptions(options);
  if (!valid.ok()) return valid;

  std::string task_hub = std::move(options.task_hub);
  options.task_hub.clear();
  if (!profile) {
    Result<ClientProfile> made =
        shared ? profiles->Intern(std::move(options), key) : MakeProfile(std::move(options));
    if (!made.ok()) return made.status();
    profile = std::move(made).value();
  }

  const ClientOptions& shared_options = profile->options;
  CallSettings call;
  call.task_hub = std::move(task_hub);
  // Kept for the client's life: spare capacity left by how the name was assembled (a
  // copy-assigned long string gets twice the room it needs) would be paid per client.
  call.task_hub.shrink_to_fit();
  call.user_agent = profile->user_agent;
  if (shared_options.token_provider) {
    call.token_cache = std::make_shared<TokenCache>(shared_options.token_provider,
                                                    shared_options.token_refresh_margin);
  } else if (!shared_options.bearer_token.empty()) {
    call.static_authorization = "Bearer " + shared_options.bearer_token;
  }
  call.retry = shared_options.retry;
  call.default_deadline = shared_options.default_deadline;

  // The core, its connection and its reference count in one allocation.
  struct Allocated : ClientCore {
    Allocated(ChannelLease lease, CallSettings settings, std::shared_ptr<Metrics> metrics)
        : ClientCore(std::move(lease), std::move(settings), std::move(metrics)) {}
  };
  std::shared_ptr<ClientCore> core = std::make_shared<Allocated>(
      pool->Acquire(profile->channel, profile->channel_key), std::move(call), std::move(metrics));
  if (name != core->task_hub()) core->name_ = std::make_unique<const std::string>(std::move(name));
  core->profile_ = std::move(profile);
  return core;
}

ClientOptions ClientCore::options() const {
  ClientOptions options = profile_->options;
  options.task_hub = task_hub();
  return options;
}

size_t ClientCore::payload_limit() const {
  return profile_->options.max_send_message_size > 0
             ? static_cast<size_t>(profile_->options.max_send_message_size)
             : kDefaultPayloadLimit;
}

}  // namespace durabletask::internal
