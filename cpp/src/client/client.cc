// The client operations: validate, map to the protocol, call, map back. Each operation is
// described once (its request and how its response maps to a result) and then run either
// blocking or through a callback.
#include "durabletask/client.h"

#include <random>

#include "client/client_core.h"
#include "client/codec.h"
#include "common/logging.h"
#include "common/text.h"
#include "transport/connection.h"

namespace durabletask {

using internal::CheckName;
using internal::CheckOptionalText;
using internal::CheckPayload;
using internal::ClientCore;
using internal::Connection;

namespace {

struct Nothing {};

std::string Quote(const char* what, const std::string& id) {
  return std::string(what) + " '" + id + "'";
}

google::protobuf::StringValue Wrap(const std::string& value) {
  google::protobuf::StringValue wrapped;
  wrapped.set_value(value);
  return wrapped;
}

// An operation ready to run: the request, or why it could not be built.
template <typename Rpc>
struct Prepared {
  Status status;
  typename Rpc::Request request;
  internal::CallPolicy<typename Rpc::Request> policy;
};

// What a call was about, for its error message. Each describes a request and runs only
// when the call fails.
template <typename Request>
std::string DescribeInstance(const Request& request) {
  return Quote("instance", request.instance_id());
}

std::string DescribeStart(const ::CreateInstanceRequest& request) {
  return Quote("orchestration", request.name()) + " with " + Quote("instance", request.instance_id());
}

std::string DescribeRaise(const ::RaiseEventRequest& request) {
  return Quote("event", request.name()) + " to " + Quote("instance", request.instance_id());
}

std::string DescribeSignal(const ::SignalEntityRequest& request) {
  return Quote("operation", request.name()) + " on " + Quote("entity", request.instance_id());
}

std::string DescribeEntity(const ::GetEntityRequest& request) {
  return Quote("entity", request.instance_id());
}

// Calls whose subject does not depend on the request.
#define DT_FIXED_SUBJECT(Request, text) [](const Request&) { return std::string(text); }

// Whether a completion callable can be called: an empty std::function cannot.
template <typename T>
bool Present(const std::function<T>& callable) {
  return static_cast<bool>(callable);
}
template <typename F>
bool Present(const F&) {
  return true;
}

// The completion of a call whose caller gave no callback.
template <typename T>
struct Ignore {
  void operator()(Result<T>) const {}
};

class Operations {
 public:
  explicit Operations(const std::shared_ptr<ClientCore>& core) : core_(core) {}

  internal::Deadline DeadlineFor(const CallOptions& call) const {
    return core_->connection()->ResolveDeadline(call.deadline, call.timeout);
  }

  template <typename Rpc, typename T, typename Map>
  Result<T> Run(Prepared<Rpc> prepared, const CallOptions& call, Map map) const {
    if (!prepared.status.ok()) return prepared.status;
    typename Rpc::Response response;
    Status status = core_->connection()->template Unary<Rpc>(
        prepared.request, &response, DeadlineFor(call), call.cancellation, prepared.policy);
    if (!status.ok()) return status;
    return map(response);
  }

  // `done` is called with a Result<T>; it is kept inside the call object as it is, so
  // no layer of std::function is added per call.
  template <typename Rpc, typename T, typename Map, typename Done>
  void RunAsync(Prepared<Rpc> prepared, const CallOptions& call, Map map, Done done) const {
    if (!Present(done)) {
      RunAsync<Rpc, T>(std::move(prepared), call, map, Ignore<T>{});
      return;
    }
    if (!prepared.status.ok()) {
      core_->connection()->PostCompletion(
          [done = std::move(done), status = prepared.status]() mutable { done(Result<T>(status)); });
      return;
    }
    core_->connection()->template UnaryAsync<Rpc>(
        std::move(prepared.request), DeadlineFor(call), call.cancellation, prepared.policy,
        [done = std::move(done), map](Status status, typename Rpc::Response& response) mutable {
          if (!status.ok()) {
            done(Result<T>(std::move(status)));
          } else {
            done(Result<T>(map(response)));
          }
        });
  }

  const std::shared_ptr<ClientCore>& core() const { return core_; }

