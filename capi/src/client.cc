// The client: every operation of the core in a blocking and an asynchronous form.
//
// Asynchronous calls are tracked per client handle, on top of what the core does, for
// two reasons: a handle from a provider or a caching factory shares its client with
// others, so freeing the handle cannot close the client; and the core reports some
// early failures (an invalid id) from a library thread without registering the call
// with the client. Counting every call here makes "no callback after dt_client_free"
// hold in all cases.
//
// Freeing a handle cancels its calls through the scope's closing token. A call without a
// cancellation of the caller's observes that token directly; only a call with one pays
// for a token of its own linked to both.
#include <atomic>

#include "internal.h"

using namespace durabletask;
using namespace durabletask::capi;

namespace {

// Set while a completion callback runs on this thread: a client freed there must not wait
// for its calls (see DestroyClient).
thread_local const AsyncScope* running_scope = nullptr;

// The handle's scope, made by its first asynchronous call. Threads that start the first
// calls at once may each make one; the first to publish its own wins, the others drop
// theirs.
AsyncScope* ScopeOf(dt_client* client) {
  AsyncScope* scope = client->scope.load(std::memory_order_acquire);
  if (scope != nullptr) return scope;
  auto made = std::make_unique<AsyncScope>();
  if (client->scope.compare_exchange_strong(scope, made.get(), std::memory_order_acq_rel,
                                            std::memory_order_acquire)) {
    return made.release();
  }
  return scope;
}

// A token that both the freeing of a handle and a caller's cancellation cancel, for the
// calls that come with a cancellation of their own.
class CombinedCancellation {
 public:
  CombinedCancellation(CancellationToken closing, CancellationToken caller)
      : closing_(std::move(closing)), caller_(std::move(caller)) {
    CancellationSource source = source_;
    closing_registration_ = closing_.Register([source]() mutable { source.Cancel(); });
    caller_registration_ = caller_.Register([source]() mutable { source.Cancel(); });
  }

  // Once this returns, neither signal reaches the call any more.
  ~CombinedCancellation() {
    closing_.Unregister(closing_registration_);
    caller_.Unregister(caller_registration_);
  }

  CombinedCancellation(const CombinedCancellation&) = delete;
  CombinedCancellation& operator=(const CombinedCancellation&) = delete;

  CancellationToken token() const { return source_.token(); }

 private:
  CancellationSource source_;
  CancellationToken closing_;
  CancellationToken caller_;
  std::uint64_t closing_registration_ = 0;
  std::uint64_t caller_registration_ = 0;
};

class AsyncCall {
 public:
  // Counts a call in on the handle's scope and sets the token the call observes. Without
  // a cancellation from the caller (`call` NULL or its cancellation NULL) that is the
  // scope's closing token itself, which costs nothing per call; with one, it is a token
  // of the call's own that the caller's cancellation and the freeing of the handle both
  // cancel.
  static std::shared_ptr<AsyncCall> Begin(dt_client* client, const dt_call_options* call,
                                          CallOptions* options) {
    AsyncScope* scope = ScopeOf(client);
    auto async = std::make_shared<AsyncCall>();
    async->scope_ = scope;
    if (call != nullptr && call->cancellation != nullptr) {
      async->combined_.emplace(scope->closing.token(), std::move(options->cancellation));
      options->cancellation = async->combined_->token();
    } else {
      options->cancellation = scope->closing.token();
    }
    std::lock_guard<std::mutex> lock(scope->mutex);
    ++scope->pending;
    return async;
  }

  // Runs the completion: `deliver(delivered)` converts the result and calls the user's
  // callback, setting `delivered` just before; if it throws before that, `fail` reports
  // the exception through the callback instead, so the callback runs exactly once.
  template <typename Deliver, typename Fail>
  void Complete(Deliver&& deliver, Fail&& fail) noexcept {
    if (settled_.exchange(true)) return;
    ClearError();
    const AsyncScope* previous = running_scope;
    running_scope = scope_;
    bool delivered = false;
    try {
      deliver(delivered);
    } catch (...) {
      if (!delivered) {
        dt_status code = ReportException();
        fail(code, dt_last_error_message());
      }
    }
    running_scope = previous;
    Finish();
  }

  // For a call the core did not start (it threw): counts it out without a callback.
  void Abandon() noexcept {
    if (settled_.exchange(true)) return;
    Finish();
  }

 private:
  void Finish() noexcept {
    combined_.reset();
    dt_client* orphan = nullptr;
    {
      std::lock_guard<std::mutex> lock(scope_->mutex);
      if (--scope_->pending == 0) std::swap(orphan, scope_->orphan);
      scope_->idle.notify_all();
    }
    // Outside the lock: releasing the client may close it, which waits for gRPC.
    if (orphan != nullptr) delete orphan;
  }

