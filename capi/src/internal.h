// What the C API's sources share: the handle structs behind the opaque C types, the
// last-error machinery, and conversions between C inputs and the C++ core's types.
#ifndef DURABLETASK_CAPI_SRC_INTERNAL_H_
#define DURABLETASK_CAPI_SRC_INTERNAL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "durabletask.h"
#include "durabletask/durabletask.h"

namespace durabletask::capi {

// Handles carry a marker that is checked on entry and overwritten on free, so that a
// freed handle is usually refused rather than used. Each type has its own marker, so a
// handle of the wrong type is refused too.
constexpr std::uint32_t kRetired = 0xDEADD7D7u;

// --- Errors -----------------------------------------------------------------------------

// Resets the calling thread's last error. Every entry point starts with it.
void ClearError() noexcept;

// Records `message` as the calling thread's last error and returns `code`.
dt_status SetError(dt_status code, const std::string& message) noexcept;

// The one conversion from a core Status to a C code. Records the message of a failure
// as the last error; returns DT_OK for success without touching the last error.
dt_status Report(const Status& status) noexcept;

// Records the exception being handled as the last error (out of memory becomes
// DT_RESOURCE_EXHAUSTED, anything else DT_INTERNAL). Call only from a catch block.
dt_status ReportException() noexcept;

Status Invalid(std::string message);

// Runs the body of an entry point that returns a dt_status: clears the last error first
// and turns any exception into a code, so none crosses into C.
template <typename Body>
dt_status Guarded(Body&& body) noexcept {
  ClearError();
  try {
    return body();
  } catch (...) {
    return ReportException();
  }
}

// As Guarded, for entry points that return a value; `fallback` is returned on failure.
template <typename T, typename Body>
T GuardedValue(T fallback, Body&& body) noexcept {
  ClearError();
  try {
    return body();
  } catch (...) {
    ReportException();
    return fallback;
  }
}

// For the free functions. Unlike the other entry points they leave the last error alone
// unless they fail themselves, so that cleaning up before reporting an error does not
// erase it.
template <typename Body>
void GuardedVoid(Body&& body) noexcept {
  try {
    body();
  } catch (...) {
    ReportException();
  }
}

// Returns from the enclosing function with the C code of a failed Status.
#define DT_RETURN_IF_ERROR(expr)                                                          \
  do {                                                                                    \
    ::durabletask::Status dt_status_checked_ = (expr);                                    \
    if (!dt_status_checked_.ok()) return ::durabletask::capi::Report(dt_status_checked_); \
  } while (0)

// --- Checks on C inputs -----------------------------------------------------------------

template <typename Handle>
Status CheckHandle(const Handle* handle, const char* what) {
  if (handle == nullptr) return Invalid(std::string(what) + " must not be NULL");
  if (handle->magic != Handle::kLive) {
    return Invalid(std::string(what) + " is not a valid handle (freed, or of another type)");
  }
  return Status::Ok();
}

// For getters: true when the handle is usable; otherwise records why not.
template <typename Handle>
bool Readable(const Handle* handle, const char* what) {
  Status status = CheckHandle(handle, what);
  if (status.ok()) return true;
  Report(status);
  return false;
}

template <typename Handle>
void Retire(Handle* handle) {
  handle->magic = kRetired;
  delete handle;
}

// The body of the free function of a handle that is never borrowed.
template <typename Handle>
void FreeHandle(Handle* handle, const char* what) noexcept {
  GuardedVoid([&] {
    if (handle != nullptr && Readable(handle, what)) Retire(handle);
  });
}

// The body of the free function of a handle that may be borrowed from a container.
template <typename Handle>
void FreeOwnedHandle(Handle* handle, const char* what, const char* owner) noexcept {
  GuardedVoid([&] {
    if (handle == nullptr || !Readable(handle, what)) return;
    if (handle->borrowed) {
      Report(Invalid(std::string("this ") + what + " belongs to its " + owner +
                     " and is released with it"));
      return;
    }
    Retire(handle);
  });
}

Status CheckOut(const void* out, const char* what);
Status CheckText(const char* text, const char* what);
// NULL becomes "".
std::string TextOrEmpty(const char* text);
std::optional<std::string> TextOrNone(const char* text);
// Struct versions run from 1 to the version this library was built with.
Status CheckVersion(unsigned int version, unsigned int known, const char* what);

// A copy of `text` the caller frees with dt_string_free.
char* CopyOut(const std::string& text);

// --- Conversions ------------------------------------------------------------------------

TimePoint FromUnixMs(std::int64_t unix_ms);
std::int64_t ToUnixMs(const std::optional<TimePoint>& time);
Status ToTime(std::int64_t unix_ms, const char* what, std::optional<TimePoint>* out);
Status ToDuration(std::int64_t ms, const char* what, std::chrono::milliseconds* out);
Status ToStatuses(const dt_runtime_status* statuses, size_t count, const char* what,
                  std::vector<RuntimeStatus>* out);
Status ToCallOptions(const dt_call_options* call, CallOptions* out);

// --- Configuration callbacks ------------------------------------------------------------

// Keeps a C callback's user_data and releases it once, when the last holder is gone.
// `armed` stays false until the registration has succeeded, so that a failed
// registration never calls free_user_data.
struct UserData {
  UserData(void* data, dt_free_cb free_data) : data(data), free_data(free_data) {}
  ~UserData() {
    if (armed && free_data != nullptr) free_data(data);
  }
  UserData(const UserData&) = delete;
  UserData& operator=(const UserData&) = delete;

