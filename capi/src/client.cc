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
#include <tuple>
#include <type_traits>
#include <utility>

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

// --- Results ------------------------------------------------------------------------------
//
// A blocking call hands its result over through output parameters, an asynchronous one
// as the arguments of its completion callback. Both draw on the same conversions below.

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

// Iterators and streams keep the client they read through (see internal.h).
template <typename Reader>
auto MakeReader(dt_client* client) {
  return [client](auto source) {
    return new Reader{Reader::kLive, client->client, std::move(source)};
  };
}

// The two numbers a purge or a clean-up reports.
std::pair<int, int> Numbers(const PurgeResult& result) {
  return {result.deleted_instance_count, result.is_complete ? (*result.is_complete ? 1 : 0) : -1};
}

std::pair<int, int> Numbers(const CleanEntityStorageResult& result) {
  return {result.empty_entities_removed, result.orphaned_locks_released};
}

// Output parameters. Reset() runs before anything else is checked, so that the outputs
// are reset on every failure, and refuses a NULL required output; Store() takes the
// core's answer.

struct NoOutput {
  Status Reset() const { return Status::Ok(); }
  dt_status Store(const Status& status) const { return Report(status); }
};

// An optional `char **` for an instance id.
struct IdOutput {
  char** out;

  Status Reset() const {
    if (out != nullptr) *out = nullptr;
    return Status::Ok();
  }
  dt_status Store(const Result<std::string>& id) const {
    if (!id.ok()) return Report(id.status());
    if (out != nullptr) *out = CopyOut(*id);
    return DT_OK;
  }
};

// A required handle output, made from the answer by `make`.
template <typename Handle, typename Make>
struct HandleOutput {
  Handle** out;
  const char* what;
  Make make;

  Status Reset() const {
    if (out != nullptr) *out = nullptr;
    return CheckOut(out, what);
  }
  template <typename T>
  dt_status Store(Result<T> result) const {
    if (!result.ok()) return Report(result.status());
    *out = make(std::move(result).value());
    return DT_OK;
  }
  template <typename T>
  dt_status Store(Pager<T> pager) const {
    *out = make(std::move(pager));
    return DT_OK;
  }
};

template <typename Handle, typename Make>
HandleOutput<Handle, Make> Into(Handle** out, const char* what, Make make) {
  return {out, what, std::move(make)};
}

// Two optional `int *` outputs for the Numbers of a T.
template <typename T>
struct NumbersOutput {
  int* first;
  int* second;

  Status Reset() const {
    Put(Numbers(T{}));
    return Status::Ok();
  }
  dt_status Store(const Result<T>& result) const {
    if (!result.ok()) return Report(result.status());
    Put(Numbers(*result));
    return DT_OK;
  }
  void Put(std::pair<int, int> numbers) const {
    if (first != nullptr) *first = numbers.first;
    if (second != nullptr) *second = numbers.second;
  }
};

// Completion callbacks. Each kind of value below turns the core's answer into what the
// C callback receives after the message, as a tuple; a default-constructed tuple (NULL,
// 0) is what it receives on failure.

const Status& StatusOf(const Status& status) { return status; }

template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}

struct NoValues {
  std::tuple<> operator()(const Status&) const { return {}; }
};

// Borrowed by the callback until it returns.
struct IdValue {
  std::tuple<const char*> operator()(const Result<std::string>& id) const {
    return {id.ok() ? id->c_str() : nullptr};
  }
};

struct RetireHandle {
  template <typename Handle>
  void operator()(Handle* handle) const {
    if (handle != nullptr) Retire(handle);
  }
};

// A handle the receiver owns; released here when there is no receiver.
template <typename Make>
struct HandleValue {
  Make make;

  template <typename T>
  auto operator()(Result<T>& result) const {
    using Handle = std::remove_pointer_t<decltype(make(std::declval<T>()))>;
    std::unique_ptr<Handle, RetireHandle> handle;
    if (result.ok()) handle.reset(make(std::move(result).value()));
    return std::make_tuple(std::move(handle));
  }
};

template <typename Make>
HandleValue<Make> Handing(Make make) {
  return {std::move(make)};
}

