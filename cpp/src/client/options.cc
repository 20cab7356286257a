// Validation of client options and parsing of connection strings.
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "client/client_core.h"
#include "common/text.h"
#include "durabletask/options.h"
#include "transport/address.h"

namespace durabletask {
namespace {

using internal::AsciiLower;
using internal::Trim;

Status Invalid(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

Status CheckHeaderValue(const char* what, const std::string& value) {
  if (!internal::IsHeaderSafe(value)) {
    return Invalid(std::string(what) + " may hold printable ASCII characters only");
  }
  return Status::Ok();
}

// Identity kinds the .NET SDK knows; each needs an Azure identity library.
const char* const kAzureIdentityKinds[] = {
    "defaultazure", "managedidentity", "workloadidentity", "environment",
    "azurecli",     "azurepowershell", "visualstudio",     "visualstudiocode",
    "interactivebrowser"};

}  // namespace

namespace internal {

Status ValidateTaskHub(const std::string& task_hub) {
  if (task_hub.size() > kMaxTaskHubBytes) {
    return Invalid("task hub name is " + std::to_string(task_hub.size()) +
                   " bytes long; the limit is " + std::to_string(kMaxTaskHubBytes));
  }
  return CheckHeaderValue("task hub name", task_hub);
}

}  // namespace internal

Status ValidateOptions(const ClientOptions& options) {
  Result<internal::ParsedAddress> address = internal::ParseAddress(options.address);
  if (!address.ok()) return address.status();

  if (address->scheme_tls == internal::SchemeTls::kPlaintext && options.tls.enabled) {
    return Invalid("address '" + options.address +
                   "' asks for plaintext (http://) but TLS is enabled in the options");
  }
  bool uses_tls = address->scheme_tls == internal::SchemeTls::kTls ||
                  (address->scheme_tls == internal::SchemeTls::kUnspecified && options.tls.enabled);
  bool has_chain = !options.tls.client_certificate_chain_pem.empty();
  bool has_key = !options.tls.client_private_key_pem.empty();
  if (has_chain != has_key) {
    return Invalid("a client certificate needs both its chain and its private key");
  }
  if (!uses_tls && (has_chain || !options.tls.root_certificates_pem.empty())) {
    return Invalid("TLS material is set but address '" + options.address +
                   "' is plaintext; use https:// or set tls.enabled");
  }

  if (Status s = internal::ValidateTaskHub(options.task_hub); !s.ok()) return s;
  if (Status s = CheckHeaderValue("user agent suffix", options.user_agent_suffix); !s.ok()) {
    return s;
  }
  if (Status s = CheckHeaderValue("bearer token", options.bearer_token); !s.ok()) return s;
  if (Status s = internal::CheckOptionalText("default version", options.default_version);
      !s.ok()) {
    return s;
  }

  bool has_token = !options.bearer_token.empty() || static_cast<bool>(options.token_provider);
  if (has_token && !uses_tls && !options.allow_insecure_credentials) {
    return Invalid("a token would be sent in plaintext to '" + options.address +
                   "'; use https:// or set allow_insecure_credentials");
  }

  const RetryPolicy& retry = options.retry;
  if (retry.max_attempts < 1) return Invalid("retry.max_attempts must be at least 1");
  if (retry.initial_backoff.count() < 0 || retry.max_backoff.count() < 0) {
    return Invalid("retry backoff must not be negative");
  }
  if (retry.backoff_multiplier < 1.0) return Invalid("retry.backoff_multiplier must be >= 1");
  if (options.default_deadline.count() < 0) return Invalid("default_deadline must not be negative");
  if (options.token_refresh_margin.count() < 0) {
    return Invalid("token_refresh_margin must not be negative");
  }
  if (options.keepalive.time.count() < 0 || options.keepalive.timeout.count() < 0) {
    return Invalid("keepalive times must not be negative");
  }
  if (options.max_send_message_size < 0 || options.max_receive_message_size < 0) {
    return Invalid("message size limits must not be negative");
  }
  return Status::Ok();
}

Status ApplyConnectionString(const std::string& connection_string, ClientOptions* options) {
  if (options == nullptr) return Invalid("options must not be null");
  if (!internal::IsValidUtf8(connection_string)) {
    return Invalid("connection string is not valid UTF-8");
  }
  if (Trim(connection_string).empty()) return Invalid("connection string is empty");

  std::map<std::string, std::string> values;
  std::stringstream parts(connection_string);
  std::string part;
  while (std::getline(parts, part, ';')) {
    if (Trim(part).empty()) continue;
    size_t equals = part.find('=');
    if (equals == std::string::npos) {
      // Never echo the part: it may be a secret missing its key.
      return Invalid("connection string has a part without '=' (expected Key=Value)");
    }
    std::string key = AsciiLower(Trim(part.substr(0, equals)));
    std::string value = Trim(part.substr(equals + 1));
    static const char* const kKnownKeys[] = {"endpoint",
                                             "taskhub",
                                             "authentication",
                                             "clientid",
                                             "tenantid",
                                             "additionallyallowedtenants",
                                             "tokenfilepath",
                                             "token"};
    bool known = false;
    for (const char* candidate : kKnownKeys) known = known || key == candidate;
    if (!known) {
      return Invalid("connection string has unknown key '" + Trim(part.substr(0, equals)) +
                     "'");
    }
    if (values.count(key) != 0) {
      return Invalid("connection string repeats key '" + Trim(part.substr(0, equals)) + "'");
    }
    values[key] = value;
  }

  auto endpoint = values.find("endpoint");
  if (endpoint == values.end() || endpoint->second.empty()) {
    return Invalid("connection string lacks Endpoint");
  }
  auto authentication = values.find("authentication");
  if (authentication == values.end() || authentication->second.empty()) {
    return Invalid("connection string lacks Authentication (use Authentication=None for none)");
  }

  ClientOptions updated = *options;
  updated.address = endpoint->second;
  if (Result<internal::ParsedAddress> parsed = internal::ParseAddress(updated.address);
      !parsed.ok()) {
    return Invalid("connection string Endpoint: " + parsed.status().message());
  }
  if (auto hub = values.find("taskhub"); hub != values.end()) updated.task_hub = hub->second;

  std::string kind = AsciiLower(authentication->second);
  if (kind == "none") {
    if (values.count("token") != 0) {
      return Invalid("connection string gives Token but Authentication=None");
    }
    updated.bearer_token.clear();
    updated.token_provider = nullptr;
  } else if (kind == "accesstoken") {
    auto token = values.find("token");
    if (token == values.end() || token->second.empty()) {
      return Invalid("Authentication=AccessToken needs Token=<bearer token>");
    }
    updated.bearer_token = token->second;
  } else if (kind == "tokenfile") {
    auto path = values.find("tokenfilepath");
    if (path == values.end() || path->second.empty()) {
      return Invalid("Authentication=TokenFile needs TokenFilePath=<file>");
    }
    std::string file = path->second;
    // The file is read again at each refresh, so a rotated token is picked up.
    updated.token_provider = [file]() -> Result<AccessToken> {
      std::ifstream stream(file);
      if (!stream) {
        return Status(StatusCode::kUnauthenticated, "cannot read token file '" + file + "'");
      }
      std::stringstream content;
      content << stream.rdbuf();
      AccessToken token;
      token.token = Trim(content.str());
      token.expires_at = Clock::now() + std::chrono::minutes(10);
      if (token.token.empty()) {
        return Status(StatusCode::kUnauthenticated, "token file '" + file + "' is empty");
      }
      return token;
    };
  } else {
    for (const char* azure_kind : kAzureIdentityKinds) {
      if (kind == azure_kind) {
        return Status(StatusCode::kUnimplemented,
                      "authentication kind '" + authentication->second +
                          "' needs an Azure identity library, which durabletask-native does "
                          "not include; set ClientOptions::token_provider instead");
      }
    }
    return Invalid("connection string has unknown authentication kind '" +
                   authentication->second + "' (expected None, AccessToken or TokenFile)");
  }

  *options = std::move(updated);
  return Status::Ok();
}

Result<ClientOptions> ParseConnectionString(const std::string& connection_string) {
  ClientOptions options;
  Status status = ApplyConnectionString(connection_string, &options);
  if (!status.ok()) return status;
  return options;
}

}  // namespace durabletask