 private:
  const std::shared_ptr<ClientCore>& core_;
};

// Hands a status-only operation's result to the caller's StatusCallback.
struct AdaptStatus {
  explicit AdaptStatus(StatusCallback done) : done(std::move(done)) {}
  void operator()(Result<Nothing> result) {
    if (done) done(result.status());
  }
  StatusCallback done;
};

auto kNothing = [](const auto&) { return Nothing{}; };

Status EntitySupport(const ClientCore& core) {
  if (core.profile().enable_entity_support) return Status::Ok();
  return Status(StatusCode::kFailedPrecondition,
                "entity support is not enabled for the client of task hub '" +
                    core.task_hub() + "'; set ClientOptions::enable_entity_support");
}

Status CheckEntityId(const std::string& id) {
  if (Status s = CheckName("entity instance id", id); !s.ok()) return s;
  size_t second = id.size() > 1 ? id.find('@', 1) : std::string::npos;
  if (id[0] != '@' || second == std::string::npos || second == 1) {
    return Status(StatusCode::kInvalidArgument,
                  "entity instance id '" + id + "' is not of the form @name@key");
  }
  return Status::Ok();
}

// --- Request builders -----------------------------------------------------------------

Prepared<internal::StartInstanceRpc> PrepareStart(const ClientCore& core,
                                                  const StartOrchestrationOptions& start) {
  Prepared<internal::StartInstanceRpc> p;
  std::string instance_id = start.instance_id.empty() ? NewInstanceId() : start.instance_id;
  p.policy.describe = DescribeStart;
  if ((p.status = CheckName("orchestration name", start.name)), !p.status.ok()) return p;
  if ((p.status = CheckName("instance id", instance_id)), !p.status.ok()) return p;
  if (instance_id[0] == '@') {
    p.status = Status(StatusCode::kInvalidArgument,
                      "instance id '" + instance_id + "' starts with '@', which is reserved for entities");
    return p;
  }
  if ((p.status = CheckPayload("input", start.input, core.payload_limit())), !p.status.ok()) {
    return p;
  }
  if ((p.status = CheckOptionalText("version", start.version)), !p.status.ok()) return p;
  for (const auto& [key, value] : start.tags) {
    if ((p.status = CheckName("tag name", key)), !p.status.ok()) return p;
    if ((p.status = CheckOptionalText("tag value", value)), !p.status.ok()) return p;
  }

  auto& request = p.request;
  request.set_instance_id(instance_id);
  request.set_name(start.name);
  const std::string& version = start.version.empty() ? core.profile().default_version : start.version;
  if (!version.empty()) *request.mutable_version() = Wrap(version);
  if (start.input) *request.mutable_input() = Wrap(*start.input);
  if (start.start_at) *request.mutable_scheduled_start_timestamp() = internal::ToTimestamp(*start.start_at);
  if (!start.dedupe_statuses.empty()) {
    *request.mutable_orchestration_id_reuse_policy() = internal::ReusePolicyFor(start.dedupe_statuses);
  }
  request.mutable_tags()->insert(start.tags.begin(), start.tags.end());
  *request.mutable_request_time() = internal::ToTimestamp(Clock::now());
  return p;
}

template <typename Rpc>
Prepared<Rpc> PrepareGet(const std::string& instance_id, bool include_payloads) {
  Prepared<Rpc> p;
  p.policy.describe = DescribeInstance;
  p.status = CheckName("instance id", instance_id);
  p.request.set_instance_id(instance_id);
  p.request.set_get_inputs_and_outputs(include_payloads);
  return p;
}

std::optional<OrchestrationMetadata> MapInstance(const ::GetInstanceResponse& response) {
  if (!response.exists()) return std::nullopt;
  return internal::FromProto(response.orchestration_state());
}

Prepared<internal::RaiseEventRpc> PrepareRaise(const ClientCore& core, const std::string& instance_id,
                                               const std::string& event_name,
                                               const std::optional<std::string>& payload) {
  Prepared<internal::RaiseEventRpc> p;
  p.policy.describe = DescribeRaise;
  if ((p.status = CheckName("instance id", instance_id)), !p.status.ok()) return p;
  if ((p.status = CheckName("event name", event_name)), !p.status.ok()) return p;
  if ((p.status = CheckPayload("event payload", payload, core.payload_limit())), !p.status.ok()) {
    return p;
  }
  p.request.set_instance_id(instance_id);
  p.request.set_name(event_name);
  if (payload) *p.request.mutable_input() = Wrap(*payload);
  return p;
}

Prepared<internal::TerminateInstanceRpc> PrepareTerminate(const ClientCore& core,
                                                          const std::string& instance_id,
                                                          const TerminateOptions& terminate) {
  Prepared<internal::TerminateInstanceRpc> p;
  p.policy.describe = DescribeInstance;
  if ((p.status = CheckName("instance id", instance_id)), !p.status.ok()) return p;
  if ((p.status = CheckPayload("output", terminate.output, core.payload_limit())), !p.status.ok()) {
    return p;
  }
  p.request.set_instance_id(instance_id);
  if (terminate.output) *p.request.mutable_output() = Wrap(*terminate.output);
  p.request.set_recursive(terminate.recursive);
  return p;
}

template <typename Rpc>
Prepared<Rpc> PrepareReason(const std::string& instance_id, const std::string& reason) {
  Prepared<Rpc> p;
  p.policy.describe = DescribeInstance;
  if ((p.status = CheckName("instance id", instance_id)), !p.status.ok()) return p;
  if ((p.status = CheckOptionalText("reason", reason)), !p.status.ok()) return p;
  p.request.set_instance_id(instance_id);
  if (!reason.empty()) *p.request.mutable_reason() = Wrap(reason);
  return p;
}

Status CheckPageSize(int page_size) {
  if (page_size < 0) return Status(StatusCode::kInvalidArgument, "page size must not be negative");
  return Status::Ok();
}

Prepared<internal::QueryInstancesRpc> PrepareQuery(const InstanceQuery& query) {
  Prepared<internal::QueryInstancesRpc> p;
  p.policy.describe = DT_FIXED_SUBJECT(::QueryInstancesRequest, "an instance query");
  if ((p.status = CheckPageSize(query.page_size)), !p.status.ok()) return p;
  if ((p.status = CheckOptionalText("instance id prefix", query.instance_id_prefix)), !p.status.ok()) {
    return p;
  }
  auto* q = p.request.mutable_query();
  for (RuntimeStatus status : query.statuses) q->add_runtime_status(internal::ToProto(status));
  if (query.created_from) *q->mutable_created_time_from() = internal::ToTimestamp(*query.created_from);
  if (query.created_to) *q->mutable_created_time_to() = internal::ToTimestamp(*query.created_to);
  for (const std::string& hub : query.task_hub_names) *q->add_task_hub_names() = Wrap(hub);
  q->set_max_instance_count(query.page_size);
  if (!query.continuation_token.empty()) *q->mutable_continuation_token() = Wrap(query.continuation_token);
  if (!query.instance_id_prefix.empty()) *q->mutable_instance_id_prefix() = Wrap(query.instance_id_prefix);
  q->set_fetch_inputs_and_outputs(query.fetch_inputs_and_outputs);
  return p;
}

std::optional<std::string> Token(bool present, const google::protobuf::StringValue& value) {
  if (!present || value.value().empty()) return std::nullopt;
  return value.value();
}

Page<OrchestrationMetadata> MapQuery(const ::QueryInstancesResponse& response) {
  Page<OrchestrationMetadata> page;
  for (const auto& state : response.orchestration_state()) page.items.push_back(internal::FromProto(state));
  page.continuation_token = Token(response.has_continuation_token(), response.continuation_token());
  return page;
}

Prepared<internal::ListInstanceIdsRpc> PrepareListIds(const InstanceIdQuery& query) {
  Prepared<internal::ListInstanceIdsRpc> p;
  p.policy.describe = DT_FIXED_SUBJECT(::ListInstanceIdsRequest, "an instance id listing");
  if ((p.status = CheckPageSize(query.page_size)), !p.status.ok()) return p;
  for (RuntimeStatus status : query.statuses) p.request.add_runtime_status(internal::ToProto(status));
  if (query.completed_from) {
    *p.request.mutable_completed_time_from() = internal::ToTimestamp(*query.completed_from);
  }
  if (query.completed_to) *p.request.mutable_completed_time_to() = internal::ToTimestamp(*query.completed_to);
  p.request.set_page_size(query.page_size);
  if (!query.last_instance_key.empty()) *p.request.mutable_last_instance_key() = Wrap(query.last_instance_key);
  return p;
}

Page<std::string> MapListIds(const ::ListInstanceIdsResponse& response) {
  Page<std::string> page;
  page.items.assign(response.instance_ids().begin(), response.instance_ids().end());
  page.continuation_token = Token(response.has_last_instance_key(), response.last_instance_key());
  return page;
}

Prepared<internal::PurgeInstancesRpc> PreparePurgeOne(const std::string& instance_id, bool recursive) {
  Prepared<internal::PurgeInstancesRpc> p;
  p.policy.describe = DescribeInstance;
  if ((p.status = CheckName("instance id", instance_id)), !p.status.ok()) return p;
  p.request.set_instance_id(instance_id);
  p.request.set_recursive(recursive);
  p.request.set_is_orchestration(true);
  return p;
}

Prepared<internal::PurgeInstancesRpc> PreparePurgeFilter(const PurgeFilter& filter) {
  Prepared<internal::PurgeInstancesRpc> p;
  p.policy.describe = DT_FIXED_SUBJECT(::PurgeInstancesRequest, "a purge by filter");
  auto* f = p.request.mutable_purge_instance_filter();
  if (filter.created_from) *f->mutable_created_time_from() = internal::ToTimestamp(*filter.created_from);
  if (filter.created_to) *f->mutable_created_time_to() = internal::ToTimestamp(*filter.created_to);
  for (RuntimeStatus status : filter.statuses) f->add_runtime_status(internal::ToProto(status));
  if (filter.timeout.count() > 0) {
    f->mutable_timeout()->set_seconds(filter.timeout.count() / 1000);
    f->mutable_timeout()->set_nanos(static_cast<int>(filter.timeout.count() % 1000) * 1000000);
  }
  return p;
}

PurgeResult MapPurge(const ::PurgeInstancesResponse& response) {
  PurgeResult result;
  result.deleted_instance_count = response.deleted_instance_count();
  if (response.has_is_complete()) result.is_complete = response.is_complete().value();
  return result;
}

Prepared<internal::RestartInstanceRpc> PrepareRestart(const std::string& instance_id, bool new_id) {
  Prepared<internal::RestartInstanceRpc> p;
  p.policy.describe = DescribeInstance;
  p.status = CheckName("instance id", instance_id);
  p.request.set_instance_id(instance_id);
  p.request.set_restart_with_new_instance_id(new_id);
  return p;
}

Prepared<internal::SignalEntityRpc> PrepareSignal(const ClientCore& core, const std::string& id,
                                                  const std::string& operation,
                                                  const SignalEntityOptions& signal) {
  Prepared<internal::SignalEntityRpc> p;
  p.policy.describe = DescribeSignal;
  if ((p.status = EntitySupport(core)), !p.status.ok()) return p;
  if ((p.status = CheckEntityId(id)), !p.status.ok()) return p;
  if ((p.status = CheckName("operation name", operation)), !p.status.ok()) return p;
  if ((p.status = CheckPayload("signal input", signal.input, core.payload_limit())), !p.status.ok()) {
    return p;
  }
  if ((p.status = CheckOptionalText("request id", signal.request_id)), !p.status.ok()) return p;
  p.request.set_instance_id(id);
  p.request.set_name(operation);
  if (signal.input) *p.request.mutable_input() = Wrap(*signal.input);
  p.request.set_request_id(signal.request_id.empty() ? NewInstanceId() : signal.request_id);
  if (signal.scheduled_time) *p.request.mutable_scheduled_time() = internal::ToTimestamp(*signal.scheduled_time);
  *p.request.mutable_request_time() = internal::ToTimestamp(Clock::now());
  return p;
}

Prepared<internal::GetEntityRpc> PrepareGetEntity(const ClientCore& core, const std::string& id,
                                                  bool include_state) {
  Prepared<internal::GetEntityRpc> p;
  p.policy.describe = DescribeEntity;
  if ((p.status = EntitySupport(core)), !p.status.ok()) return p;
  if ((p.status = CheckEntityId(id)), !p.status.ok()) return p;
  p.request.set_instance_id(id);
  p.request.set_include_state(include_state);
  return p;
}

std::optional<EntityMetadata> MapEntity(const ::GetEntityResponse& response) {
  if (!response.exists()) return std::nullopt;
  return internal::FromProto(response.entity());
}

Prepared<internal::QueryEntitiesRpc> PrepareQueryEntities(const ClientCore& core, const EntityQuery& query) {
  Prepared<internal::QueryEntitiesRpc> p;
  p.policy.describe = DT_FIXED_SUBJECT(::QueryEntitiesRequest, "an entity query");
  if ((p.status = EntitySupport(core)), !p.status.ok()) return p;
  if ((p.status = CheckPageSize(query.page_size)), !p.status.ok()) return p;
  if ((p.status = CheckOptionalText("entity id prefix", query.instance_id_starts_with)), !p.status.ok()) {
    return p;
  }
  auto* q = p.request.mutable_query();
  if (!query.instance_id_starts_with.empty()) {
    *q->mutable_instance_id_starts_with() = Wrap(query.instance_id_starts_with);
  }
  if (query.last_modified_from) *q->mutable_last_modified_from() = internal::ToTimestamp(*query.last_modified_from);
  if (query.last_modified_to) *q->mutable_last_modified_to() = internal::ToTimestamp(*query.last_modified_to);
  q->set_include_state(query.include_state);
  q->set_include_transient(query.include_transient);
  if (query.page_size > 0) q->mutable_page_size()->set_value(query.page_size);
  if (!query.continuation_token.empty()) *q->mutable_continuation_token() = Wrap(query.continuation_token);
  return p;
}

Page<EntityMetadata> MapEntities(const ::QueryEntitiesResponse& response) {
  Page<EntityMetadata> page;
  for (const auto& entity : response.entities()) page.items.push_back(internal::FromProto(entity));
  page.continuation_token = Token(response.has_continuation_token(), response.continuation_token());
  return page;
}

Prepared<internal::CleanEntityStorageRpc> PrepareClean(const ClientCore& core,
                                                       const CleanEntityStorageOptions& clean,
                                                       const std::string& token) {
  Prepared<internal::CleanEntityStorageRpc> p;
  p.policy.describe = DT_FIXED_SUBJECT(::CleanEntityStorageRequest, "entity storage clean-up");
  p.status = EntitySupport(core);
  p.request.set_remove_empty_entities(clean.remove_empty_entities);
  p.request.set_release_orphaned_locks(clean.release_orphaned_locks);
  if (!token.empty()) *p.request.mutable_continuation_token() = Wrap(token);
  return p;
}

// One round of clean-up, then the next while the sidecar hands back a token.
void CleanRound(std::shared_ptr<ClientCore> core, CleanEntityStorageOptions clean,
                CallOptions call, std::string token, CleanEntityStorageResult totals,
                Callback<CleanEntityStorageResult> done) {
  Operations ops(core);
  using Round = std::pair<CleanEntityStorageResult, std::string>;
  auto map = [](const ::CleanEntityStorageResponse& r) {
    CleanEntityStorageResult one;
    one.empty_entities_removed = r.empty_entities_removed();
    one.orphaned_locks_released = r.orphaned_locks_released();
    return Round(one, r.has_continuation_token() ? r.continuation_token().value() : "");
  };
  ops.RunAsync<internal::CleanEntityStorageRpc, Round>(
      PrepareClean(*core, clean, token), call, map,
      [core, clean, call, totals, done](Result<Round> round) mutable {
        if (!round.ok()) {
          done(round.status());
          return;
        }
        totals.empty_entities_removed += round->first.empty_entities_removed;
        totals.orphaned_locks_released += round->first.orphaned_locks_released;
        if (round->second.empty()) {
          done(totals);
        } else {
          CleanRound(core, clean, call, round->second, totals, done);
        }
      });
}

}  // namespace

// --- Client -----------------------------------------------------------------------------

std::string NewInstanceId() {
  thread_local std::mt19937_64 generator([] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }());
  static const char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  std::uint64_t high = generator();
  std::uint64_t low = generator();
  for (int i = 0; i < 16; ++i) {
    id[i] = kHex[(high >> (60 - 4 * i)) & 0xF];
    id[16 + i] = kHex[(low >> (60 - 4 * i)) & 0xF];
  }
  return id;
}

