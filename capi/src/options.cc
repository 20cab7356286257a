// dt_options: client options behind an opaque handle with setters and getters, and the
// token provider bridge.
#include <cmath>

#include "common/text.h"
#include "internal.h"
#include "transport/address.h"

using namespace durabletask;
using namespace durabletask::capi;

namespace {

Status Writable(const dt_options* options) {
  if (Status s = CheckHandle(options, "options"); !s.ok()) return s;
  if (options->frozen) {
    return Status(StatusCode::kFailedPrecondition,
                  "these options were already used (by dt_factory_builder_use_grpc or "
                  "dt_client_create), which took a copy, so a change would not take effect; "
                  "use dt_options_clone for a copy that can be changed");
  }
  return Status::Ok();
}

// Runs a setter: `change` checks its input and writes only when it is acceptable.
template <typename Change>
dt_status Set(dt_options* options, Change&& change) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(Writable(options));
    DT_RETURN_IF_ERROR(change(*options->target));
    return DT_OK;
  });
}

template <typename T, typename Read>
T Get(const dt_options* options, T fallback, Read&& read) {
  return GuardedValue(fallback, [&]() -> T {
    if (!Readable(options, "options")) return fallback;
    return read(*options->target);
  });
}

Status CheckUtf8(const std::string& text, const char* what) {
  if (!internal::IsValidUtf8(text)) return Invalid(std::string(what) + " is not valid UTF-8");
  return Status::Ok();
}

// Header values travel as HTTP/2 metadata, which carries printable ASCII only.
Status CheckHeaderText(const std::string& text, const char* what) {
  if (!internal::IsHeaderSafe(text)) {
    return Invalid(std::string(what) + " may hold printable ASCII characters only");
  }
  return Status::Ok();
}

Status CheckNonNegative(std::int64_t value, const char* what) {
  if (value < 0) return Invalid(std::string(what) + " must not be negative");
  return Status::Ok();
}

StatusCode CoreCode(dt_status code) {
  int number = code;
  bool known = (number > DT_OK && number <= DT_UNAUTHENTICATED) || number == DT_NOT_CONFIGURED;
  return known ? static_cast<StatusCode>(number) : StatusCode::kUnknown;
}

TokenProvider WrapTokenProvider(dt_token_cb callback, std::shared_ptr<UserData> user_data) {
  return [callback, user_data]() -> Result<AccessToken> {
    dt_token_result result;
    dt_status code = callback(user_data->data, &result);
    result.magic = kRetired;
    if (code != DT_OK) {
      std::string message = result.error.empty()
                                ? std::string("the token callback returned ") + dt_status_name(code)
                                : result.error;
      return Status(CoreCode(code), message);
    }
    if (!result.has_token) {
      return Status(StatusCode::kUnauthenticated,
                    "the token callback returned DT_OK without calling dt_token_result_set");
    }
    AccessToken token;
    token.token = std::move(result.token);
    if (result.expires_at_unix_ms > 0) token.expires_at = FromUnixMs(result.expires_at_unix_ms);
    return token;
  };
}

}  // namespace

extern "C" {

dt_status dt_options_new(dt_options** options_out) {
  return Guarded([&] {
    if (options_out != nullptr) *options_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(options_out, "options_out"));
    *options_out = new dt_options();
    return DT_OK;
  });
}

dt_status dt_options_clone(dt_options** options_out, const dt_options* options) {
  return Guarded([&] {
    if (options_out != nullptr) *options_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(options_out, "options_out"));
    DT_RETURN_IF_ERROR(CheckHandle(options, "options"));
    auto copy = std::make_unique<dt_options>();
    copy->owned = *options->target;
    *options_out = copy.release();
    return DT_OK;
  });
}

void dt_options_free(dt_options* options) { FreeHandle(options, "options"); }

dt_status dt_options_validate(const dt_options* options) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(options, "options"));
    return Report(ValidateOptions(*options->target));
  });
}

dt_status dt_options_apply_connection_string(dt_options* options, const char* connection_string) {
  return Set(options, [&](ClientOptions& target) {
    if (Status s = CheckText(connection_string, "connection_string"); !s.ok()) return s;
    return ApplyConnectionString(connection_string, &target);
  });
}

dt_status dt_options_from_connection_string(dt_options** options_out,
                                            const char* connection_string) {
  return Guarded([&] {
    if (options_out != nullptr) *options_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(options_out, "options_out"));
    DT_RETURN_IF_ERROR(CheckText(connection_string, "connection_string"));
    auto options = std::make_unique<dt_options>();
    DT_RETURN_IF_ERROR(ApplyConnectionString(connection_string, &options->owned));
    *options_out = options.release();
    return DT_OK;
  });
}