  // Owned by the handle, which is not released before the last of its calls has counted
  // itself out (see DestroyClient); Finish is the last use.
  AsyncScope* scope_ = nullptr;
  std::optional<CombinedCancellation> combined_;
  std::atomic<bool> settled_{false};
};

// Starts a core call; if starting throws, the call is counted out before the exception
// reaches the entry point's guard.
template <typename Start>
void Launch(const std::shared_ptr<AsyncCall>& async, Start&& start) {
  try {
    start();
  } catch (...) {
    async->Abandon();
    throw;
  }
}

struct RetireHandle {
  template <typename Handle>
  void operator()(Handle* handle) const {
    if (handle != nullptr) Retire(handle);
  }
};

// --- Completion adapters --------------------------------------------------------------------

StatusCallback OnDone(std::shared_ptr<AsyncCall> async, dt_done_cb done, void* user_data) {
  return [async, done, user_data](Status status) {
    async->Complete(
        [&](bool& delivered) {
          dt_status code = Report(status);
          delivered = true;
          if (done != nullptr) done(user_data, code, status.message().c_str());
        },
        [&](dt_status code, const char* message) {
          if (done != nullptr) done(user_data, code, message);
        });
  };
}

Callback<std::string> OnString(std::shared_ptr<AsyncCall> async, dt_string_cb done,
                               void* user_data) {
  return [async, done, user_data](Result<std::string> result) {
    async->Complete(
        [&](bool& delivered) {
          dt_status code = Report(result.status());
          delivered = true;
          if (done == nullptr) return;
          done(user_data, code, result.status().message().c_str(),
               result.ok() ? result->c_str() : nullptr);
        },
        [&](dt_status code, const char* message) {
          if (done != nullptr) done(user_data, code, message, nullptr);
        });
  };
}

// Completion whose result becomes a handle the receiver owns. `make` turns the value
// into a handle (NULL for "no such thing").
template <typename T, typename Handle, typename Done, typename Make>
Callback<T> OnHandle(std::shared_ptr<AsyncCall> async, Done done, void* user_data, Make make) {
  return [async, done, user_data, make](Result<T> result) {
    async->Complete(
        [&](bool& delivered) {
          std::unique_ptr<Handle, RetireHandle> handle;
          if (result.ok()) handle.reset(make(std::move(result).value()));
          dt_status code = Report(result.status());
          delivered = true;
          if (done != nullptr) {
            done(user_data, code, result.status().message().c_str(), handle.release());
          }
        },
        [&](dt_status code, const char* message) {
          if (done != nullptr) done(user_data, code, message, nullptr);
        });
  };
}

dt_instance* MakeInstance(std::optional<OrchestrationMetadata> value) {
  return value ? new dt_instance(std::move(*value), false) : nullptr;
}

dt_instance_page* MakeInstancePage(Page<OrchestrationMetadata> page) {
  return new dt_instance_page(std::move(page));
}

dt_instance_id_page* MakeIdPage(Page<std::string> page) {
  auto handle = std::make_unique<dt_instance_id_page>();
  handle->page = std::move(page);
  return handle.release();
}

dt_entity* MakeEntity(std::optional<EntityMetadata> value) {
  return value ? new dt_entity(std::move(*value), false) : nullptr;
}

dt_entity_page* MakeEntityPage(Page<EntityMetadata> page) {
  return new dt_entity_page(std::move(page));
}

dt_history* MakeHistory(std::vector<HistoryEvent> events) {
  return new dt_history(std::move(events));
}

// --- Inputs ---------------------------------------------------------------------------------

Status ToTextList(const char* const* texts, size_t count, const char* what,
                  std::vector<std::string>* out) {
  if (count == 0) return Status::Ok();
  if (texts == nullptr) {
    return Invalid(std::string(what) + " must not be NULL when its count is " +
                   std::to_string(count));
  }
  for (size_t i = 0; i < count; ++i) {
    if (texts[i] == nullptr) {
      return Invalid(std::string(what) + "[" + std::to_string(i) + "] must not be NULL");
    }
    out->push_back(texts[i]);
  }
  return Status::Ok();
}

Status ToStart(const dt_start_options* in, StartOrchestrationOptions* out) {
  if (in == nullptr) return Invalid("start options must not be NULL");
  if (Status s = CheckVersion(in->version, DT_START_OPTIONS_VERSION, "dt_start_options"); !s.ok()) {
    return s;
  }
  if (Status s = CheckText(in->name, "start options name"); !s.ok()) return s;
  out->name = in->name;
  out->input = TextOrNone(in->input);
  out->instance_id = TextOrEmpty(in->instance_id);
  if (Status s = ToTime(in->start_at_unix_ms, "start_at_unix_ms", &out->start_at); !s.ok()) {
    return s;
  }

  std::vector<std::string> names;
  std::vector<std::string> values;
  if (Status s = ToTextList(in->tag_names, in->tag_count, "tag_names", &names); !s.ok()) return s;
  if (Status s = ToTextList(in->tag_values, in->tag_count, "tag_values", &values); !s.ok()) {
    return s;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (!out->tags.emplace(names[i], values[i]).second) {
      return Invalid("tag '" + names[i] + "' is given twice");
    }
  }

  out->version = TextOrEmpty(in->orchestration_version);
  return ToStatuses(in->dedupe_statuses, in->dedupe_status_count, "dedupe_statuses",
                    &out->dedupe_statuses);
}

Status ToTerminate(const dt_terminate_options* in, TerminateOptions* out) {
  if (in == nullptr) return Status::Ok();
  if (Status s = CheckVersion(in->version, DT_TERMINATE_OPTIONS_VERSION, "dt_terminate_options");
      !s.ok()) {
    return s;
  }
  out->output = TextOrNone(in->output);
  out->recursive = in->recursive != 0;
  return Status::Ok();
}

Status ToInstanceQuery(const dt_instance_query* in, InstanceQuery* out) {
  if (in == nullptr) return Status::Ok();
  if (Status s = CheckVersion(in->version, DT_INSTANCE_QUERY_VERSION, "dt_instance_query");
      !s.ok()) {
    return s;
  }
  if (Status s = ToTime(in->created_from_unix_ms, "created_from_unix_ms", &out->created_from);
      !s.ok()) {
    return s;
  }
  if (Status s = ToTime(in->created_to_unix_ms, "created_to_unix_ms", &out->created_to); !s.ok()) {
    return s;
  }
  if (Status s = ToStatuses(in->statuses, in->status_count, "statuses", &out->statuses); !s.ok()) {
    return s;
  }
  if (Status s = ToTextList(in->task_hub_names, in->task_hub_name_count, "task_hub_names",
                            &out->task_hub_names);
      !s.ok()) {
    return s;
  }
  out->instance_id_prefix = TextOrEmpty(in->instance_id_prefix);
  out->fetch_inputs_and_outputs = in->fetch_inputs_and_outputs != 0;
  out->page_size = in->page_size;
  out->continuation_token = TextOrEmpty(in->continuation_token);
  return Status::Ok();
}

Status ToInstanceIdQuery(const dt_instance_id_query* in, InstanceIdQuery* out) {
  if (in == nullptr) return Status::Ok();
  if (Status s = CheckVersion(in->version, DT_INSTANCE_ID_QUERY_VERSION, "dt_instance_id_query");
      !s.ok()) {
    return s;
  }
  if (Status s = ToStatuses(in->statuses, in->status_count, "statuses", &out->statuses); !s.ok()) {
    return s;
  }
  if (Status s = ToTime(in->completed_from_unix_ms, "completed_from_unix_ms", &out->completed_from);
      !s.ok()) {
    return s;
  }
  if (Status s = ToTime(in->completed_to_unix_ms, "completed_to_unix_ms", &out->completed_to);
      !s.ok()) {
    return s;
  }
  out->page_size = in->page_size;
  out->last_instance_key = TextOrEmpty(in->last_instance_key);
  return Status::Ok();
}

Status ToPurgeFilter(const dt_purge_filter* in, PurgeFilter* out) {
  if (in == nullptr) return Invalid("purge filter must not be NULL");
  if (Status s = CheckVersion(in->version, DT_PURGE_FILTER_VERSION, "dt_purge_filter"); !s.ok()) {
    return s;
  }
  if (Status s = ToTime(in->created_from_unix_ms, "created_from_unix_ms", &out->created_from);
      !s.ok()) {
    return s;
  }
  if (Status s = ToTime(in->created_to_unix_ms, "created_to_unix_ms", &out->created_to); !s.ok()) {
    return s;
  }
  if (Status s = ToStatuses(in->statuses, in->status_count, "statuses", &out->statuses); !s.ok()) {
    return s;
  }
  return ToDuration(in->timeout_ms, "purge timeout_ms", &out->timeout);
}

Status ToSignal(const dt_signal_entity_options* in, SignalEntityOptions* out) {
  if (in == nullptr) return Status::Ok();
  if (Status s =
          CheckVersion(in->version, DT_SIGNAL_ENTITY_OPTIONS_VERSION, "dt_signal_entity_options");
      !s.ok()) {
    return s;
  }
  out->input = TextOrNone(in->input);
  if (Status s = ToTime(in->scheduled_time_unix_ms, "scheduled_time_unix_ms", &out->scheduled_time);
      !s.ok()) {
    return s;
  }
  out->request_id = TextOrEmpty(in->request_id);
  return Status::Ok();
}

Status ToEntityQuery(const dt_entity_query* in, EntityQuery* out) {
  if (in == nullptr) return Status::Ok();
  if (Status s = CheckVersion(in->version, DT_ENTITY_QUERY_VERSION, "dt_entity_query"); !s.ok()) {
    return s;
  }
  out->instance_id_starts_with = TextOrEmpty(in->instance_id_starts_with);
  if (Status s = ToTime(in->last_modified_from_unix_ms, "last_modified_from_unix_ms",
                        &out->last_modified_from);
      !s.ok()) {
    return s;
  }
  if (Status s =
          ToTime(in->last_modified_to_unix_ms, "last_modified_to_unix_ms", &out->last_modified_to);
      !s.ok()) {
    return s;
  }
  out->include_state = in->include_state != 0;
  out->include_transient = in->include_transient != 0;
  out->page_size = in->page_size;
  out->continuation_token = TextOrEmpty(in->continuation_token);
  return Status::Ok();
}

Status ToClean(const dt_clean_entity_storage_options* in, CleanEntityStorageOptions* out) {
  if (in == nullptr) return Status::Ok();
  if (Status s = CheckVersion(in->version, DT_CLEAN_ENTITY_STORAGE_OPTIONS_VERSION,
                              "dt_clean_entity_storage_options");
      !s.ok()) {
    return s;
  }
  out->remove_empty_entities = in->remove_empty_entities != 0;
  out->release_orphaned_locks = in->release_orphaned_locks != 0;
  return Status::Ok();
}

void StorePurge(const PurgeResult& result, int* deleted_out, int* complete_out) {
  if (deleted_out != nullptr) *deleted_out = result.deleted_instance_count;
  if (complete_out != nullptr)
    *complete_out = result.is_complete ? (*result.is_complete ? 1 : 0) : -1;
}

using InstanceQueryFn = InstanceResult (Client::*)(const std::string&, bool, const CallOptions&);
using InstanceAsyncFn = void (Client::*)(const std::string&, bool, const CallOptions&,
                                         InstanceCallback);

dt_status GetInstanceLike(InstanceQueryFn method, dt_instance** instance_out, dt_client* client,
                          const char* instance_id, int include_payloads,
                          const dt_call_options* call) {
  return Guarded([&] {
    if (instance_out != nullptr) *instance_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(instance_out, "instance_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    InstanceResult result =
        (client->client.get()->*method)(instance_id, include_payloads != 0, options);
    if (!result.ok()) return Report(result.status());
    *instance_out = MakeInstance(std::move(result).value());
    return DT_OK;
  });
}

dt_status GetInstanceLikeAsync(InstanceAsyncFn method, dt_client* client, const char* instance_id,
                               int include_payloads, const dt_call_options* call,
                               dt_instance_cb done, void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      (client->client.get()->*method)(instance_id, include_payloads != 0, options,
                                      OnHandle<std::optional<OrchestrationMetadata>, dt_instance>(
                                          async, done, user_data, MakeInstance));
    });
    return DT_OK;
  });
}