Result<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  auto pool = internal::ChannelPool::Create(nullptr, std::chrono::milliseconds(0));
  Result<std::shared_ptr<ClientCore>> core =
      ClientCore::Create(options.task_hub, std::move(options), pool, nullptr);
  if (!core.ok()) return core.status();
  return std::make_unique<Client>(std::move(core).value());
}

// Counted here rather than by the core: calls that have just run their callbacks may
// hold the core a moment longer, and a client is gone for its user when this returns.
Client::Client(std::shared_ptr<internal::ClientCore> core) : core_(std::move(core)) {
  if (internal::Metrics* metrics = core_->metrics()) metrics->ClientCreated();
  if (internal::LogEnabled(LogLevel::kDebug)) {
    internal::Log(LogLevel::kDebug, "client",
                  "created client '" + name() + "' for task hub '" + task_hub() + "'");
  }
}

Client::~Client() {
  Close();
  if (internal::Metrics* metrics = core_->metrics()) metrics->ClientDisposed();
  if (internal::LogEnabled(LogLevel::kDebug)) {
    internal::Log(LogLevel::kDebug, "client",
                  "disposed client '" + name() + "' for task hub '" + task_hub() + "'");
  }
}

void Client::Close() { core_->Close(); }

const std::string& Client::name() const { return core_->name(); }
const std::string& Client::task_hub() const { return core_->task_hub(); }
ClientOptions Client::options() const { return core_->options(); }

