#include "transport/address.h"

#include <cctype>

#include "common/text.h"

namespace durabletask::internal {
namespace {

Status Invalid(const std::string& address, const std::string& why) {
  return Status(StatusCode::kInvalidArgument, "address '" + address + "' is malformed: " + why);
}

bool IsHostCharacter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

}  // namespace

Result<ParsedAddress> ParseAddress(const std::string& address) {
  if (address.empty()) {
    return Status(StatusCode::kInvalidArgument, "address must not be empty");
  }
  if (!IsValidUtf8(address)) {
    return Status(StatusCode::kInvalidArgument, "address is not valid UTF-8");
  }

  ParsedAddress parsed;
  std::string rest = address;
  std::string default_port;
  size_t scheme_end = address.find("://");
  if (scheme_end != std::string::npos) {
    std::string scheme = AsciiLower(address.substr(0, scheme_end));
    if (scheme == "http") {
      parsed.scheme_tls = SchemeTls::kPlaintext;
      default_port = "80";
    } else if (scheme == "https") {
      parsed.scheme_tls = SchemeTls::kTls;
      default_port = "443";
    } else {
      return Invalid(address, "scheme '" + scheme + "' is not http or https");
    }
    rest = address.substr(scheme_end + 3);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.find('/') != std::string::npos) {
      return Invalid(address, "a path is not allowed");
    }
  } else if (address.rfind("unix:", 0) == 0) {
    if (address.size() <= 5) return Invalid(address, "the socket path is missing");
    parsed.target = address;
    parsed.scheme_tls = SchemeTls::kPlaintext;
    return parsed;
  }

  std::string host;
  std::string port;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string::npos) return Invalid(address, "an IPv6 host lacks ']'");
    host = rest.substr(0, close + 1);
    std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Invalid(address, "unexpected text after the host");
      port = after.substr(1);
      if (port.empty()) return Invalid(address, "the port is empty");
    }
    for (size_t i = 1; i + 1 < host.size(); ++i) {
      char c = host[i];
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return Invalid(address, "the IPv6 host holds '" + std::string(1, c) + "'");
      }
    }
  } else {
    size_t colon = rest.rfind(':');
    if (colon == std::string::npos) {
      host = rest;
    } else {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
      if (port.empty()) return Invalid(address, "the port is empty");
    }
    for (char c : host) {
      if (!IsHostCharacter(c)) {
        return Invalid(address, "the host holds '" + std::string(1, c) + "'");
      }
    }
  }
  if (host.empty() || host == "[]") return Invalid(address, "the host is missing");

  if (port.empty()) {
    if (default_port.empty()) return Invalid(address, "the port is missing (host:port)");
    port = default_port;
  }
  if (port.size() > 5) return Invalid(address, "port '" + port + "' is out of range");
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return Invalid(address, "port '" + port + "' is not a number");
    }
  }
  int port_number = std::stoi(port);
  if (port_number < 1 || port_number > 65535) {
    return Invalid(address, "port '" + port + "' is out of range");
  }

  parsed.host = host;
  parsed.target = host + ":" + port;
  return parsed;
}

}  // namespace durabletask::internal