using ReasonFn = Status (Client::*)(const std::string&, const std::string&, const CallOptions&);
using ReasonAsyncFn = void (Client::*)(const std::string&, const std::string&, const CallOptions&,
                                       StatusCallback);

dt_status WithReason(ReasonFn method, dt_client* client, const char* instance_id,
                     const char* reason, const dt_call_options* call) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    return Report((client->client.get()->*method)(instance_id, TextOrEmpty(reason), options));
  });
}

dt_status WithReasonAsync(ReasonAsyncFn method, dt_client* client, const char* instance_id,
                          const char* reason, const dt_call_options* call, dt_done_cb done,
                          void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      (client->client.get()->*method)(instance_id, TextOrEmpty(reason), options,
                                      OnDone(async, done, user_data));
    });
    return DT_OK;
  });
}

Callback<PurgeResult> OnPurge(std::shared_ptr<AsyncCall> async, dt_purge_cb done, void* user_data) {
  return [async, done, user_data](Result<PurgeResult> result) {
    async->Complete(
        [&](bool& delivered) {
          int deleted = 0;
          int complete = 0;
          if (result.ok()) StorePurge(*result, &deleted, &complete);
          dt_status code = Report(result.status());
          delivered = true;
          if (done != nullptr) {
            done(user_data, code, result.status().message().c_str(), deleted, complete);
          }
        },
        [&](dt_status code, const char* message) {
          if (done != nullptr) done(user_data, code, message, 0, 0);
        });
  };
}

}  // namespace

