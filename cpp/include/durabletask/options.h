// Options of one client: where the sidecar is, which task hub to use, and how calls behave.
#ifndef DURABLETASK_OPTIONS_H_
#define DURABLETASK_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "durabletask/export.h"
#include "durabletask/status.h"

namespace durabletask {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// TLS material. Whether TLS is used at all follows the address: `https://` means TLS,
// `http://` means plaintext, and a bare `host:port` uses TLS only when `enabled` is set.
struct TlsOptions {
  bool enabled = false;
  // PEM bundle of trusted roots; empty means the system's roots.
  std::string root_certificates_pem;
  // Client certificate chain and private key (PEM) for mutual TLS; both or neither.
  std::string client_certificate_chain_pem;
  std::string client_private_key_pem;
  // Overrides the name checked against the server certificate (tests, IP addresses).
  std::string server_name_override;
};

// A bearer token and the moment it stops being valid.
struct AccessToken {
  std::string token;
  TimePoint expires_at = TimePoint::max();
};

// Called when the cached token is missing or about to expire. It may block; concurrent
// calls share one refresh. Returning an error fails the calls that needed the token
// with that error.
using TokenProvider = std::function<Result<AccessToken>()>;

// Retry policy for calls answered UNAVAILABLE. Attempts include the first one. The
// defaults are the figures used by the Durable Task Scheduler SDKs.
struct RetryPolicy {
  int max_attempts = 10;
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{250};
  double backoff_multiplier = 2.0;
};

// HTTP/2 keepalive pings; zero `time` leaves gRPC's default (no pings).
struct KeepaliveOptions {
  std::chrono::milliseconds time{0};
  std::chrono::milliseconds timeout{20000};
  bool permit_without_calls = false;
};

// Everything a client needs. A plain, copyable value: the factory composes one per
// client (see factory.h for the order in which configuration is applied).
struct ClientOptions {
  // `host:port`, `http://host:port` or `https://host[:port]`.
  std::string address = "localhost:4001";
  // Sent as the `taskhub` header on every call. Empty means: the client's name when it
  // comes from a factory, otherwise no header.
  std::string task_hub;
  TlsOptions tls;
  // A fixed token, sent as `authorization: Bearer <token>`. Ignored when token_provider
  // is set.
  std::string bearer_token;
  TokenProvider token_provider;
  // How long before expiry a token is refreshed.
  std::chrono::milliseconds token_refresh_margin = std::chrono::minutes(5);
  // Permits a token over a plaintext channel. Without it, that combination is a
  // configuration error. (This does not choose plaintext; the address does.)
  bool allow_insecure_credentials = false;
  // Appended to the library's own user agent in the `x-user-agent` header.
  std::string user_agent_suffix;
  // Version given to new orchestrations that do not name one.
  std::string default_version;
  // Entity operations fail with kFailedPrecondition unless this is set.
  bool enable_entity_support = false;
  // Applied to every call that gives no deadline of its own; zero means none.
  std::chrono::milliseconds default_deadline{0};
  RetryPolicy retry;
  KeepaliveOptions keepalive;
  // Zero keeps gRPC's defaults (send unlimited, receive 4 MiB).
  int max_send_message_size = 0;
  int max_receive_message_size = 0;
};

// Checks an options value without creating anything: the address parses, TLS material
// is complete, a token is not sent over plaintext unless allowed, sizes are sane.
DT_API Status ValidateOptions(const ClientOptions& options);

// Applies a Durable Task Scheduler connection string to `options`:
// `Endpoint=https://...;TaskHub=...;Authentication=None`. Keys are case-insensitive.
// Authentication kinds served here: `None`, and `AccessToken` with `Token=...`
// (a static bearer token). Kinds that need Azure identity libraries (DefaultAzure,
// ManagedIdentity, WorkloadIdentity, ...) are refused with a message naming the kind;
// supply a TokenProvider instead. An unknown key is an error naming the key.
DT_API Status ApplyConnectionString(const std::string& connection_string,
                                    ClientOptions* options);

// Convenience: library defaults with the connection string applied.
DT_API Result<ClientOptions> ParseConnectionString(const std::string& connection_string);

}  // namespace durabletask

#endif  // DURABLETASK_OPTIONS_H_