Status Client::Ping(const CallOptions& call) {
  Prepared<internal::HelloRpc> p;
  return Operations(core_).Run<internal::HelloRpc, Nothing>(std::move(p), call, kNothing).status();
}

void Client::PingAsync(const CallOptions& call, StatusCallback done) {
  Prepared<internal::HelloRpc> p;
  Operations(core_).RunAsync<internal::HelloRpc, Nothing>(std::move(p), call, kNothing,
                                                          AdaptStatus(std::move(done)));
}

Result<std::string> Client::ScheduleNewOrchestration(const StartOrchestrationOptions& start,
                                                     const CallOptions& call) {
  return Operations(core_).Run<internal::StartInstanceRpc, std::string>(
      PrepareStart(*core_, start), call,
      [](const ::CreateInstanceResponse& r) { return r.instance_id(); });
}

void Client::ScheduleNewOrchestrationAsync(const StartOrchestrationOptions& start,
                                           const CallOptions& call, Callback<std::string> done) {
  Operations(core_).RunAsync<internal::StartInstanceRpc, std::string>(
      PrepareStart(*core_, start), call,
      [](const ::CreateInstanceResponse& r) { return r.instance_id(); }, std::move(done));
}

InstanceResult Client::GetInstance(const std::string& instance_id, bool include_payloads,
                                   const CallOptions& call) {
  return Operations(core_).Run<internal::GetInstanceRpc, std::optional<OrchestrationMetadata>>(
      PrepareGet<internal::GetInstanceRpc>(instance_id, include_payloads), call, MapInstance);
}