// Both 0 on failure, whatever Numbers would say of an empty result.
struct NumberValues {
  template <typename T>
  std::tuple<int, int> operator()(const Result<T>& result) const {
    if (!result.ok()) return {0, 0};
    return Numbers(*result);
  }
};

const char* Hand(const char* text) { return text; }
int Hand(int number) { return number; }

template <typename Handle>
Handle* Hand(std::unique_ptr<Handle, RetireHandle>& handle) {
  return handle.release();
}

template <typename Done, typename Values>
void Deliver(Done done, void* user_data, dt_status code, const char* message, Values& values) {
  if (done == nullptr) return;
  std::apply([&](auto&... value) { done(user_data, code, message, Hand(value)...); }, values);
}

// A C completion callback with its user_data, and how its values are made.
template <typename Done, typename Values>
struct Completion {
  Done done;
  void* user_data;
  Values values;

  // The core's callback for one call: runs the C callback exactly once (see Complete).
  auto For(std::shared_ptr<AsyncCall> async) const {
    return [async = std::move(async), done = done, user_data = user_data,
            values = values](auto outcome) {
      async->Complete(
          [&](bool& delivered) {
            auto delivering = values(outcome);
            const Status& status = StatusOf(outcome);
            dt_status code = Report(status);
            delivered = true;
            Deliver(done, user_data, code, status.message().c_str(), delivering);
          },
          [&](dt_status code, const char* message) {
            decltype(values(outcome)) nothing{};
            Deliver(done, user_data, code, message, nothing);
          });
    };
  }
};

template <typename Done, typename Values>
Completion<Done, Values> Calling(Done done, void* user_data, Values values) {
  return {done, user_data, std::move(values)};
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

// --- Arguments ------------------------------------------------------------------------------
//
// An operation's C arguments, each checked by Check() and turned into the core's argument
// by Value(). Nothing is converted before the client handle has been checked.

struct RequiredText {
  const char* text;
  const char* what;

  Status Check() const { return CheckText(text, what); }
  // Becomes the core's std::string at the call, once checked.
  const char* Value() const { return text; }
};

// NULL means absent.
struct OptionalText {
  const char* text;

  Status Check() const { return Status::Ok(); }
  std::optional<std::string> Value() const { return TextOrNone(text); }
};

// NULL means "".
struct TextOrBlank {
  const char* text;

  Status Check() const { return Status::Ok(); }
  std::string Value() const { return TextOrEmpty(text); }
};

struct Flag {
  int value;

  Status Check() const { return Status::Ok(); }
  bool Value() const { return value != 0; }
};

// A C struct converted to the core's by `convert`.
template <typename In, typename Out, Status (*convert)(const In*, Out*)>
struct Converted {
  const In* in;
  Out converted{};

  Status Check() { return convert(in, &converted); }
  const Out& Value() const { return converted; }
};

using StartArgument = Converted<dt_start_options, StartOrchestrationOptions, ToStart>;
using TerminateArgument = Converted<dt_terminate_options, TerminateOptions, ToTerminate>;
using InstanceQueryArgument = Converted<dt_instance_query, InstanceQuery, ToInstanceQuery>;
using IdQueryArgument = Converted<dt_instance_id_query, InstanceIdQuery, ToInstanceIdQuery>;
using PurgeFilterArgument = Converted<dt_purge_filter, PurgeFilter, ToPurgeFilter>;
using SignalArgument = Converted<dt_signal_entity_options, SignalEntityOptions, ToSignal>;
using EntityQueryArgument = Converted<dt_entity_query, EntityQuery, ToEntityQuery>;
using CleanArgument =
    Converted<dt_clean_entity_storage_options, CleanEntityStorageOptions, ToClean>;

// --- Running an operation -------------------------------------------------------------------

// The checks every client call makes, in this order: the handle, the operation's
// arguments (stopping at the first that fails), the call options.
template <typename... Arguments>
Status Prepare(const dt_client* client, const dt_call_options* call, CallOptions* options,
               Arguments&... arguments) {
  Status status = CheckHandle(client, "client");
  if (!status.ok()) return status;
  static_cast<void>(((status = arguments.Check(), status.ok()) && ...));
  if (!status.ok()) return status;
  return ToCallOptions(call, options);
}

// A blocking call: `method` of the core with the arguments' values and the call options;
// `output` resets the caller's outputs first and takes the answer.
template <typename Output, typename Method, typename... Arguments>
dt_status RunBlocking(Output output, dt_client* client, const dt_call_options* call, Method method,
                      Arguments... arguments) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(output.Reset());
    CallOptions options;
    DT_RETURN_IF_ERROR(Prepare(client, call, &options, arguments...));
    return output.Store((client->client.get()->*method)(arguments.Value()..., options));
  });
}

