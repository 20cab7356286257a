#include "common/text.h"

#include <cctype>
#include <cstdint>
#include <cstring>

namespace durabletask::internal {

bool IsValidUtf8(const std::string& text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    // Payloads are mostly ASCII: skip eight such bytes at a time.
    if (i + 8 <= size) {
      std::uint64_t word;
      std::memcpy(&word, bytes + i, sizeof(word));
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }

    size_t length;
    std::uint32_t code_point;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > size) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (bytes[i + k] & 0x3F);
    }

    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static const std::uint32_t kMinimum[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[length]) return false;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
    if (code_point > 0x10FFFF) return false;
    i += length;
  }
  return true;
}

bool IsHeaderSafe(const std::string& text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

Status CheckName(const char* what, const std::string& value) {
  if (value.empty()) {
    return Status(StatusCode::kInvalidArgument, std::string(what) + " must not be empty");
  }
  if (value.size() > kMaxNameBytes) {
    return Status(StatusCode::kInvalidArgument,
                  std::string(what) + " is " + std::to_string(value.size()) +
                      " bytes long; the limit is " + std::to_string(kMaxNameBytes));
  }
  return CheckOptionalText(what, value);
}

Status CheckOptionalText(const char* what, const std::string& value) {
  if (!IsValidUtf8(value)) {
    return Status(StatusCode::kInvalidArgument, std::string(what) + " is not valid UTF-8");
  }
  return Status::Ok();
}

Status CheckPayload(const char* what, const std::optional<std::string>& payload, size_t limit) {
  if (!payload) return Status::Ok();
  if (payload->size() > limit) {
    return Status(StatusCode::kInvalidArgument,
                  std::string(what) + " of " + std::to_string(payload->size()) +
                      " bytes exceeds the limit of " + std::to_string(limit) +
                      " bytes (max_send_message_size)");
  }
  return CheckOptionalText(what, *payload);
}

std::string AsciiLower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Trim(const std::string& text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

}  // namespace durabletask::internal