void Client::GetInstanceAsync(const std::string& instance_id, bool include_payloads,
                              const CallOptions& call, InstanceCallback done) {
  Operations(core_).RunAsync<internal::GetInstanceRpc, std::optional<OrchestrationMetadata>>(
      PrepareGet<internal::GetInstanceRpc>(instance_id, include_payloads), call, MapInstance,
      std::move(done));
}

InstanceResult Client::WaitForInstanceStart(const std::string& instance_id, bool include_payloads,
                                            const CallOptions& call) {
  auto p = PrepareGet<internal::WaitForInstanceStartRpc>(instance_id, include_payloads);
  p.policy.reissue_on_server_deadline = true;
  return Operations(core_).Run<internal::WaitForInstanceStartRpc,
                               std::optional<OrchestrationMetadata>>(std::move(p), call,
                                                                     MapInstance);
}

void Client::WaitForInstanceStartAsync(const std::string& instance_id, bool include_payloads,
                                       const CallOptions& call, InstanceCallback done) {
  auto p = PrepareGet<internal::WaitForInstanceStartRpc>(instance_id, include_payloads);
  p.policy.reissue_on_server_deadline = true;
  Operations(core_).RunAsync<internal::WaitForInstanceStartRpc,
                             std::optional<OrchestrationMetadata>>(std::move(p), call, MapInstance,
                                                                   std::move(done));
}

