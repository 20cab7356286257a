#include "client/codec.h"

#include <algorithm>
#include <memory>

namespace durabletask::internal {
namespace {

std::optional<std::string> FromWrapper(bool present, const google::protobuf::StringValue& value) {
  if (!present) return std::nullopt;
  return value.value();
}

#define DT_OPTIONAL_STRING(message, field) FromWrapper((message).has_##field(), (message).field())

std::optional<TimePoint> OptionalTime(bool present, const google::protobuf::Timestamp& value) {
  // An unset timestamp arrives as the epoch from some servers; treat both as absent.
  if (!present || (value.seconds() == 0 && value.nanos() == 0)) return std::nullopt;
  return FromTimestamp(value);
}

#define DT_OPTIONAL_TIME(message, field) OptionalTime((message).has_##field(), (message).field())

}  // namespace

google::protobuf::Timestamp ToTimestamp(TimePoint time) {
  auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch());
  long long nanos = since_epoch.count();
  long long seconds = nanos / 1000000000LL;
  long long remainder = nanos % 1000000000LL;
  if (remainder < 0) {
    remainder += 1000000000LL;
    --seconds;
  }
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int>(remainder));
  return timestamp;
}

TimePoint FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  auto since_epoch = std::chrono::seconds(timestamp.seconds()) +
                     std::chrono::nanoseconds(timestamp.nanos());
  return TimePoint(std::chrono::duration_cast<Clock::duration>(since_epoch));
}

FailureDetails FromProto(const ::TaskFailureDetails& failure) {
  FailureDetails details;
  details.error_type = failure.error_type();
  details.error_message = failure.error_message();
  details.stack_trace = DT_OPTIONAL_STRING(failure, stack_trace);
  details.is_non_retriable = failure.is_non_retriable();
  if (failure.has_inner_failure()) {
    details.inner_failure = std::make_shared<const FailureDetails>(FromProto(failure.inner_failure()));
  }
  return details;
}

OrchestrationMetadata FromProto(const ::OrchestrationState& state) {
  OrchestrationMetadata metadata;
  metadata.name = state.name();
  metadata.instance_id = state.instance_id();
  metadata.execution_id = DT_OPTIONAL_STRING(state, execution_id);
  metadata.runtime_status = static_cast<RuntimeStatus>(state.orchestration_status());
  metadata.created_at = DT_OPTIONAL_TIME(state, created_timestamp);
  metadata.last_updated_at = DT_OPTIONAL_TIME(state, last_updated_timestamp);
  metadata.completed_at = DT_OPTIONAL_TIME(state, completed_timestamp);
  metadata.scheduled_start_at = DT_OPTIONAL_TIME(state, scheduled_start_timestamp);
  metadata.input = DT_OPTIONAL_STRING(state, input);
  metadata.output = DT_OPTIONAL_STRING(state, output);
  metadata.custom_status = DT_OPTIONAL_STRING(state, custom_status);
  if (state.has_failure_details()) metadata.failure_details = FromProto(state.failure_details());
  metadata.tags.insert(state.tags().begin(), state.tags().end());
  metadata.version = DT_OPTIONAL_STRING(state, version);
  metadata.parent_instance_id = DT_OPTIONAL_STRING(state, parent_instance_id);
  return metadata;
}

