// Turns an address as users write it into a gRPC target and a TLS decision.
#ifndef DURABLETASK_SRC_TRANSPORT_ADDRESS_H_
#define DURABLETASK_SRC_TRANSPORT_ADDRESS_H_

#include <string>

#include "durabletask/status.h"

namespace durabletask::internal {

enum class SchemeTls { kUnspecified, kPlaintext, kTls };

struct ParsedAddress {
  // `host:port` (or `unix:/path`) as gRPC expects it.
  std::string target;
  std::string host;
  SchemeTls scheme_tls = SchemeTls::kUnspecified;
};

// Accepts `host:port`, `[v6]:port`, `http://host[:port][/]`, `https://host[:port][/]` and
// `unix:/path`. Anything else is kInvalidArgument naming the fault.
Result<ParsedAddress> ParseAddress(const std::string& address);

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_TRANSPORT_ADDRESS_H_