InstanceResult Client::WaitForInstanceCompletion(const std::string& instance_id,
                                                 bool include_payloads, const CallOptions& call) {
  auto p = PrepareGet<internal::WaitForInstanceCompletionRpc>(instance_id, include_payloads);
  p.policy.reissue_on_server_deadline = true;
  return Operations(core_).Run<internal::WaitForInstanceCompletionRpc,
                               std::optional<OrchestrationMetadata>>(std::move(p), call,
                                                                     MapInstance);
}

void Client::WaitForInstanceCompletionAsync(const std::string& instance_id, bool include_payloads,
                                            const CallOptions& call, InstanceCallback done) {
  auto p = PrepareGet<internal::WaitForInstanceCompletionRpc>(instance_id, include_payloads);
  p.policy.reissue_on_server_deadline = true;
  Operations(core_).RunAsync<internal::WaitForInstanceCompletionRpc,
                             std::optional<OrchestrationMetadata>>(std::move(p), call, MapInstance,
                                                                   std::move(done));
}

Status Client::RaiseEvent(const std::string& instance_id, const std::string& event_name,
                          const std::optional<std::string>& payload, const CallOptions& call) {
  return Operations(core_)
      .Run<internal::RaiseEventRpc, Nothing>(PrepareRaise(*core_, instance_id, event_name, payload),
                                             call, kNothing)
      .status();
}

void Client::RaiseEventAsync(const std::string& instance_id, const std::string& event_name,
                             const std::optional<std::string>& payload, const CallOptions& call,
                             StatusCallback done) {
  Operations(core_).RunAsync<internal::RaiseEventRpc, Nothing>(
      PrepareRaise(*core_, instance_id, event_name, payload), call, kNothing,
      AdaptStatus(std::move(done)));
}

Status Client::Terminate(const std::string& instance_id, const TerminateOptions& terminate,
                         const CallOptions& call) {
  return Operations(core_)
      .Run<internal::TerminateInstanceRpc, Nothing>(PrepareTerminate(*core_, instance_id, terminate),
                                                    call, kNothing)
      .status();
}

void Client::TerminateAsync(const std::string& instance_id, const TerminateOptions& terminate,
                            const CallOptions& call, StatusCallback done) {
  Operations(core_).RunAsync<internal::TerminateInstanceRpc, Nothing>(
      PrepareTerminate(*core_, instance_id, terminate), call, kNothing,
      AdaptStatus(std::move(done)));
}

Status Client::Suspend(const std::string& instance_id, const std::string& reason,
                       const CallOptions& call) {
  return Operations(core_)
      .Run<internal::SuspendInstanceRpc, Nothing>(
          PrepareReason<internal::SuspendInstanceRpc>(instance_id, reason), call, kNothing)
      .status();
}

void Client::SuspendAsync(const std::string& instance_id, const std::string& reason,
                          const CallOptions& call, StatusCallback done) {
  Operations(core_).RunAsync<internal::SuspendInstanceRpc, Nothing>(
      PrepareReason<internal::SuspendInstanceRpc>(instance_id, reason), call, kNothing,
      AdaptStatus(std::move(done)));
}