HistoryEvent FromProto(const ::HistoryEvent& event) {
  HistoryEvent out;
  out.event_id = event.event_id();
  out.timestamp = DT_OPTIONAL_TIME(event, timestamp);
  switch (event.event_type_case()) {
    case ::HistoryEvent::kExecutionStarted: {
      const auto& e = event.execution_started();
      out.kind = HistoryEventKind::kExecutionStarted;
      out.name = e.name();
      out.payload = DT_OPTIONAL_STRING(e, input);
      out.instance_id = e.orchestration_instance().instance_id();
      break;
    }
    case ::HistoryEvent::kExecutionCompleted: {
      const auto& e = event.execution_completed();
      out.kind = HistoryEventKind::kExecutionCompleted;
      out.runtime_status = static_cast<RuntimeStatus>(e.orchestration_status());
      out.payload = DT_OPTIONAL_STRING(e, result);
      if (e.has_failure_details()) out.failure_details = FromProto(e.failure_details());
      break;
    }
    case ::HistoryEvent::kExecutionTerminated:
      out.kind = HistoryEventKind::kExecutionTerminated;
      out.payload = DT_OPTIONAL_STRING(event.execution_terminated(), input);
      break;
    case ::HistoryEvent::kTaskScheduled:
      out.kind = HistoryEventKind::kTaskScheduled;
      out.name = event.task_scheduled().name();
      out.payload = DT_OPTIONAL_STRING(event.task_scheduled(), input);
      break;
    case ::HistoryEvent::kTaskCompleted:
      out.kind = HistoryEventKind::kTaskCompleted;
      out.task_scheduled_id = event.task_completed().task_scheduled_id();
      out.payload = DT_OPTIONAL_STRING(event.task_completed(), result);
      break;
    case ::HistoryEvent::kTaskFailed:
      out.kind = HistoryEventKind::kTaskFailed;
      out.task_scheduled_id = event.task_failed().task_scheduled_id();
      out.failure_details = FromProto(event.task_failed().failure_details());
      break;
    case ::HistoryEvent::kSubOrchestrationInstanceCreated: {
      const auto& e = event.sub_orchestration_instance_created();
      out.kind = HistoryEventKind::kSubOrchestrationCreated;
      out.name = e.name();
      out.instance_id = e.instance_id();
      out.payload = DT_OPTIONAL_STRING(e, input);
      break;
    }
    case ::HistoryEvent::kSubOrchestrationInstanceCompleted:
      out.kind = HistoryEventKind::kSubOrchestrationCompleted;
      out.task_scheduled_id = event.sub_orchestration_instance_completed().task_scheduled_id();
      out.payload = DT_OPTIONAL_STRING(event.sub_orchestration_instance_completed(), result);
      break;
    case ::HistoryEvent::kSubOrchestrationInstanceFailed:
      out.kind = HistoryEventKind::kSubOrchestrationFailed;
      out.task_scheduled_id = event.sub_orchestration_instance_failed().task_scheduled_id();
      out.failure_details = FromProto(event.sub_orchestration_instance_failed().failure_details());
      break;
    case ::HistoryEvent::kTimerCreated:
      out.kind = HistoryEventKind::kTimerCreated;
      out.fire_at = DT_OPTIONAL_TIME(event.timer_created(), fire_at);
      break;
    case ::HistoryEvent::kTimerFired:
      out.kind = HistoryEventKind::kTimerFired;
      out.fire_at = DT_OPTIONAL_TIME(event.timer_fired(), fire_at);
      out.task_scheduled_id = event.timer_fired().timer_id();
      break;
    case ::HistoryEvent::kOrchestratorStarted:
      out.kind = HistoryEventKind::kOrchestratorStarted;
      break;
    case ::HistoryEvent::kOrchestratorCompleted:
      out.kind = HistoryEventKind::kOrchestratorCompleted;
      break;
    case ::HistoryEvent::kEventSent:
      out.kind = HistoryEventKind::kEventSent;
      out.name = event.event_sent().name();
      out.instance_id = event.event_sent().instance_id();
      out.payload = DT_OPTIONAL_STRING(event.event_sent(), input);
      break;
    case ::HistoryEvent::kEventRaised:
      out.kind = HistoryEventKind::kEventRaised;
      out.name = event.event_raised().name();
      out.payload = DT_OPTIONAL_STRING(event.event_raised(), input);
      break;
    case ::HistoryEvent::kGenericEvent:
      out.kind = HistoryEventKind::kGeneric;
      out.payload = DT_OPTIONAL_STRING(event.generic_event(), data);
      break;
    case ::HistoryEvent::kHistoryState:
      out.kind = HistoryEventKind::kHistoryState;
      out.runtime_status =
          static_cast<RuntimeStatus>(event.history_state().orchestration_state().orchestration_status());
      break;
    case ::HistoryEvent::kContinueAsNew:
      out.kind = HistoryEventKind::kContinueAsNew;
      out.payload = DT_OPTIONAL_STRING(event.continue_as_new(), input);
      break;
    case ::HistoryEvent::kExecutionSuspended:
      out.kind = HistoryEventKind::kExecutionSuspended;
      out.payload = DT_OPTIONAL_STRING(event.execution_suspended(), input);
      break;
    case ::HistoryEvent::kExecutionResumed:
      out.kind = HistoryEventKind::kExecutionResumed;
      out.payload = DT_OPTIONAL_STRING(event.execution_resumed(), input);
      break;
    case ::HistoryEvent::kExecutionRewound:
      out.kind = HistoryEventKind::kExecutionRewound;
      out.payload = DT_OPTIONAL_STRING(event.execution_rewound(), reason);
      break;
    case ::HistoryEvent::EVENT_TYPE_NOT_SET:
      out.kind = HistoryEventKind::kUnknown;
      break;
  }
  return out;
}