// An asynchronous call: `method` of the core with the arguments' values, the call options
// and the core's callback for `completion`.
template <typename Completion, typename Method, typename... Arguments>
dt_status RunAsync(Completion completion, dt_client* client, const dt_call_options* call,
                   Method method, Arguments... arguments) {
  return Guarded([&] {
    CallOptions options;
    DT_RETURN_IF_ERROR(Prepare(client, call, &options, arguments...));
    auto async = AsyncCall::Begin(client, call, &options);
    Launch(async, [&] {
      (client->client.get()->*method)(arguments.Value()..., options, completion.For(async));
    });
    return DT_OK;
  });
}

// Shapes that several operations share.

using InstanceMethod = InstanceResult (Client::*)(const std::string&, bool, const CallOptions&);
using InstanceAsyncMethod = void (Client::*)(const std::string&, bool, const CallOptions&,
                                             InstanceCallback);

// An instance by id, or NULL with DT_OK when there is none.
dt_status InstanceById(InstanceMethod method, dt_instance** instance_out, dt_client* client,
                       const char* instance_id, int include_payloads, const dt_call_options* call) {
  return RunBlocking(Into(instance_out, "instance_out", MakeInstance), client, call, method,
                     RequiredText{instance_id, "instance_id"}, Flag{include_payloads});
}

dt_status InstanceByIdAsync(InstanceAsyncMethod method, dt_client* client, const char* instance_id,
                            int include_payloads, const dt_call_options* call, dt_instance_cb done,
                            void* user_data) {
  return RunAsync(Calling(done, user_data, Handing(MakeInstance)), client, call, method,
                  RequiredText{instance_id, "instance_id"}, Flag{include_payloads});
}

using ReasonMethod = Status (Client::*)(const std::string&, const std::string&, const CallOptions&);
using ReasonAsyncMethod = void (Client::*)(const std::string&, const std::string&,
                                           const CallOptions&, StatusCallback);

// A change of an instance's state, with an optional reason.
dt_status WithReason(ReasonMethod method, dt_client* client, const char* instance_id,
                     const char* reason, const dt_call_options* call) {
  return RunBlocking(NoOutput{}, client, call, method, RequiredText{instance_id, "instance_id"},
                     TextOrBlank{reason});
}

dt_status WithReasonAsync(ReasonAsyncMethod method, dt_client* client, const char* instance_id,
                          const char* reason, const dt_call_options* call, dt_done_cb done,
                          void* user_data) {
  return RunAsync(Calling(done, user_data, NoValues{}), client, call, method,
                  RequiredText{instance_id, "instance_id"}, TextOrBlank{reason});
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
  return RunBlocking(NoOutput{}, client, call, &Client::Ping);
}

dt_status dt_client_ping_async(dt_client* client, const dt_call_options* call, dt_done_cb done,
                               void* user_data) {
  return RunAsync(Calling(done, user_data, NoValues{}), client, call, &Client::PingAsync);
}

// --- Start ----------------------------------------------------------------------------------

dt_status dt_client_schedule_new_orchestration(char** instance_id_out, dt_client* client,
                                               const dt_start_options* start,
                                               const dt_call_options* call) {
  return RunBlocking(IdOutput{instance_id_out}, client, call, &Client::ScheduleNewOrchestration,
                     StartArgument{start});
}

dt_status dt_client_schedule_new_orchestration_async(dt_client* client,
                                                     const dt_start_options* start,
                                                     const dt_call_options* call, dt_string_cb done,
                                                     void* user_data) {
  return RunAsync(Calling(done, user_data, IdValue{}), client, call,
                  &Client::ScheduleNewOrchestrationAsync, StartArgument{start});
}

// --- Instance state -------------------------------------------------------------------------