Status Client::Resume(const std::string& instance_id, const std::string& reason,
                      const CallOptions& call) {
  return Operations(core_)
      .Run<internal::ResumeInstanceRpc, Nothing>(
          PrepareReason<internal::ResumeInstanceRpc>(instance_id, reason), call, kNothing)
      .status();
}

void Client::ResumeAsync(const std::string& instance_id, const std::string& reason,
                         const CallOptions& call, StatusCallback done) {
  Operations(core_).RunAsync<internal::ResumeInstanceRpc, Nothing>(
      PrepareReason<internal::ResumeInstanceRpc>(instance_id, reason), call, kNothing,
      AdaptStatus(std::move(done)));
}

Result<Page<OrchestrationMetadata>> Client::QueryInstancesPage(const InstanceQuery& query,
                                                               const CallOptions& call) {
  return Operations(core_).Run<internal::QueryInstancesRpc, Page<OrchestrationMetadata>>(
      PrepareQuery(query), call, MapQuery);
}

void Client::QueryInstancesPageAsync(const InstanceQuery& query, const CallOptions& call,
                                     Callback<Page<OrchestrationMetadata>> done) {
  Operations(core_).RunAsync<internal::QueryInstancesRpc, Page<OrchestrationMetadata>>(
      PrepareQuery(query), call, MapQuery, std::move(done));
}

Pager<OrchestrationMetadata> Client::QueryInstances(const InstanceQuery& query,
                                                    const CallOptions& call) {
  auto core = core_;
  return Pager<OrchestrationMetadata>(
      [core, query, call](const std::string& token) {
        InstanceQuery page_query = query;
        page_query.continuation_token = token;
        return Operations(core).Run<internal::QueryInstancesRpc, Page<OrchestrationMetadata>>(
            PrepareQuery(page_query), call, MapQuery);
      },
      query.continuation_token);
}

Result<Page<std::string>> Client::ListInstanceIdsPage(const InstanceIdQuery& query,
                                                      const CallOptions& call) {
  return Operations(core_).Run<internal::ListInstanceIdsRpc, Page<std::string>>(
      PrepareListIds(query), call, MapListIds);
}

void Client::ListInstanceIdsPageAsync(const InstanceIdQuery& query, const CallOptions& call,
                                      Callback<Page<std::string>> done) {
  Operations(core_).RunAsync<internal::ListInstanceIdsRpc, Page<std::string>>(
      PrepareListIds(query), call, MapListIds, std::move(done));
}

Pager<std::string> Client::ListInstanceIds(const InstanceIdQuery& query, const CallOptions& call) {
  auto core = core_;
  return Pager<std::string>(
      [core, query, call](const std::string& token) {
        InstanceIdQuery page_query = query;
        page_query.last_instance_key = token;
        return Operations(core).Run<internal::ListInstanceIdsRpc, Page<std::string>>(
            PrepareListIds(page_query), call, MapListIds);
      },
      query.last_instance_key);
}

Result<PurgeResult> Client::PurgeInstance(const std::string& instance_id, bool recursive,
                                          const CallOptions& call) {
  return Operations(core_).Run<internal::PurgeInstancesRpc, PurgeResult>(
      PreparePurgeOne(instance_id, recursive), call, MapPurge);
}

void Client::PurgeInstanceAsync(const std::string& instance_id, bool recursive,
                                const CallOptions& call, Callback<PurgeResult> done) {
  Operations(core_).RunAsync<internal::PurgeInstancesRpc, PurgeResult>(
      PreparePurgeOne(instance_id, recursive), call, MapPurge, std::move(done));
}

Result<PurgeResult> Client::PurgeInstances(const PurgeFilter& filter, const CallOptions& call) {
  return Operations(core_).Run<internal::PurgeInstancesRpc, PurgeResult>(
      PreparePurgeFilter(filter), call, MapPurge);
}

void Client::PurgeInstancesAsync(const PurgeFilter& filter, const CallOptions& call,
                                 Callback<PurgeResult> done) {
  Operations(core_).RunAsync<internal::PurgeInstancesRpc, PurgeResult>(
      PreparePurgeFilter(filter), call, MapPurge, std::move(done));
}

Result<std::string> Client::RestartInstance(const std::string& instance_id,
                                            bool restart_with_new_instance_id,
                                            const CallOptions& call) {
  return Operations(core_).Run<internal::RestartInstanceRpc, std::string>(
      PrepareRestart(instance_id, restart_with_new_instance_id), call,
      [](const ::RestartInstanceResponse& r) { return r.instance_id(); });
}