EntityMetadata FromProto(const ::EntityMetadata& entity) {
  EntityMetadata out;
  out.instance_id = entity.instance_id();
  out.last_modified_at = DT_OPTIONAL_TIME(entity, last_modified_time);
  out.backlog_queue_size = entity.backlog_queue_size();
  out.locked_by = DT_OPTIONAL_STRING(entity, locked_by);
  out.state = DT_OPTIONAL_STRING(entity, serialized_state);
  return out;
}

::OrchestrationStatus ToProto(RuntimeStatus status) {
  return static_cast<::OrchestrationStatus>(static_cast<int>(status));
}

::OrchestrationIdReusePolicy ReusePolicyFor(const std::vector<RuntimeStatus>& dedupe_statuses) {
  static const RuntimeStatus kAll[] = {
      RuntimeStatus::kRunning,    RuntimeStatus::kCompleted, RuntimeStatus::kContinuedAsNew,
      RuntimeStatus::kFailed,     RuntimeStatus::kCanceled,  RuntimeStatus::kTerminated,
      RuntimeStatus::kPending,    RuntimeStatus::kSuspended};
  ::OrchestrationIdReusePolicy policy;
  for (RuntimeStatus status : kAll) {
    if (std::find(dedupe_statuses.begin(), dedupe_statuses.end(), status) ==
        dedupe_statuses.end()) {
      policy.add_replaceable_status(ToProto(status));
    }
  }
  return policy;
}


}  // namespace durabletask::internal

namespace durabletask {

const char* RuntimeStatusName(RuntimeStatus status) {
  switch (status) {
    case RuntimeStatus::kRunning: return "Running";
    case RuntimeStatus::kCompleted: return "Completed";
    case RuntimeStatus::kContinuedAsNew: return "ContinuedAsNew";
    case RuntimeStatus::kFailed: return "Failed";
    case RuntimeStatus::kCanceled: return "Canceled";
    case RuntimeStatus::kTerminated: return "Terminated";
    case RuntimeStatus::kPending: return "Pending";
    case RuntimeStatus::kSuspended: return "Suspended";
  }
  return "Unknown";
}

bool IsTerminal(RuntimeStatus status) {
  return status == RuntimeStatus::kCompleted || status == RuntimeStatus::kFailed ||
         status == RuntimeStatus::kTerminated || status == RuntimeStatus::kCanceled;
}

const char* HistoryEventKindName(HistoryEventKind kind) {
  static const char* const kNames[] = {
      "Unknown",           "ExecutionStarted",     "ExecutionCompleted",
      "ExecutionTerminated", "TaskScheduled",      "TaskCompleted",
      "TaskFailed",        "SubOrchestrationCreated", "SubOrchestrationCompleted",
      "SubOrchestrationFailed", "TimerCreated",    "TimerFired",
      "OrchestratorStarted", "OrchestratorCompleted", "EventSent",
      "EventRaised",       "Generic",              "HistoryState",
      "ContinueAsNew",     "ExecutionSuspended",   "ExecutionResumed",
      "ExecutionRewound"};
  int index = static_cast<int>(kind);
  if (index < 0 || index >= static_cast<int>(sizeof(kNames) / sizeof(kNames[0]))) return "Unknown";
  return kNames[index];
}

}  // namespace durabletask
