// Errors as values: every fallible operation of the library returns a Status or a
// Result<T>. Nothing in the public API throws.
#ifndef DURABLETASK_STATUS_H_
#define DURABLETASK_STATUS_H_

#include <optional>
#include <string>
#include <utility>

#include "durabletask/export.h"

namespace durabletask {

// Codes 0 to 16 mirror gRPC's status codes one for one, so a server's answer keeps its
// meaning. Codes from 100 up are raised by this library before anything is sent.
enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
  // The factory or client has no transport configured (see ClientFactoryBuilder::UseGrpc).
  kNotConfigured = 100,
};

// The stable, lowercase name of a code ("not_found", "not_configured", ...).
DT_API const char* StatusCodeName(StatusCode code);

// A code and a message. The message says what failed and for which task hub and
// instance; it never contains a token or a payload.
//
// Thread safety: a Status is a value; distinct objects may be used from distinct threads.
class DT_API Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "not_found: instance 'abc' in task hub 'orders' ..."
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a value or a non-OK Status. Reading value() of a failed Result is a programming
// error (checked by an assertion in debug builds).
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace durabletask

#endif  // DURABLETASK_STATUS_H_