dt_status dt_client_get_instance(dt_instance** instance_out, dt_client* client,
                                 const char* instance_id, int include_payloads,
                                 const dt_call_options* call) {
  return InstanceById(&Client::GetInstance, instance_out, client, instance_id, include_payloads,
                      call);
}

dt_status dt_client_get_instance_async(dt_client* client, const char* instance_id,
                                       int include_payloads, const dt_call_options* call,
                                       dt_instance_cb done, void* user_data) {
  return InstanceByIdAsync(&Client::GetInstanceAsync, client, instance_id, include_payloads, call,
                           done, user_data);
}

dt_status dt_client_wait_for_instance_start(dt_instance** instance_out, dt_client* client,
                                            const char* instance_id, int include_payloads,
                                            const dt_call_options* call) {
  return InstanceById(&Client::WaitForInstanceStart, instance_out, client, instance_id,
                      include_payloads, call);
}

dt_status dt_client_wait_for_instance_start_async(dt_client* client, const char* instance_id,
                                                  int include_payloads, const dt_call_options* call,
                                                  dt_instance_cb done, void* user_data) {
  return InstanceByIdAsync(&Client::WaitForInstanceStartAsync, client, instance_id,
                           include_payloads, call, done, user_data);
}

dt_status dt_client_wait_for_instance_completion(dt_instance** instance_out, dt_client* client,
                                                 const char* instance_id, int include_payloads,
                                                 const dt_call_options* call) {
  return InstanceById(&Client::WaitForInstanceCompletion, instance_out, client, instance_id,
                      include_payloads, call);
}

dt_status dt_client_wait_for_instance_completion_async(dt_client* client, const char* instance_id,
                                                       int include_payloads,
                                                       const dt_call_options* call,
                                                       dt_instance_cb done, void* user_data) {
  return InstanceByIdAsync(&Client::WaitForInstanceCompletionAsync, client, instance_id,
                           include_payloads, call, done, user_data);
}

// --- Events, termination, suspension --------------------------------------------------------

dt_status dt_client_raise_event(dt_client* client, const char* instance_id, const char* event_name,
                                const char* payload, const dt_call_options* call) {
  return RunBlocking(NoOutput{}, client, call, &Client::RaiseEvent,
                     RequiredText{instance_id, "instance_id"},
                     RequiredText{event_name, "event_name"}, OptionalText{payload});
}

dt_status dt_client_raise_event_async(dt_client* client, const char* instance_id,
                                      const char* event_name, const char* payload,
                                      const dt_call_options* call, dt_done_cb done,
                                      void* user_data) {
  return RunAsync(Calling(done, user_data, NoValues{}), client, call, &Client::RaiseEventAsync,
                  RequiredText{instance_id, "instance_id"}, RequiredText{event_name, "event_name"},
                  OptionalText{payload});
}

dt_status dt_client_terminate(dt_client* client, const char* instance_id,
                              const dt_terminate_options* terminate, const dt_call_options* call) {
  return RunBlocking(NoOutput{}, client, call, &Client::Terminate,
                     RequiredText{instance_id, "instance_id"}, TerminateArgument{terminate});
}

dt_status dt_client_terminate_async(dt_client* client, const char* instance_id,
                                    const dt_terminate_options* terminate,
                                    const dt_call_options* call, dt_done_cb done, void* user_data) {
  return RunAsync(Calling(done, user_data, NoValues{}), client, call, &Client::TerminateAsync,
                  RequiredText{instance_id, "instance_id"}, TerminateArgument{terminate});
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
  return RunBlocking(Into(page_out, "page_out", MakeInstancePage), client, call,
                     &Client::QueryInstancesPage, InstanceQueryArgument{query});
}

dt_status dt_client_query_instances_page_async(dt_client* client, const dt_instance_query* query,
                                               const dt_call_options* call,
                                               dt_instance_page_cb done, void* user_data) {
  return RunAsync(Calling(done, user_data, Handing(MakeInstancePage)), client, call,
                  &Client::QueryInstancesPageAsync, InstanceQueryArgument{query});
}