namespace durabletask::capi {

void DestroyClient(dt_client* client) {
  // No call can start while the handle is being freed, so one without a scope has none.
  AsyncScope* scope = client->scope.load(std::memory_order_acquire);
  if (scope == nullptr) {
    Retire(client);
    return;
  }

  scope->closing.Cancel();
  if (running_scope == nullptr) {
    std::unique_lock<std::mutex> lock(scope->mutex);
    scope->idle.wait(lock, [&] { return scope->pending == 0; });
    lock.unlock();
    Retire(client);
    return;
  }

  // On a library thread, from a callback, waiting could deadlock: gRPC may queue the
  // completions of the calls just cancelled behind the very thread that would wait for
  // them. The handle is retired for the caller now and released by the last callback.
  client->magic = kRetired;
  {
    std::lock_guard<std::mutex> lock(scope->mutex);
    if (scope->pending > 0) {
      scope->orphan = client;
      return;
    }
  }
  delete client;
}

}  // namespace durabletask::capi

extern "C" {

dt_status dt_client_create(dt_client** client_out, dt_options* options) {
  return Guarded([&] {
    if (client_out != nullptr) *client_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(client_out, "client_out"));
    DT_RETURN_IF_ERROR(CheckHandle(options, "options"));
    Result<std::unique_ptr<Client>> created = Client::Create(*options->target);
    if (!created.ok()) return Report(created.status());
    *client_out = new dt_client(std::shared_ptr<Client>(std::move(created).value()), false);
    options->frozen = true;
    return DT_OK;
  });
}

void dt_client_free(dt_client* client) {
  GuardedVoid([&] {
    if (client == nullptr || !Readable(client, "client")) return;
    if (client->borrowed) {
      Report(Invalid("this client belongs to its provider and is released by dt_provider_free"));
      return;
    }
    DestroyClient(client);
  });
}

const char* dt_client_name(const dt_client* client) {
  return GuardedValue<const char*>(nullptr, [&]() -> const char* {
    if (!Readable(client, "client")) return nullptr;
    return client->client->name().c_str();
  });
}

const char* dt_client_task_hub(const dt_client* client) {
  return GuardedValue<const char*>(nullptr, [&]() -> const char* {
    if (!Readable(client, "client")) return nullptr;
    return client->client->task_hub().c_str();
  });
}