  void* data;
  dt_free_cb free_data;
  bool armed = false;
};

// Wraps a C configure callback. A failing callback cannot stop the core from composing
// options, so it records its failure for the calling thread and spoils the options so
// that no client is made from them; see ConfigureFailure.
ConfigureOptions WrapConfigure(dt_configure_cb configure, std::shared_ptr<UserData> user_data);

// The first configure-callback failure on this thread since the last Reset. Entry points
// that compose options reset it before and consult it after, since configure callbacks
// run on the composing thread.
class ConfigureFailure {
 public:
  static void Reset();
  static bool Failed();
  // The recorded failure as a Status (message included).
  static Status Get();
};

}  // namespace durabletask::capi

// --- Handles ------------------------------------------------------------------------------

struct dt_cancellation {
  static constexpr std::uint32_t kLive = 0xD7000001u;
  std::uint32_t magic = kLive;
  durabletask::CancellationSource source;
};

struct dt_options {
  static constexpr std::uint32_t kLive = 0xD7000002u;
  dt_options() : target(&owned) {}
  // A view over options the core is composing; valid during a configure callback.
  explicit dt_options(durabletask::ClientOptions* shaped) : target(shaped) {}
  dt_options(const dt_options&) = delete;
  dt_options& operator=(const dt_options&) = delete;

  std::uint32_t magic = kLive;
  durabletask::ClientOptions owned;
  durabletask::ClientOptions* target;
  // Set once the library has taken a copy; later setters are refused.
  bool frozen = false;
};

struct dt_token_result {
  static constexpr std::uint32_t kLive = 0xD7000003u;
  std::uint32_t magic = kLive;
  bool has_token = false;
  std::string token;
  std::int64_t expires_at_unix_ms = 0;
  std::string error;
};

// A failure and the chain of its causes. Each link points into the value that owns the
// FailureDetails (an instance or an event), which lives at a fixed address.
struct dt_failure {
  static constexpr std::uint32_t kLive = 0xD7000004u;
  static std::unique_ptr<dt_failure> Chain(const std::optional<durabletask::FailureDetails>& head);

  std::uint32_t magic = kLive;
  const durabletask::FailureDetails* details = nullptr;
  std::unique_ptr<dt_failure> inner;
};

struct dt_instance {
  static constexpr std::uint32_t kLive = 0xD7000005u;
  dt_instance(durabletask::OrchestrationMetadata value, bool borrowed);
  dt_instance(const dt_instance&) = delete;
  dt_instance& operator=(const dt_instance&) = delete;

  std::uint32_t magic = kLive;
  durabletask::OrchestrationMetadata metadata;
  std::unique_ptr<dt_failure> failure;
  std::vector<std::map<std::string, std::string>::const_iterator> tags;
  // Borrowed from a page: released with it, never on its own.
  bool borrowed;
};

struct dt_instance_page {
  static constexpr std::uint32_t kLive = 0xD7000006u;
  explicit dt_instance_page(durabletask::Page<durabletask::OrchestrationMetadata> page);

  std::uint32_t magic = kLive;
  std::vector<std::unique_ptr<dt_instance>> items;
  std::optional<std::string> continuation_token;
};

struct dt_instance_id_page {
  static constexpr std::uint32_t kLive = 0xD7000007u;
  std::uint32_t magic = kLive;
  durabletask::Page<std::string> page;
};

struct dt_entity {
  static constexpr std::uint32_t kLive = 0xD7000008u;
  dt_entity(durabletask::EntityMetadata value, bool borrowed)
      : metadata(std::move(value)), borrowed(borrowed) {}

  std::uint32_t magic = kLive;
  durabletask::EntityMetadata metadata;
  bool borrowed;
};

struct dt_entity_page {
  static constexpr std::uint32_t kLive = 0xD7000009u;
  explicit dt_entity_page(durabletask::Page<durabletask::EntityMetadata> page);

  std::uint32_t magic = kLive;
  std::vector<std::unique_ptr<dt_entity>> items;
  std::optional<std::string> continuation_token;
};

struct dt_history_event {
  static constexpr std::uint32_t kLive = 0xD700000Au;
  dt_history_event(durabletask::HistoryEvent value, bool borrowed);
  dt_history_event(const dt_history_event&) = delete;
  dt_history_event& operator=(const dt_history_event&) = delete;