dt_status dt_options_set_address(dt_options* options, const char* address) {
  return Set(options, [&](ClientOptions& target) {
    if (Status s = CheckText(address, "address"); !s.ok()) return s;
    Result<internal::ParsedAddress> parsed = internal::ParseAddress(address);
    if (!parsed.ok()) return parsed.status();
    target.address = address;
    return Status::Ok();
  });
}

const char* dt_options_get_address(const dt_options* options) {
  return Get<const char*>(options, nullptr,
                          [](const ClientOptions& o) { return o.address.c_str(); });
}

dt_status dt_options_set_task_hub(dt_options* options, const char* task_hub) {
  return Set(options, [&](ClientOptions& target) {
    if (Status s = CheckText(task_hub, "task_hub"); !s.ok()) return s;
    std::string hub = task_hub;
    if (hub.size() > internal::kMaxTaskHubBytes) {
      return Invalid("task hub name is " + std::to_string(hub.size()) +
                     " bytes long; the limit is " + std::to_string(internal::kMaxTaskHubBytes));
    }
    if (Status s = CheckHeaderText(hub, "task hub name"); !s.ok()) return s;
    target.task_hub = std::move(hub);
    return Status::Ok();
  });
}

const char* dt_options_get_task_hub(const dt_options* options) {
  return Get<const char*>(options, nullptr,
                          [](const ClientOptions& o) { return o.task_hub.c_str(); });
}

dt_status dt_options_set_tls_enabled(dt_options* options, int enabled) {
  return Set(options, [&](ClientOptions& target) {
    target.tls.enabled = enabled != 0;
    return Status::Ok();
  });
}

int dt_options_get_tls_enabled(const dt_options* options) {
  return Get(options, 0, [](const ClientOptions& o) { return o.tls.enabled ? 1 : 0; });
}

dt_status dt_options_set_tls_root_certificates(dt_options* options, const char* pem) {
  return Set(options, [&](ClientOptions& target) {
    std::string text = TextOrEmpty(pem);
    if (Status s = CheckUtf8(text, "root certificates"); !s.ok()) return s;
    target.tls.root_certificates_pem = std::move(text);
    return Status::Ok();
  });
}

const char* dt_options_get_tls_root_certificates(const dt_options* options) {
  return Get<const char*>(
      options, nullptr, [](const ClientOptions& o) { return o.tls.root_certificates_pem.c_str(); });
}

dt_status dt_options_set_tls_client_certificate(dt_options* options,
                                                const char* certificate_chain_pem,
                                                const char* private_key_pem) {
  return Set(options, [&](ClientOptions& target) {
    std::string chain = TextOrEmpty(certificate_chain_pem);
    std::string key = TextOrEmpty(private_key_pem);
    if (chain.empty() != key.empty()) {
      return Invalid("a client certificate needs both its chain and its private key");
    }
    if (Status s = CheckUtf8(chain, "client certificate chain"); !s.ok()) return s;
    if (Status s = CheckUtf8(key, "client private key"); !s.ok()) return s;
    target.tls.client_certificate_chain_pem = std::move(chain);
    target.tls.client_private_key_pem = std::move(key);
    return Status::Ok();
  });
}

const char* dt_options_get_tls_client_certificate_chain(const dt_options* options) {
  return Get<const char*>(options, nullptr, [](const ClientOptions& o) {
    return o.tls.client_certificate_chain_pem.c_str();
  });
}

const char* dt_options_get_tls_client_private_key(const dt_options* options) {
  return Get<const char*>(options, nullptr, [](const ClientOptions& o) {
    return o.tls.client_private_key_pem.c_str();
  });
}

dt_status dt_options_set_tls_server_name_override(dt_options* options, const char* server_name) {
  return Set(options, [&](ClientOptions& target) {
    std::string name = TextOrEmpty(server_name);
    if (Status s = CheckHeaderText(name, "server name override"); !s.ok()) return s;
    target.tls.server_name_override = std::move(name);
    return Status::Ok();
  });
}

const char* dt_options_get_tls_server_name_override(const dt_options* options) {
  return Get<const char*>(
      options, nullptr, [](const ClientOptions& o) { return o.tls.server_name_override.c_str(); });
}

dt_status dt_options_set_bearer_token(dt_options* options, const char* token) {
  return Set(options, [&](ClientOptions& target) {
    std::string text = TextOrEmpty(token);
    if (Status s = CheckHeaderText(text, "bearer token"); !s.ok()) return s;
    target.bearer_token = std::move(text);
    return Status::Ok();
  });
}

