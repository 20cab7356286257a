#include "client/client_core.h"

#include "common/logging.h"
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

}  // namespace

Result<std::shared_ptr<ClientCore>> ClientCore::Create(std::string name, ClientOptions options,
                                                       const std::shared_ptr<ChannelPool>& pool,
                                                       std::shared_ptr<Metrics> metrics) {
  if (Status valid = ValidateOptions(options); !valid.ok()) return valid;
  Result<ChannelSettings> channel = ChannelSettings::FromOptions(options);
  if (!channel.ok()) return channel.status();

  CallSettings call;
  call.task_hub = options.task_hub;
  call.user_agent = UserAgent(options.user_agent_suffix);
  if (options.token_provider) {
    call.token_cache =
        std::make_shared<TokenCache>(options.token_provider, options.token_refresh_margin);
  } else if (!options.bearer_token.empty()) {
    call.static_authorization = "Bearer " + options.bearer_token;
  }
  call.retry = options.retry;
  call.default_deadline = options.default_deadline;

  // The core and its reference count in one allocation: there is a core per client.
  struct Allocated : ClientCore {};
  std::shared_ptr<ClientCore> core = std::make_shared<Allocated>();
  core->name_ = std::move(name);
  core->payload_limit_ = options.max_send_message_size > 0
                             ? static_cast<size_t>(options.max_send_message_size)
                             : kDefaultPayloadLimit;
  core->connection_ = std::make_shared<Connection>(pool->Acquire(*channel), std::move(call), metrics);
  core->options_ = std::move(options);
  core->metrics_ = std::move(metrics);
  if (core->metrics_) core->metrics_->ClientCreated();
  if (LogEnabled(LogLevel::kDebug)) {
    Log(LogLevel::kDebug, "client",
        "created client '" + core->name_ + "' for task hub '" + core->options_.task_hub + "'");
  }
  return core;
}

ClientCore::~ClientCore() {
  connection_->Close();
  if (metrics_) metrics_->ClientDisposed();
  if (LogEnabled(LogLevel::kDebug)) {
    Log(LogLevel::kDebug, "client",
        "disposed client '" + name_ + "' for task hub '" + options_.task_hub + "'");
  }
}

}  // namespace durabletask::internal
