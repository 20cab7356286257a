// The client of one task hub: one method per client-side call of the sidecar protocol.
#ifndef DURABLETASK_CLIENT_H_
#define DURABLETASK_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "durabletask/cancellation.h"
#include "durabletask/export.h"
#include "durabletask/options.h"
#include "durabletask/status.h"
#include "durabletask/types.h"

namespace durabletask {

namespace internal {
class ClientCore;
class HistoryReader;
}  // namespace internal

// How one call behaves. The deadline is the earliest of `deadline`, now + `timeout`, and
// now + the client's default deadline (when the first two are unset).
struct CallOptions {
  std::optional<TimePoint> deadline;
  std::chrono::milliseconds timeout{0};
  CancellationToken cancellation;

  static CallOptions WithTimeout(std::chrono::milliseconds timeout) {
    CallOptions call;
    call.timeout = timeout;
    return call;
  }
};

// Completion of a non-blocking call. It runs exactly once, on a library thread (never
// on the thread that started the call), and must not block for long.
template <typename T>
using Callback = std::function<void(Result<T>)>;
using StatusCallback = std::function<void(Status)>;

using InstanceResult = Result<std::optional<OrchestrationMetadata>>;
using InstanceCallback = Callback<std::optional<OrchestrationMetadata>>;

// Walks a paged listing, fetching the next page only when the items of the current one
// are used up. An error ends the walk and is returned by Next().
//
// Thread safety: not thread-safe; use one pager from one thread at a time.
template <typename T>
class Pager {
 public:
  using FetchPage = std::function<Result<Page<T>>(const std::string& continuation_token)>;

  Pager(FetchPage fetch, std::string first_token)
      : fetch_(std::move(fetch)), token_(std::move(first_token)) {}

  // The next item, std::nullopt after the last one.
  Result<std::optional<T>> Next() {
    while (position_ >= items_.size()) {
      if (finished_) return std::optional<T>();
      Result<Page<T>> page = fetch_(token_);
      if (!page.ok()) {
        finished_ = true;
        return page.status();
      }
      ++pages_fetched_;
      items_ = std::move(page->items);
      position_ = 0;
      if (page->continuation_token && !page->continuation_token->empty()) {
        token_ = *page->continuation_token;
      } else {
        finished_ = true;
      }
    }
    return std::optional<T>(std::move(items_[position_++]));
  }

  int pages_fetched() const { return pages_fetched_; }

 private:
  FetchPage fetch_;
  std::string token_;
  std::vector<T> items_;
  size_t position_ = 0;
  bool finished_ = false;
  int pages_fetched_ = 0;
};

// Reads an orchestration's history as the sidecar streams it, one event at a time.
class DT_API HistoryStream {
 public:
  HistoryStream(HistoryStream&&) noexcept;
  HistoryStream& operator=(HistoryStream&&) noexcept;
  ~HistoryStream();

  // The next event, std::nullopt at the end of the stream.
  Result<std::optional<HistoryEvent>> Next();

 private:
  friend class Client;
  explicit HistoryStream(std::unique_ptr<internal::HistoryReader> reader);
  std::unique_ptr<internal::HistoryReader> reader_;
};

// A client of one task hub.
//
// Cost: creating a client does no network I/O; a client is two heap blocks of about 350
// bytes in all (x86-64 Linux) that point at a shared connection. Clients from one factory
// share connections when their address, TLS settings and channel arguments are equal,
// and one copy of their options when those differ only in the task hub.
//
// Thread safety: every method may be called from any number of threads at once.
//
// Lifetime: destroying the client (or Close()) cancels its calls in flight and waits
// until their callbacks have run; every callback runs exactly once. The connection
// stays with other clients that share it. Exception: destroyed from inside one of its
// own completion callbacks, the client cancels its other calls without waiting for
// them (waiting could deadlock), so their callbacks may run after the destructor.
class DT_API Client {
 public:
  // A client with a connection of its own, outside any factory. The options are
  // validated; nothing is sent.
  static Result<std::unique_ptr<Client>> Create(ClientOptions options);

  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Cancels calls in flight and waits for their callbacks; later calls fail with
  // kFailedPrecondition. Idempotent.
  void Close();

  const std::string& name() const;
  const std::string& task_hub() const;
  // The options the client was made with, as a copy: clients share what their options
  // have in common (TLS material among it) instead of each holding them all.
  ClientOptions options() const;

  // Hello: succeeds when the sidecar answers for this client's task hub.
  Status Ping(const CallOptions& call = {});
  void PingAsync(const CallOptions& call, StatusCallback done);

  // Starts a new orchestration and returns its instance id.
  Result<std::string> ScheduleNewOrchestration(const StartOrchestrationOptions& start,
                                               const CallOptions& call = {});
  void ScheduleNewOrchestrationAsync(const StartOrchestrationOptions& start,
                                     const CallOptions& call, Callback<std::string> done);

  // std::nullopt when no such instance exists (not an error).
  InstanceResult GetInstance(const std::string& instance_id, bool include_payloads = false,
                             const CallOptions& call = {});
  void GetInstanceAsync(const std::string& instance_id, bool include_payloads,
                        const CallOptions& call, InstanceCallback done);

  // Wait until the instance has started (or completed). When the sidecar ends its long
  // poll early the call is re-issued: the wait ends at the caller's deadline, on
  // cancellation, or when the state is reached.
  InstanceResult WaitForInstanceStart(const std::string& instance_id,
                                      bool include_payloads = false,
                                      const CallOptions& call = {});
  void WaitForInstanceStartAsync(const std::string& instance_id, bool include_payloads,
                                 const CallOptions& call, InstanceCallback done);
  InstanceResult WaitForInstanceCompletion(const std::string& instance_id,
                                           bool include_payloads = false,
                                           const CallOptions& call = {});
  void WaitForInstanceCompletionAsync(const std::string& instance_id, bool include_payloads,
                                      const CallOptions& call, InstanceCallback done);

