// Checks on text that crosses into the protocol.
#ifndef DURABLETASK_SRC_COMMON_TEXT_H_
#define DURABLETASK_SRC_COMMON_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>

#include "durabletask/status.h"

namespace durabletask::internal {

// Limits this library sets on names before anything is sent.
constexpr size_t kMaxNameBytes = 1024;      // instance ids, event and orchestration names
constexpr size_t kMaxTaskHubBytes = 256;    // task hub and client names
constexpr size_t kDefaultPayloadLimit = 4 * 1024 * 1024;  // gRPC's default receive limit

bool IsValidUtf8(const std::string& text);

// Printable ASCII only: what an HTTP/2 header value may hold.
bool IsHeaderSafe(const std::string& text);

// kInvalidArgument naming `what` when the text is empty, longer than kMaxNameBytes or
// not UTF-8.
Status CheckName(const char* what, const std::string& value);
// Like CheckName, but an empty value is allowed.
Status CheckOptionalText(const char* what, const std::string& value);
// UTF-8 and at most `limit` bytes.
Status CheckPayload(const char* what, const std::optional<std::string>& payload, size_t limit);

// Lower-cases ASCII letters.
std::string AsciiLower(std::string text);
std::string Trim(const std::string& text);

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_COMMON_TEXT_H_