dt_status dt_client_query_instances(dt_instance_iter** iter_out, dt_client* client,
                                    const dt_instance_query* query, const dt_call_options* call) {
  return RunBlocking(Into(iter_out, "iter_out", MakeReader<dt_instance_iter>(client)), client, call,
                     &Client::QueryInstances, InstanceQueryArgument{query});
}

dt_status dt_client_list_instance_ids_page(dt_instance_id_page** page_out, dt_client* client,
                                           const dt_instance_id_query* query,
                                           const dt_call_options* call) {
  return RunBlocking(Into(page_out, "page_out", MakeIdPage), client, call,
                     &Client::ListInstanceIdsPage, IdQueryArgument{query});
}

dt_status dt_client_list_instance_ids_page_async(dt_client* client,
                                                 const dt_instance_id_query* query,
                                                 const dt_call_options* call,
                                                 dt_instance_id_page_cb done, void* user_data) {
  return RunAsync(Calling(done, user_data, Handing(MakeIdPage)), client, call,
                  &Client::ListInstanceIdsPageAsync, IdQueryArgument{query});
}

dt_status dt_client_list_instance_ids(dt_instance_id_iter** iter_out, dt_client* client,
                                      const dt_instance_id_query* query,
                                      const dt_call_options* call) {
  return RunBlocking(Into(iter_out, "iter_out", MakeReader<dt_instance_id_iter>(client)), client,
                     call, &Client::ListInstanceIds, IdQueryArgument{query});
}

// --- Purge, restart -------------------------------------------------------------------------

dt_status dt_client_purge_instance(int* deleted_instance_count_out, int* is_complete_out,
                                   dt_client* client, const char* instance_id, int recursive,
                                   const dt_call_options* call) {
  return RunBlocking(NumbersOutput<PurgeResult>{deleted_instance_count_out, is_complete_out},
                     client, call, &Client::PurgeInstance, RequiredText{instance_id, "instance_id"},
                     Flag{recursive});
}

dt_status dt_client_purge_instance_async(dt_client* client, const char* instance_id, int recursive,
                                         const dt_call_options* call, dt_purge_cb done,
                                         void* user_data) {
  return RunAsync(Calling(done, user_data, NumberValues{}), client, call,
                  &Client::PurgeInstanceAsync, RequiredText{instance_id, "instance_id"},
                  Flag{recursive});
}

dt_status dt_client_purge_instances(int* deleted_instance_count_out, int* is_complete_out,
                                    dt_client* client, const dt_purge_filter* filter,
                                    const dt_call_options* call) {
  return RunBlocking(NumbersOutput<PurgeResult>{deleted_instance_count_out, is_complete_out},
                     client, call, &Client::PurgeInstances, PurgeFilterArgument{filter});
}

dt_status dt_client_purge_instances_async(dt_client* client, const dt_purge_filter* filter,
                                          const dt_call_options* call, dt_purge_cb done,
                                          void* user_data) {
  return RunAsync(Calling(done, user_data, NumberValues{}), client, call,
                  &Client::PurgeInstancesAsync, PurgeFilterArgument{filter});
}

dt_status dt_client_restart_instance(char** instance_id_out, dt_client* client,
                                     const char* instance_id, int restart_with_new_instance_id,
                                     const dt_call_options* call) {
  return RunBlocking(IdOutput{instance_id_out}, client, call, &Client::RestartInstance,
                     RequiredText{instance_id, "instance_id"}, Flag{restart_with_new_instance_id});
}

dt_status dt_client_restart_instance_async(dt_client* client, const char* instance_id,
                                           int restart_with_new_instance_id,
                                           const dt_call_options* call, dt_string_cb done,
                                           void* user_data) {
  return RunAsync(Calling(done, user_data, IdValue{}), client, call, &Client::RestartInstanceAsync,
                  RequiredText{instance_id, "instance_id"}, Flag{restart_with_new_instance_id});
}

// --- History --------------------------------------------------------------------------------

dt_status dt_client_get_history(dt_history** history_out, dt_client* client,
                                const char* instance_id, const dt_call_options* call) {
  return RunBlocking(Into(history_out, "history_out", MakeHistory), client, call,
                     &Client::GetHistory, RequiredText{instance_id, "instance_id"});
}