dt_status dt_client_get_options(dt_options** options_out, const dt_client* client) {
  return Guarded([&] {
    if (options_out != nullptr) *options_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(options_out, "options_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    auto copy = std::make_unique<dt_options>();
    copy->owned = client->client->options();
    *options_out = copy.release();
    return DT_OK;
  });
}

// --- Ping -----------------------------------------------------------------------------------

dt_status dt_client_ping(dt_client* client, const dt_call_options* call) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    return Report(client->client->Ping(options));
  });
}

dt_status dt_client_ping_async(dt_client* client, const dt_call_options* call, dt_done_cb done,
                               void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] { client->client->PingAsync(options, OnDone(async, done, user_data)); });
    return DT_OK;
  });
}

// --- Start ----------------------------------------------------------------------------------

dt_status dt_client_schedule_new_orchestration(char** instance_id_out, dt_client* client,
                                               const dt_start_options* start,
                                               const dt_call_options* call) {
  return Guarded([&] {
    if (instance_id_out != nullptr) *instance_id_out = nullptr;
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    StartOrchestrationOptions start_options;
    DT_RETURN_IF_ERROR(ToStart(start, &start_options));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<std::string> id = client->client->ScheduleNewOrchestration(start_options, options);
    if (!id.ok()) return Report(id.status());
    if (instance_id_out != nullptr) *instance_id_out = CopyOut(*id);
    return DT_OK;
  });
}

dt_status dt_client_schedule_new_orchestration_async(dt_client* client,
                                                     const dt_start_options* start,
                                                     const dt_call_options* call, dt_string_cb done,
                                                     void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    StartOrchestrationOptions start_options;
    DT_RETURN_IF_ERROR(ToStart(start, &start_options));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->ScheduleNewOrchestrationAsync(start_options, options,
                                                    OnString(async, done, user_data));
    });
    return DT_OK;
  });
}

// --- Instance state -------------------------------------------------------------------------

dt_status dt_client_get_instance(dt_instance** instance_out, dt_client* client,
                                 const char* instance_id, int include_payloads,
                                 const dt_call_options* call) {
  return GetInstanceLike(&Client::GetInstance, instance_out, client, instance_id, include_payloads,
                         call);
}

dt_status dt_client_get_instance_async(dt_client* client, const char* instance_id,
                                       int include_payloads, const dt_call_options* call,
                                       dt_instance_cb done, void* user_data) {
  return GetInstanceLikeAsync(&Client::GetInstanceAsync, client, instance_id, include_payloads,
                              call, done, user_data);
}

dt_status dt_client_wait_for_instance_start(dt_instance** instance_out, dt_client* client,
                                            const char* instance_id, int include_payloads,
                                            const dt_call_options* call) {
  return GetInstanceLike(&Client::WaitForInstanceStart, instance_out, client, instance_id,
                         include_payloads, call);
}

dt_status dt_client_wait_for_instance_start_async(dt_client* client, const char* instance_id,
                                                  int include_payloads, const dt_call_options* call,
                                                  dt_instance_cb done, void* user_data) {
  return GetInstanceLikeAsync(&Client::WaitForInstanceStartAsync, client, instance_id,
                              include_payloads, call, done, user_data);
}

dt_status dt_client_wait_for_instance_completion(dt_instance** instance_out, dt_client* client,
                                                 const char* instance_id, int include_payloads,
                                                 const dt_call_options* call) {
  return GetInstanceLike(&Client::WaitForInstanceCompletion, instance_out, client, instance_id,
                         include_payloads, call);
}

dt_status dt_client_wait_for_instance_completion_async(dt_client* client, const char* instance_id,
                                                       int include_payloads,
                                                       const dt_call_options* call,
                                                       dt_instance_cb done, void* user_data) {
  return GetInstanceLikeAsync(&Client::WaitForInstanceCompletionAsync, client, instance_id,
                              include_payloads, call, done, user_data);
}

// --- Events, termination, suspension --------------------------------------------------------

dt_status dt_client_raise_event(dt_client* client, const char* instance_id, const char* event_name,
                                const char* payload, const dt_call_options* call) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    DT_RETURN_IF_ERROR(CheckText(event_name, "event_name"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    return Report(
        client->client->RaiseEvent(instance_id, event_name, TextOrNone(payload), options));
  });
}

dt_status dt_client_raise_event_async(dt_client* client, const char* instance_id,
                                      const char* event_name, const char* payload,
                                      const dt_call_options* call, dt_done_cb done,
                                      void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    DT_RETURN_IF_ERROR(CheckText(event_name, "event_name"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->RaiseEventAsync(instance_id, event_name, TextOrNone(payload), options,
                                      OnDone(async, done, user_data));
    });
    return DT_OK;
  });
}

dt_status dt_client_terminate(dt_client* client, const char* instance_id,
                              const dt_terminate_options* terminate, const dt_call_options* call) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    TerminateOptions terminate_options;
    DT_RETURN_IF_ERROR(ToTerminate(terminate, &terminate_options));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    return Report(client->client->Terminate(instance_id, terminate_options, options));
  });
}

dt_status dt_client_terminate_async(dt_client* client, const char* instance_id,
                                    const dt_terminate_options* terminate,
                                    const dt_call_options* call, dt_done_cb done, void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    TerminateOptions terminate_options;
    DT_RETURN_IF_ERROR(ToTerminate(terminate, &terminate_options));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->TerminateAsync(instance_id, terminate_options, options,
                                     OnDone(async, done, user_data));
    });
    return DT_OK;
  });
}