const char* dt_options_get_bearer_token(const dt_options* options) {
  return Get<const char*>(options, nullptr,
                          [](const ClientOptions& o) { return o.bearer_token.c_str(); });
}

dt_status dt_token_result_set(dt_token_result* result, const char* token,
                              std::int64_t expires_at_unix_ms) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(result, "token result"));
    DT_RETURN_IF_ERROR(CheckText(token, "token"));
    std::string text = token;
    if (text.empty()) return Report(Invalid("token must not be empty"));
    DT_RETURN_IF_ERROR(CheckHeaderText(text, "token"));
    DT_RETURN_IF_ERROR(CheckNonNegative(expires_at_unix_ms, "expires_at_unix_ms"));
    result->token = std::move(text);
    result->expires_at_unix_ms = expires_at_unix_ms;
    result->has_token = true;
    return DT_OK;
  });
}

dt_status dt_token_result_set_error(dt_token_result* result, const char* message) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(result, "token result"));
    DT_RETURN_IF_ERROR(CheckText(message, "message"));
    result->error = message;
    return DT_OK;
  });
}

dt_status dt_options_set_token_provider(dt_options* options, dt_token_cb callback, void* user_data,
                                        dt_free_cb free_user_data) {
  return Set(options, [&](ClientOptions& target) {
    if (callback == nullptr) {
      target.token_provider = nullptr;
      return Status::Ok();
    }
    auto box = std::make_shared<UserData>(user_data, free_user_data);
    target.token_provider = WrapTokenProvider(callback, box);
    box->armed = true;
    return Status::Ok();
  });
}

int dt_options_has_token_provider(const dt_options* options) {
  return Get(options, 0, [](const ClientOptions& o) { return o.token_provider ? 1 : 0; });
}

dt_status dt_options_set_token_refresh_margin_ms(dt_options* options, std::int64_t margin_ms) {
  return Set(options, [&](ClientOptions& target) {
    return ToDuration(margin_ms, "token refresh margin", &target.token_refresh_margin);
  });
}

std::int64_t dt_options_get_token_refresh_margin_ms(const dt_options* options) {
  return Get<std::int64_t>(options, -1, [](const ClientOptions& o) {
    return static_cast<std::int64_t>(o.token_refresh_margin.count());
  });
}

dt_status dt_options_set_allow_insecure_credentials(dt_options* options, int allow) {
  return Set(options, [&](ClientOptions& target) {
    target.allow_insecure_credentials = allow != 0;
    return Status::Ok();
  });
}

int dt_options_get_allow_insecure_credentials(const dt_options* options) {
  return Get(options, 0,
             [](const ClientOptions& o) { return o.allow_insecure_credentials ? 1 : 0; });
}

dt_status dt_options_set_user_agent_suffix(dt_options* options, const char* suffix) {
  return Set(options, [&](ClientOptions& target) {
    std::string text = TextOrEmpty(suffix);
    if (Status s = CheckHeaderText(text, "user agent suffix"); !s.ok()) return s;
    target.user_agent_suffix = std::move(text);
    return Status::Ok();
  });
}

const char* dt_options_get_user_agent_suffix(const dt_options* options) {
  return Get<const char*>(options, nullptr,
                          [](const ClientOptions& o) { return o.user_agent_suffix.c_str(); });
}

dt_status dt_options_set_default_version(dt_options* options, const char* version) {
  return Set(options, [&](ClientOptions& target) {
    std::string text = TextOrEmpty(version);
    if (Status s = CheckUtf8(text, "default version"); !s.ok()) return s;
    target.default_version = std::move(text);
    return Status::Ok();
  });
}

const char* dt_options_get_default_version(const dt_options* options) {
  return Get<const char*>(options, nullptr,
                          [](const ClientOptions& o) { return o.default_version.c_str(); });
}

dt_status dt_options_set_enable_entity_support(dt_options* options, int enable) {
  return Set(options, [&](ClientOptions& target) {
    target.enable_entity_support = enable != 0;
    return Status::Ok();
  });
}

int dt_options_get_enable_entity_support(const dt_options* options) {
  return Get(options, 0, [](const ClientOptions& o) { return o.enable_entity_support ? 1 : 0; });
}

dt_status dt_options_set_default_deadline_ms(dt_options* options, std::int64_t deadline_ms) {
  return Set(options, [&](ClientOptions& target) {
    return ToDuration(deadline_ms, "default deadline", &target.default_deadline);
  });
}