  std::uint32_t magic = kLive;
  durabletask::HistoryEvent event;
  std::unique_ptr<dt_failure> failure;
  bool borrowed;
};

struct dt_history {
  static constexpr std::uint32_t kLive = 0xD700000Bu;
  explicit dt_history(std::vector<durabletask::HistoryEvent> events);

  std::uint32_t magic = kLive;
  std::vector<std::unique_ptr<dt_history_event>> events;
};

// Iterators and streams hold the client they read through, so that they stay usable
// after the handle that made them is freed (the core requires that its pagers and
// streams do not outlive their client).
struct dt_instance_iter {
  static constexpr std::uint32_t kLive = 0xD700000Cu;
  std::uint32_t magic = kLive;
  std::shared_ptr<durabletask::Client> client;
  durabletask::Pager<durabletask::OrchestrationMetadata> pager;
};

struct dt_instance_id_iter {
  static constexpr std::uint32_t kLive = 0xD700000Du;
  std::uint32_t magic = kLive;
  std::shared_ptr<durabletask::Client> client;
  durabletask::Pager<std::string> pager;
};

struct dt_entity_iter {
  static constexpr std::uint32_t kLive = 0xD700000Eu;
  std::uint32_t magic = kLive;
  std::shared_ptr<durabletask::Client> client;
  durabletask::Pager<durabletask::EntityMetadata> pager;
};

struct dt_history_stream {
  static constexpr std::uint32_t kLive = 0xD700000Fu;
  std::uint32_t magic = kLive;
  // Declared before the stream so that it is destroyed after it.
  std::shared_ptr<durabletask::Client> client;
  durabletask::HistoryStream stream;
};

struct dt_client;

namespace durabletask::capi {

// The asynchronous calls started through one client handle: counted so that freeing
// the handle can wait for their callbacks, and cancellable all at once.
struct AsyncScope {
  std::mutex mutex;
  std::condition_variable idle;
  int pending = 0;
  CancellationSource closing;
  // A handle freed on a library thread, left for the last of its calls to release.
  dt_client* orphan = nullptr;
};

}  // namespace durabletask::capi

struct dt_client {
  static constexpr std::uint32_t kLive = 0xD7000010u;
  dt_client(std::shared_ptr<durabletask::Client> client, bool borrowed)
      : borrowed(borrowed), client(std::move(client)) {}
  ~dt_client() { delete scope.load(std::memory_order_acquire); }
  dt_client(const dt_client&) = delete;
  dt_client& operator=(const dt_client&) = delete;

  std::uint32_t magic = kLive;
  // Owned by a provider: released with it, never on its own.
  bool borrowed;
  std::shared_ptr<durabletask::Client> client;
  // Made by the first asynchronous call, since many handles never make one; released
  // with the handle. See ScopeOf in client.cc.
  std::atomic<durabletask::capi::AsyncScope*> scope{nullptr};
};

namespace durabletask::capi {

// Cancels the calls started through the handle, waits for their callbacks, then drops
// the handle's reference to the client and releases the handle. On a library thread it
// does not wait (see the definition) and the last callback releases the handle.
void DestroyClient(dt_client* client);

struct ClientDestroyer {
  void operator()(dt_client* client) const { DestroyClient(client); }
};

}  // namespace durabletask::capi

struct dt_factory_builder {
  static constexpr std::uint32_t kLive = 0xD7000011u;
  std::uint32_t magic = kLive;
  durabletask::ClientFactoryBuilder builder;
  bool built = false;
};

struct dt_factory {
  static constexpr std::uint32_t kLive = 0xD7000012u;
  std::uint32_t magic = kLive;
  std::shared_ptr<durabletask::ClientFactory> factory;
};

struct dt_provider {
  static constexpr std::uint32_t kLive = 0xD7000013u;
  std::uint32_t magic = kLive;
  std::shared_ptr<durabletask::ClientProvider> provider;
  std::vector<std::string> names;
  // Declared last so that the handles go (and their calls finish) before the provider.
  std::map<std::string, std::unique_ptr<dt_client, durabletask::capi::ClientDestroyer>> clients;
};

struct dt_caching_factory {
  static constexpr std::uint32_t kLive = 0xD7000014u;
  std::uint32_t magic = kLive;
  std::unique_ptr<durabletask::CachingClientFactory> cache;
};

struct dt_metrics {
  static constexpr std::uint32_t kLive = 0xD7000015u;
  explicit dt_metrics(durabletask::MetricsSnapshot value);

  struct CallEntry {
    const std::string* rpc;
    const std::string* code;
    std::uint64_t count;
  };
  std::uint32_t magic = kLive;
  durabletask::MetricsSnapshot snapshot;
  std::vector<CallEntry> calls;
};

struct dt_health_report {
  static constexpr std::uint32_t kLive = 0xD7000016u;
  std::uint32_t magic = kLive;
  durabletask::HealthReport report;
};

#endif  // DURABLETASK_CAPI_SRC_INTERNAL_H_