dt_status dt_client_suspend(dt_client* client, const char* instance_id, const char* reason,
                            const dt_call_options* call) {
  return WithReason(&Client::Suspend, client, instance_id, reason, call);
}

dt_status dt_client_suspend_async(dt_client* client, const char* instance_id, const char* reason,
                                  const dt_call_options* call, dt_done_cb done, void* user_data) {
  return WithReasonAsync(&Client::SuspendAsync, client, instance_id, reason, call, done, user_data);
}

dt_status dt_client_resume(dt_client* client, const char* instance_id, const char* reason,
                           const dt_call_options* call) {
  return WithReason(&Client::Resume, client, instance_id, reason, call);
}

dt_status dt_client_resume_async(dt_client* client, const char* instance_id, const char* reason,
                                 const dt_call_options* call, dt_done_cb done, void* user_data) {
  return WithReasonAsync(&Client::ResumeAsync, client, instance_id, reason, call, done, user_data);
}

dt_status dt_client_rewind_instance(dt_client* client, const char* instance_id, const char* reason,
                                    const dt_call_options* call) {
  return WithReason(&Client::RewindInstance, client, instance_id, reason, call);
}

dt_status dt_client_rewind_instance_async(dt_client* client, const char* instance_id,
                                          const char* reason, const dt_call_options* call,
                                          dt_done_cb done, void* user_data) {
  return WithReasonAsync(&Client::RewindInstanceAsync, client, instance_id, reason, call, done,
                         user_data);
}

// --- Queries --------------------------------------------------------------------------------

dt_status dt_client_query_instances_page(dt_instance_page** page_out, dt_client* client,
                                         const dt_instance_query* query,
                                         const dt_call_options* call) {
  return Guarded([&] {
    if (page_out != nullptr) *page_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(page_out, "page_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    InstanceQuery instance_query;
    DT_RETURN_IF_ERROR(ToInstanceQuery(query, &instance_query));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<Page<OrchestrationMetadata>> page =
        client->client->QueryInstancesPage(instance_query, options);
    if (!page.ok()) return Report(page.status());
    *page_out = MakeInstancePage(std::move(page).value());
    return DT_OK;
  });
}

dt_status dt_client_query_instances_page_async(dt_client* client, const dt_instance_query* query,
                                               const dt_call_options* call,
                                               dt_instance_page_cb done, void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    InstanceQuery instance_query;
    DT_RETURN_IF_ERROR(ToInstanceQuery(query, &instance_query));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->QueryInstancesPageAsync(
          instance_query, options,
          OnHandle<Page<OrchestrationMetadata>, dt_instance_page>(async, done, user_data,
                                                                  MakeInstancePage));
    });
    return DT_OK;
  });
}

dt_status dt_client_query_instances(dt_instance_iter** iter_out, dt_client* client,
                                    const dt_instance_query* query, const dt_call_options* call) {
  return Guarded([&] {
    if (iter_out != nullptr) *iter_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(iter_out, "iter_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    InstanceQuery instance_query;
    DT_RETURN_IF_ERROR(ToInstanceQuery(query, &instance_query));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    *iter_out = new dt_instance_iter{dt_instance_iter::kLive, client->client,
                                     client->client->QueryInstances(instance_query, options)};
    return DT_OK;
  });
}

dt_status dt_client_list_instance_ids_page(dt_instance_id_page** page_out, dt_client* client,
                                           const dt_instance_id_query* query,
                                           const dt_call_options* call) {
  return Guarded([&] {
    if (page_out != nullptr) *page_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(page_out, "page_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    InstanceIdQuery id_query;
    DT_RETURN_IF_ERROR(ToInstanceIdQuery(query, &id_query));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<Page<std::string>> page = client->client->ListInstanceIdsPage(id_query, options);
    if (!page.ok()) return Report(page.status());
    *page_out = MakeIdPage(std::move(page).value());
    return DT_OK;
  });
}

dt_status dt_client_list_instance_ids_page_async(dt_client* client,
                                                 const dt_instance_id_query* query,
                                                 const dt_call_options* call,
                                                 dt_instance_id_page_cb done, void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    InstanceIdQuery id_query;
    DT_RETURN_IF_ERROR(ToInstanceIdQuery(query, &id_query));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->ListInstanceIdsPageAsync(
          id_query, options,
          OnHandle<Page<std::string>, dt_instance_id_page>(async, done, user_data, MakeIdPage));
    });
    return DT_OK;
  });
}