dt_status dt_client_get_history_async(dt_client* client, const char* instance_id,
                                      const dt_call_options* call, dt_history_cb done,
                                      void* user_data) {
  return RunAsync(Calling(done, user_data, Handing(MakeHistory)), client, call,
                  &Client::GetHistoryAsync, RequiredText{instance_id, "instance_id"});
}

dt_status dt_client_stream_history(dt_history_stream** stream_out, dt_client* client,
                                   const char* instance_id, const dt_call_options* call) {
  return RunBlocking(Into(stream_out, "stream_out", MakeReader<dt_history_stream>(client)), client,
                     call, &Client::StreamHistory, RequiredText{instance_id, "instance_id"});
}

// --- Entities -------------------------------------------------------------------------------

dt_status dt_client_signal_entity(dt_client* client, const char* entity_id, const char* operation,
                                  const dt_signal_entity_options* signal,
                                  const dt_call_options* call) {
  return RunBlocking(NoOutput{}, client, call, &Client::SignalEntity,
                     RequiredText{entity_id, "entity_id"}, RequiredText{operation, "operation"},
                     SignalArgument{signal});
}

dt_status dt_client_signal_entity_async(dt_client* client, const char* entity_id,
                                        const char* operation,
                                        const dt_signal_entity_options* signal,
                                        const dt_call_options* call, dt_done_cb done,
                                        void* user_data) {
  return RunAsync(Calling(done, user_data, NoValues{}), client, call, &Client::SignalEntityAsync,
                  RequiredText{entity_id, "entity_id"}, RequiredText{operation, "operation"},
                  SignalArgument{signal});
}

dt_status dt_client_get_entity(dt_entity** entity_out, dt_client* client, const char* entity_id,
                               int include_state, const dt_call_options* call) {
  return RunBlocking(Into(entity_out, "entity_out", MakeEntity), client, call, &Client::GetEntity,
                     RequiredText{entity_id, "entity_id"}, Flag{include_state});
}

dt_status dt_client_get_entity_async(dt_client* client, const char* entity_id, int include_state,
                                     const dt_call_options* call, dt_entity_cb done,
                                     void* user_data) {
  return RunAsync(Calling(done, user_data, Handing(MakeEntity)), client, call,
                  &Client::GetEntityAsync, RequiredText{entity_id, "entity_id"},
                  Flag{include_state});
}

dt_status dt_client_query_entities_page(dt_entity_page** page_out, dt_client* client,
                                        const dt_entity_query* query, const dt_call_options* call) {
  return RunBlocking(Into(page_out, "page_out", MakeEntityPage), client, call,
                     &Client::QueryEntitiesPage, EntityQueryArgument{query});
}

dt_status dt_client_query_entities_page_async(dt_client* client, const dt_entity_query* query,
                                              const dt_call_options* call, dt_entity_page_cb done,
                                              void* user_data) {
  return RunAsync(Calling(done, user_data, Handing(MakeEntityPage)), client, call,
                  &Client::QueryEntitiesPageAsync, EntityQueryArgument{query});
}

dt_status dt_client_query_entities(dt_entity_iter** iter_out, dt_client* client,
                                   const dt_entity_query* query, const dt_call_options* call) {
  return RunBlocking(Into(iter_out, "iter_out", MakeReader<dt_entity_iter>(client)), client, call,
                     &Client::QueryEntities, EntityQueryArgument{query});
}

dt_status dt_client_clean_entity_storage(int* empty_entities_removed_out,
                                         int* orphaned_locks_released_out, dt_client* client,
                                         const dt_clean_entity_storage_options* clean,
                                         const dt_call_options* call) {
  return RunBlocking(NumbersOutput<CleanEntityStorageResult>{empty_entities_removed_out,
                                                             orphaned_locks_released_out},
                     client, call, &Client::CleanEntityStorage, CleanArgument{clean});
}

dt_status dt_client_clean_entity_storage_async(dt_client* client,
                                               const dt_clean_entity_storage_options* clean,
                                               const dt_call_options* call,
                                               dt_clean_entity_storage_cb done, void* user_data) {
  return RunAsync(Calling(done, user_data, NumberValues{}), client, call,
                  &Client::CleanEntityStorageAsync, CleanArgument{clean});
}

}  // extern "C"