void Client::RestartInstanceAsync(const std::string& instance_id, bool restart_with_new_instance_id,
                                  const CallOptions& call, Callback<std::string> done) {
  Operations(core_).RunAsync<internal::RestartInstanceRpc, std::string>(
      PrepareRestart(instance_id, restart_with_new_instance_id), call,
      [](const ::RestartInstanceResponse& r) { return r.instance_id(); }, std::move(done));
}

Status Client::RewindInstance(const std::string& instance_id, const std::string& reason,
                              const CallOptions& call) {
  return Operations(core_)
      .Run<internal::RewindInstanceRpc, Nothing>(
          PrepareReason<internal::RewindInstanceRpc>(instance_id, reason), call, kNothing)
      .status();
}

void Client::RewindInstanceAsync(const std::string& instance_id, const std::string& reason,
                                 const CallOptions& call, StatusCallback done) {
  Operations(core_).RunAsync<internal::RewindInstanceRpc, Nothing>(
      PrepareReason<internal::RewindInstanceRpc>(instance_id, reason), call, kNothing,
      AdaptStatus(std::move(done)));
}

Status Client::SignalEntity(const std::string& entity_instance_id, const std::string& operation,
                            const SignalEntityOptions& signal, const CallOptions& call) {
  return Operations(core_)
      .Run<internal::SignalEntityRpc, Nothing>(
          PrepareSignal(*core_, entity_instance_id, operation, signal), call, kNothing)
      .status();
}

void Client::SignalEntityAsync(const std::string& entity_instance_id, const std::string& operation,
                               const SignalEntityOptions& signal, const CallOptions& call,
                               StatusCallback done) {
  Operations(core_).RunAsync<internal::SignalEntityRpc, Nothing>(
      PrepareSignal(*core_, entity_instance_id, operation, signal), call, kNothing,
      AdaptStatus(std::move(done)));
}

Result<std::optional<EntityMetadata>> Client::GetEntity(const std::string& entity_instance_id,
                                                        bool include_state,
                                                        const CallOptions& call) {
  return Operations(core_).Run<internal::GetEntityRpc, std::optional<EntityMetadata>>(
      PrepareGetEntity(*core_, entity_instance_id, include_state), call, MapEntity);
}

void Client::GetEntityAsync(const std::string& entity_instance_id, bool include_state,
                            const CallOptions& call, Callback<std::optional<EntityMetadata>> done) {
  Operations(core_).RunAsync<internal::GetEntityRpc, std::optional<EntityMetadata>>(
      PrepareGetEntity(*core_, entity_instance_id, include_state), call, MapEntity,
      std::move(done));
}

Result<Page<EntityMetadata>> Client::QueryEntitiesPage(const EntityQuery& query,
                                                       const CallOptions& call) {
  return Operations(core_).Run<internal::QueryEntitiesRpc, Page<EntityMetadata>>(
      PrepareQueryEntities(*core_, query), call, MapEntities);
}

void Client::QueryEntitiesPageAsync(const EntityQuery& query, const CallOptions& call,
                                    Callback<Page<EntityMetadata>> done) {
  Operations(core_).RunAsync<internal::QueryEntitiesRpc, Page<EntityMetadata>>(
      PrepareQueryEntities(*core_, query), call, MapEntities, std::move(done));
}

Pager<EntityMetadata> Client::QueryEntities(const EntityQuery& query, const CallOptions& call) {
  auto core = core_;
  return Pager<EntityMetadata>(
      [core, query, call](const std::string& token) {
        EntityQuery page_query = query;
        page_query.continuation_token = token;
        return Operations(core).Run<internal::QueryEntitiesRpc, Page<EntityMetadata>>(
            PrepareQueryEntities(*core, page_query), call, MapEntities);
      },
      query.continuation_token);
}

Result<CleanEntityStorageResult> Client::CleanEntityStorage(const CleanEntityStorageOptions& clean,
                                                            const CallOptions& call) {
  CleanEntityStorageResult totals;
  std::string token;
  Operations ops(core_);
  for (;;) {
    Result<std::string> round = ops.Run<internal::CleanEntityStorageRpc, std::string>(
        PrepareClean(*core_, clean, token), call,
        [&totals](const ::CleanEntityStorageResponse& r) {
          totals.empty_entities_removed += r.empty_entities_removed();
          totals.orphaned_locks_released += r.orphaned_locks_released();
          return r.has_continuation_token() ? r.continuation_token().value() : std::string();
        });
    if (!round.ok()) return round.status();
    if (round->empty()) return totals;
    token = std::move(round).value();
  }
}

void Client::CleanEntityStorageAsync(const CleanEntityStorageOptions& clean,
                                     const CallOptions& call,
                                     Callback<CleanEntityStorageResult> done) {
  if (!done) done = [](Result<CleanEntityStorageResult>) {};
  CleanRound(core_, clean, call, "", CleanEntityStorageResult{}, std::move(done));
}

}  // namespace durabletask