dt_status dt_client_list_instance_ids(dt_instance_id_iter** iter_out, dt_client* client,
                                      const dt_instance_id_query* query,
                                      const dt_call_options* call) {
  return Guarded([&] {
    if (iter_out != nullptr) *iter_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(iter_out, "iter_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    InstanceIdQuery id_query;
    DT_RETURN_IF_ERROR(ToInstanceIdQuery(query, &id_query));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    *iter_out = new dt_instance_id_iter{dt_instance_id_iter::kLive, client->client,
                                        client->client->ListInstanceIds(id_query, options)};
    return DT_OK;
  });
}

// --- Purge, restart -------------------------------------------------------------------------

dt_status dt_client_purge_instance(int* deleted_instance_count_out, int* is_complete_out,
                                   dt_client* client, const char* instance_id, int recursive,
                                   const dt_call_options* call) {
  return Guarded([&] {
    StorePurge(PurgeResult{}, deleted_instance_count_out, is_complete_out);
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<PurgeResult> result =
        client->client->PurgeInstance(instance_id, recursive != 0, options);
    if (!result.ok()) return Report(result.status());
    StorePurge(*result, deleted_instance_count_out, is_complete_out);
    return DT_OK;
  });
}

dt_status dt_client_purge_instance_async(dt_client* client, const char* instance_id, int recursive,
                                         const dt_call_options* call, dt_purge_cb done,
                                         void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->PurgeInstanceAsync(instance_id, recursive != 0, options,
                                         OnPurge(async, done, user_data));
    });
    return DT_OK;
  });
}

dt_status dt_client_purge_instances(int* deleted_instance_count_out, int* is_complete_out,
                                    dt_client* client, const dt_purge_filter* filter,
                                    const dt_call_options* call) {
  return Guarded([&] {
    StorePurge(PurgeResult{}, deleted_instance_count_out, is_complete_out);
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    PurgeFilter purge_filter;
    DT_RETURN_IF_ERROR(ToPurgeFilter(filter, &purge_filter));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<PurgeResult> result = client->client->PurgeInstances(purge_filter, options);
    if (!result.ok()) return Report(result.status());
    StorePurge(*result, deleted_instance_count_out, is_complete_out);
    return DT_OK;
  });
}

dt_status dt_client_purge_instances_async(dt_client* client, const dt_purge_filter* filter,
                                          const dt_call_options* call, dt_purge_cb done,
                                          void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    PurgeFilter purge_filter;
    DT_RETURN_IF_ERROR(ToPurgeFilter(filter, &purge_filter));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->PurgeInstancesAsync(purge_filter, options, OnPurge(async, done, user_data));
    });
    return DT_OK;
  });
}

dt_status dt_client_restart_instance(char** instance_id_out, dt_client* client,
                                     const char* instance_id, int restart_with_new_instance_id,
                                     const dt_call_options* call) {
  return Guarded([&] {
    if (instance_id_out != nullptr) *instance_id_out = nullptr;
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<std::string> id =
        client->client->RestartInstance(instance_id, restart_with_new_instance_id != 0, options);
    if (!id.ok()) return Report(id.status());
    if (instance_id_out != nullptr) *instance_id_out = CopyOut(*id);
    return DT_OK;
  });
}

dt_status dt_client_restart_instance_async(dt_client* client, const char* instance_id,
                                           int restart_with_new_instance_id,
                                           const dt_call_options* call, dt_string_cb done,
                                           void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->RestartInstanceAsync(instance_id, restart_with_new_instance_id != 0, options,
                                           OnString(async, done, user_data));
    });
    return DT_OK;
  });
}

// --- History --------------------------------------------------------------------------------

dt_status dt_client_get_history(dt_history** history_out, dt_client* client,
                                const char* instance_id, const dt_call_options* call) {
  return Guarded([&] {
    if (history_out != nullptr) *history_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(history_out, "history_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<std::vector<HistoryEvent>> events = client->client->GetHistory(instance_id, options);
    if (!events.ok()) return Report(events.status());
    *history_out = MakeHistory(std::move(events).value());
    return DT_OK;
  });
}

dt_status dt_client_get_history_async(dt_client* client, const char* instance_id,
                                      const dt_call_options* call, dt_history_cb done,
                                      void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->GetHistoryAsync(
          instance_id, options,
          OnHandle<std::vector<HistoryEvent>, dt_history>(async, done, user_data, MakeHistory));
    });
    return DT_OK;
  });
}

dt_status dt_client_stream_history(dt_history_stream** stream_out, dt_client* client,
                                   const char* instance_id, const dt_call_options* call) {
  return Guarded([&] {
    if (stream_out != nullptr) *stream_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(stream_out, "stream_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(instance_id, "instance_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<HistoryStream> stream = client->client->StreamHistory(instance_id, options);
    if (!stream.ok()) return Report(stream.status());
    *stream_out =
        new dt_history_stream{dt_history_stream::kLive, client->client, std::move(stream).value()};
    return DT_OK;
  });
}

// --- Entities -------------------------------------------------------------------------------

dt_status dt_client_signal_entity(dt_client* client, const char* entity_id, const char* operation,
                                  const dt_signal_entity_options* signal,
                                  const dt_call_options* call) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(entity_id, "entity_id"));
    DT_RETURN_IF_ERROR(CheckText(operation, "operation"));
    SignalEntityOptions signal_options;
    DT_RETURN_IF_ERROR(ToSignal(signal, &signal_options));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    return Report(client->client->SignalEntity(entity_id, operation, signal_options, options));
  });
}

dt_status dt_client_signal_entity_async(dt_client* client, const char* entity_id,
                                        const char* operation,
                                        const dt_signal_entity_options* signal,
                                        const dt_call_options* call, dt_done_cb done,
                                        void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(entity_id, "entity_id"));
    DT_RETURN_IF_ERROR(CheckText(operation, "operation"));
    SignalEntityOptions signal_options;
    DT_RETURN_IF_ERROR(ToSignal(signal, &signal_options));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->SignalEntityAsync(entity_id, operation, signal_options, options,
                                        OnDone(async, done, user_data));
    });
    return DT_OK;
  });
}