std::int64_t dt_options_get_default_deadline_ms(const dt_options* options) {
  return Get<std::int64_t>(options, -1, [](const ClientOptions& o) {
    return static_cast<std::int64_t>(o.default_deadline.count());
  });
}

dt_status dt_options_set_retry(dt_options* options, int max_attempts,
                               std::int64_t initial_backoff_ms, std::int64_t max_backoff_ms,
                               double backoff_multiplier) {
  return Set(options, [&](ClientOptions& target) {
    if (max_attempts < 1) return Invalid("retry max_attempts must be at least 1");
    if (Status s = CheckNonNegative(initial_backoff_ms, "retry initial backoff"); !s.ok()) {
      return s;
    }
    if (Status s = CheckNonNegative(max_backoff_ms, "retry max backoff"); !s.ok()) return s;
    // Written so that NaN is refused too.
    if (!(backoff_multiplier >= 1.0) || std::isinf(backoff_multiplier)) {
      return Invalid("retry backoff multiplier must be a finite number of at least 1");
    }
    target.retry.max_attempts = max_attempts;
    target.retry.initial_backoff = std::chrono::milliseconds(initial_backoff_ms);
    target.retry.max_backoff = std::chrono::milliseconds(max_backoff_ms);
    target.retry.backoff_multiplier = backoff_multiplier;
    return Status::Ok();
  });
}

int dt_options_get_retry_max_attempts(const dt_options* options) {
  return Get(options, -1, [](const ClientOptions& o) { return o.retry.max_attempts; });
}

std::int64_t dt_options_get_retry_initial_backoff_ms(const dt_options* options) {
  return Get<std::int64_t>(options, -1, [](const ClientOptions& o) {
    return static_cast<std::int64_t>(o.retry.initial_backoff.count());
  });
}

std::int64_t dt_options_get_retry_max_backoff_ms(const dt_options* options) {
  return Get<std::int64_t>(options, -1, [](const ClientOptions& o) {
    return static_cast<std::int64_t>(o.retry.max_backoff.count());
  });
}

double dt_options_get_retry_backoff_multiplier(const dt_options* options) {
  return Get(options, -1.0, [](const ClientOptions& o) { return o.retry.backoff_multiplier; });
}

dt_status dt_options_set_keepalive(dt_options* options, std::int64_t time_ms,
                                   std::int64_t timeout_ms, int permit_without_calls) {
  return Set(options, [&](ClientOptions& target) {
    KeepaliveOptions keepalive;
    if (Status s = ToDuration(time_ms, "keepalive time", &keepalive.time); !s.ok()) return s;
    if (Status s = ToDuration(timeout_ms, "keepalive timeout", &keepalive.timeout); !s.ok()) {
      return s;
    }
    keepalive.permit_without_calls = permit_without_calls != 0;
    target.keepalive = keepalive;
    return Status::Ok();
  });
}

std::int64_t dt_options_get_keepalive_time_ms(const dt_options* options) {
  return Get<std::int64_t>(options, -1, [](const ClientOptions& o) {
    return static_cast<std::int64_t>(o.keepalive.time.count());
  });
}

std::int64_t dt_options_get_keepalive_timeout_ms(const dt_options* options) {
  return Get<std::int64_t>(options, -1, [](const ClientOptions& o) {
    return static_cast<std::int64_t>(o.keepalive.timeout.count());
  });
}

int dt_options_get_keepalive_permit_without_calls(const dt_options* options) {
  return Get(options, 0,
             [](const ClientOptions& o) { return o.keepalive.permit_without_calls ? 1 : 0; });
}

dt_status dt_options_set_max_send_message_size(dt_options* options, int bytes) {
  return Set(options, [&](ClientOptions& target) {
    if (Status s = CheckNonNegative(bytes, "max send message size"); !s.ok()) return s;
    target.max_send_message_size = bytes;
    return Status::Ok();
  });
}

int dt_options_get_max_send_message_size(const dt_options* options) {
  return Get(options, -1, [](const ClientOptions& o) { return o.max_send_message_size; });
}

dt_status dt_options_set_max_receive_message_size(dt_options* options, int bytes) {
  return Set(options, [&](ClientOptions& target) {
    if (Status s = CheckNonNegative(bytes, "max receive message size"); !s.ok()) return s;
    target.max_receive_message_size = bytes;
    return Status::Ok();
  });
}

int dt_options_get_max_receive_message_size(const dt_options* options) {
  return Get(options, -1, [](const ClientOptions& o) { return o.max_receive_message_size; });
}

}  // extern "C"