  Status RaiseEvent(const std::string& instance_id, const std::string& event_name,
                    const std::optional<std::string>& payload = std::nullopt,
                    const CallOptions& call = {});
  void RaiseEventAsync(const std::string& instance_id, const std::string& event_name,
                       const std::optional<std::string>& payload, const CallOptions& call,
                       StatusCallback done);

  Status Terminate(const std::string& instance_id, const TerminateOptions& terminate = {},
                   const CallOptions& call = {});
  void TerminateAsync(const std::string& instance_id, const TerminateOptions& terminate,
                      const CallOptions& call, StatusCallback done);

  Status Suspend(const std::string& instance_id, const std::string& reason = "",
                 const CallOptions& call = {});
  void SuspendAsync(const std::string& instance_id, const std::string& reason,
                    const CallOptions& call, StatusCallback done);
  Status Resume(const std::string& instance_id, const std::string& reason = "",
                const CallOptions& call = {});
  void ResumeAsync(const std::string& instance_id, const std::string& reason,
                   const CallOptions& call, StatusCallback done);

  // One page of instances; the query's continuation_token says where to start.
  Result<Page<OrchestrationMetadata>> QueryInstancesPage(const InstanceQuery& query,
                                                         const CallOptions& call = {});
  void QueryInstancesPageAsync(const InstanceQuery& query, const CallOptions& call,
                               Callback<Page<OrchestrationMetadata>> done);
  // All matching instances, fetched page by page as the pager is advanced. The pager
  // uses this client and must not outlive it.
  Pager<OrchestrationMetadata> QueryInstances(const InstanceQuery& query,
                                              const CallOptions& call = {});

  Result<Page<std::string>> ListInstanceIdsPage(const InstanceIdQuery& query,
                                                const CallOptions& call = {});
  void ListInstanceIdsPageAsync(const InstanceIdQuery& query, const CallOptions& call,
                                Callback<Page<std::string>> done);
  Pager<std::string> ListInstanceIds(const InstanceIdQuery& query, const CallOptions& call = {});

  Result<PurgeResult> PurgeInstance(const std::string& instance_id, bool recursive = false,
                                    const CallOptions& call = {});
  void PurgeInstanceAsync(const std::string& instance_id, bool recursive,
                          const CallOptions& call, Callback<PurgeResult> done);
  Result<PurgeResult> PurgeInstances(const PurgeFilter& filter, const CallOptions& call = {});
  void PurgeInstancesAsync(const PurgeFilter& filter, const CallOptions& call,
                           Callback<PurgeResult> done);

  // Restarts an instance with its original input; returns the id it runs under.
  Result<std::string> RestartInstance(const std::string& instance_id,
                                      bool restart_with_new_instance_id = false,
                                      const CallOptions& call = {});
  void RestartInstanceAsync(const std::string& instance_id, bool restart_with_new_instance_id,
                            const CallOptions& call, Callback<std::string> done);

  Status RewindInstance(const std::string& instance_id, const std::string& reason = "",
                        const CallOptions& call = {});
  void RewindInstanceAsync(const std::string& instance_id, const std::string& reason,
                           const CallOptions& call, StatusCallback done);

  // The whole history, collected from the sidecar's stream.
  Result<std::vector<HistoryEvent>> GetHistory(const std::string& instance_id,
                                               const CallOptions& call = {});
  void GetHistoryAsync(const std::string& instance_id, const CallOptions& call,
                       Callback<std::vector<HistoryEvent>> done);
  // The history as a stream, read event by event. The stream must not outlive the client.
  Result<HistoryStream> StreamHistory(const std::string& instance_id,
                                      const CallOptions& call = {});

  // Entities: these fail with kFailedPrecondition unless entity support is enabled.
  Status SignalEntity(const std::string& entity_instance_id, const std::string& operation,
                      const SignalEntityOptions& signal = {}, const CallOptions& call = {});
  void SignalEntityAsync(const std::string& entity_instance_id, const std::string& operation,
                         const SignalEntityOptions& signal, const CallOptions& call,
                         StatusCallback done);
  Result<std::optional<EntityMetadata>> GetEntity(const std::string& entity_instance_id,
                                                  bool include_state = false,
                                                  const CallOptions& call = {});
  void GetEntityAsync(const std::string& entity_instance_id, bool include_state,
                      const CallOptions& call, Callback<std::optional<EntityMetadata>> done);
  Result<Page<EntityMetadata>> QueryEntitiesPage(const EntityQuery& query,
                                                 const CallOptions& call = {});
  void QueryEntitiesPageAsync(const EntityQuery& query, const CallOptions& call,
                              Callback<Page<EntityMetadata>> done);
  Pager<EntityMetadata> QueryEntities(const EntityQuery& query, const CallOptions& call = {});
  // Repeats the clean-up call while the sidecar hands back a continuation token, and
  // returns the totals.
  Result<CleanEntityStorageResult> CleanEntityStorage(const CleanEntityStorageOptions& clean = {},
                                                      const CallOptions& call = {});
  void CleanEntityStorageAsync(const CleanEntityStorageOptions& clean, const CallOptions& call,
                               Callback<CleanEntityStorageResult> done);

  // For the factory: wraps a core built elsewhere.
  explicit Client(std::shared_ptr<internal::ClientCore> core);

 private:
  std::shared_ptr<internal::ClientCore> core_;
};

// A new random instance id: 32 lowercase hexadecimal digits.
DT_API std::string NewInstanceId();

}  // namespace durabletask

#endif  // DURABLETASK_CLIENT_H_
