// The per-thread last error, and the one place where core statuses and exceptions turn
// into C codes.
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

#include "internal.h"

namespace durabletask::capi {
namespace {

// Codes equal the core's numbers so that a sidecar's answer keeps its meaning.
static_assert(DT_OK == static_cast<int>(StatusCode::kOk), "codes must match the core");
static_assert(DT_CANCELLED == static_cast<int>(StatusCode::kCancelled), "");
static_assert(DT_UNKNOWN == static_cast<int>(StatusCode::kUnknown), "");
static_assert(DT_INVALID_ARGUMENT == static_cast<int>(StatusCode::kInvalidArgument), "");
static_assert(DT_DEADLINE_EXCEEDED == static_cast<int>(StatusCode::kDeadlineExceeded), "");
static_assert(DT_NOT_FOUND == static_cast<int>(StatusCode::kNotFound), "");
static_assert(DT_ALREADY_EXISTS == static_cast<int>(StatusCode::kAlreadyExists), "");
static_assert(DT_PERMISSION_DENIED == static_cast<int>(StatusCode::kPermissionDenied), "");
static_assert(DT_RESOURCE_EXHAUSTED == static_cast<int>(StatusCode::kResourceExhausted), "");
static_assert(DT_FAILED_PRECONDITION == static_cast<int>(StatusCode::kFailedPrecondition), "");
static_assert(DT_ABORTED == static_cast<int>(StatusCode::kAborted), "");
static_assert(DT_OUT_OF_RANGE == static_cast<int>(StatusCode::kOutOfRange), "");
static_assert(DT_UNIMPLEMENTED == static_cast<int>(StatusCode::kUnimplemented), "");
static_assert(DT_INTERNAL == static_cast<int>(StatusCode::kInternal), "");
static_assert(DT_UNAVAILABLE == static_cast<int>(StatusCode::kUnavailable), "");
static_assert(DT_DATA_LOSS == static_cast<int>(StatusCode::kDataLoss), "");
static_assert(DT_UNAUTHENTICATED == static_cast<int>(StatusCode::kUnauthenticated), "");
static_assert(DT_NOT_CONFIGURED == static_cast<int>(StatusCode::kNotConfigured), "");

struct LastError {
  dt_status code = DT_OK;
  std::string message;
  // Used instead of `message` when recording the message itself ran out of memory.
  const char* fixed = nullptr;
};

thread_local LastError last_error;

bool IsKnownCode(int code) {
  return (code >= DT_OK && code <= DT_UNAUTHENTICATED) || code == DT_NOT_CONFIGURED;
}

}  // namespace

void ClearError() noexcept {
  last_error.code = DT_OK;
  last_error.message.clear();
  last_error.fixed = nullptr;
}

dt_status SetError(dt_status code, const std::string& message) noexcept {
  last_error.code = code;
  last_error.fixed = nullptr;
  try {
    last_error.message = message;
  } catch (...) {
    last_error.fixed = "out of memory while recording an error";
  }
  return code;
}

dt_status Report(const Status& status) noexcept {
  if (status.ok()) return DT_OK;
  int number = static_cast<int>(status.code());
  dt_status code = IsKnownCode(number) ? static_cast<dt_status>(number) : DT_UNKNOWN;
  return SetError(code, status.message());
}

dt_status ReportException() noexcept {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    last_error.code = DT_RESOURCE_EXHAUSTED;
    last_error.fixed = "out of memory";
    return DT_RESOURCE_EXHAUSTED;
  } catch (const std::exception& error) {
    return SetError(DT_INTERNAL, std::string("internal error: ") + error.what());
  } catch (...) {
    last_error.code = DT_INTERNAL;
    last_error.fixed = "internal error";
    return DT_INTERNAL;
  }
}

Status Invalid(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

Status CheckOut(const void* out, const char* what) {
  if (out == nullptr) return Invalid(std::string(what) + " must not be NULL");
  return Status::Ok();
}

Status CheckText(const char* text, const char* what) {
  if (text == nullptr) return Invalid(std::string(what) + " must not be NULL");
  return Status::Ok();
}

std::string TextOrEmpty(const char* text) { return text == nullptr ? std::string() : text; }

std::optional<std::string> TextOrNone(const char* text) {
  if (text == nullptr) return std::nullopt;
  return std::string(text);
}

Status CheckVersion(unsigned int version, unsigned int known, const char* what) {
  if (version == 0 || version > known) {
    return Invalid(std::string(what) + " version " + std::to_string(version) +
                   " is not supported (this library knows 1 to " + std::to_string(known) +
                   "); initialize the struct with its _init function");
  }
  return Status::Ok();
}

char* CopyOut(const std::string& text) {
  // malloc, so that dt_string_free is plain free() whatever allocator C++ uses.
  auto* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

}  // namespace durabletask::capi

using durabletask::capi::last_error;

extern "C" {

dt_status dt_last_error_code(void) { return last_error.code; }

const char* dt_last_error_message(void) {
  return last_error.fixed != nullptr ? last_error.fixed : last_error.message.c_str();
}

const char* dt_status_name(dt_status status) {
  if (!durabletask::capi::IsKnownCode(status)) return "unknown";
  return durabletask::StatusCodeName(static_cast<durabletask::StatusCode>(status));
}

void dt_string_free(char* text) { std::free(text); }

}  // extern "C"