dt_status dt_client_get_entity(dt_entity** entity_out, dt_client* client, const char* entity_id,
                               int include_state, const dt_call_options* call) {
  return Guarded([&] {
    if (entity_out != nullptr) *entity_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(entity_out, "entity_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(entity_id, "entity_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<std::optional<EntityMetadata>> entity =
        client->client->GetEntity(entity_id, include_state != 0, options);
    if (!entity.ok()) return Report(entity.status());
    *entity_out = MakeEntity(std::move(entity).value());
    return DT_OK;
  });
}

dt_status dt_client_get_entity_async(dt_client* client, const char* entity_id, int include_state,
                                     const dt_call_options* call, dt_entity_cb done,
                                     void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    DT_RETURN_IF_ERROR(CheckText(entity_id, "entity_id"));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->GetEntityAsync(
          entity_id, include_state != 0, options,
          OnHandle<std::optional<EntityMetadata>, dt_entity>(async, done, user_data, MakeEntity));
    });
    return DT_OK;
  });
}

dt_status dt_client_query_entities_page(dt_entity_page** page_out, dt_client* client,
                                        const dt_entity_query* query, const dt_call_options* call) {
  return Guarded([&] {
    if (page_out != nullptr) *page_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(page_out, "page_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    EntityQuery entity_query;
    DT_RETURN_IF_ERROR(ToEntityQuery(query, &entity_query));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<Page<EntityMetadata>> page = client->client->QueryEntitiesPage(entity_query, options);
    if (!page.ok()) return Report(page.status());
    *page_out = MakeEntityPage(std::move(page).value());
    return DT_OK;
  });
}

dt_status dt_client_query_entities_page_async(dt_client* client, const dt_entity_query* query,
                                              const dt_call_options* call, dt_entity_page_cb done,
                                              void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    EntityQuery entity_query;
    DT_RETURN_IF_ERROR(ToEntityQuery(query, &entity_query));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      client->client->QueryEntitiesPageAsync(
          entity_query, options,
          OnHandle<Page<EntityMetadata>, dt_entity_page>(async, done, user_data, MakeEntityPage));
    });
    return DT_OK;
  });
}

dt_status dt_client_query_entities(dt_entity_iter** iter_out, dt_client* client,
                                   const dt_entity_query* query, const dt_call_options* call) {
  return Guarded([&] {
    if (iter_out != nullptr) *iter_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(iter_out, "iter_out"));
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    EntityQuery entity_query;
    DT_RETURN_IF_ERROR(ToEntityQuery(query, &entity_query));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    *iter_out = new dt_entity_iter{dt_entity_iter::kLive, client->client,
                                   client->client->QueryEntities(entity_query, options)};
    return DT_OK;
  });
}

dt_status dt_client_clean_entity_storage(int* empty_entities_removed_out,
                                         int* orphaned_locks_released_out, dt_client* client,
                                         const dt_clean_entity_storage_options* clean,
                                         const dt_call_options* call) {
  return Guarded([&] {
    if (empty_entities_removed_out != nullptr) *empty_entities_removed_out = 0;
    if (orphaned_locks_released_out != nullptr) *orphaned_locks_released_out = 0;
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    CleanEntityStorageOptions clean_options;
    DT_RETURN_IF_ERROR(ToClean(clean, &clean_options));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    Result<CleanEntityStorageResult> totals =
        client->client->CleanEntityStorage(clean_options, options);
    if (!totals.ok()) return Report(totals.status());
    if (empty_entities_removed_out != nullptr) {
      *empty_entities_removed_out = totals->empty_entities_removed;
    }
    if (orphaned_locks_released_out != nullptr) {
      *orphaned_locks_released_out = totals->orphaned_locks_released;
    }
    return DT_OK;
  });
}

dt_status dt_client_clean_entity_storage_async(dt_client* client,
                                               const dt_clean_entity_storage_options* clean,
                                               const dt_call_options* call,
                                               dt_clean_entity_storage_cb done, void* user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(client, "client"));
    CleanEntityStorageOptions clean_options;
    DT_RETURN_IF_ERROR(ToClean(clean, &clean_options));
    CallOptions options;
    DT_RETURN_IF_ERROR(ToCallOptions(call, &options));
    auto async = AsyncCall::Begin(client, call, &options);
    Callback<CleanEntityStorageResult> adapter =
        [async, done, user_data](Result<CleanEntityStorageResult> totals) {
          async->Complete(
              [&](bool& delivered) {
                dt_status code = Report(totals.status());
                int removed = totals.ok() ? totals->empty_entities_removed : 0;
                int released = totals.ok() ? totals->orphaned_locks_released : 0;
                delivered = true;
                if (done != nullptr) {
                  done(user_data, code, totals.status().message().c_str(), removed, released);
                }
              },
              [&](dt_status code, const char* message) {
                if (done != nullptr) done(user_data, code, message, 0, 0);
              });
        };
    Launch(async, [&] {
      client->client->CleanEntityStorageAsync(clean_options, options, std::move(adapter));
    });
    return DT_OK;
  });
}

}  // extern "C"
