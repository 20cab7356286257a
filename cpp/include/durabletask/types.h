// The values that client operations take and return.
#ifndef DURABLETASK_TYPES_H_
#define DURABLETASK_TYPES_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "durabletask/options.h"

namespace durabletask {

// Numbering is the protocol's.
enum class RuntimeStatus : int {
  kRunning = 0,
  kCompleted = 1,
  kContinuedAsNew = 2,
  kFailed = 3,
  kCanceled = 4,
  kTerminated = 5,
  kPending = 6,
  kSuspended = 7,
};

DT_API const char* RuntimeStatusName(RuntimeStatus status);

// True for Completed, Failed, Terminated and Canceled.
DT_API bool IsTerminal(RuntimeStatus status);

// Why an orchestration or activity failed. Inner failures form a chain.
struct FailureDetails {
  std::string error_type;
  std::string error_message;
  std::optional<std::string> stack_trace;
  bool is_non_retriable = false;
  std::shared_ptr<const FailureDetails> inner_failure;
};

// One orchestration instance as the sidecar reports it. Payloads are JSON text and
// are present only when the query asked for inputs and outputs.
struct OrchestrationMetadata {
  std::string name;
  std::string instance_id;
  std::optional<std::string> execution_id;
  RuntimeStatus runtime_status = RuntimeStatus::kPending;
  std::optional<TimePoint> created_at;
  std::optional<TimePoint> last_updated_at;
  std::optional<TimePoint> completed_at;
  std::optional<TimePoint> scheduled_start_at;
  std::optional<std::string> input;
  std::optional<std::string> output;
  std::optional<std::string> custom_status;
  std::optional<FailureDetails> failure_details;
  std::map<std::string, std::string> tags;
  std::optional<std::string> version;
  std::optional<std::string> parent_instance_id;
};

// What a new orchestration starts with.
struct StartOrchestrationOptions {
  std::string name;
  // JSON text; absent means no input.
  std::optional<std::string> input;
  // Empty means a new random id: 32 lowercase hexadecimal digits.
  std::string instance_id;
  std::optional<TimePoint> start_at;
  std::map<std::string, std::string> tags;
  // Empty means the client's default version.
  std::string version;
  // An existing instance in one of these statuses makes the start fail with
  // kAlreadyExists; in any other status it is replaced. Empty leaves the sidecar's
  // own rule.
  std::vector<RuntimeStatus> dedupe_statuses;
};

struct TerminateOptions {
  std::optional<std::string> output;
  bool recursive = false;
};

// Filters for QueryInstances. Unset fields do not filter.
struct InstanceQuery {
  std::optional<TimePoint> created_from;
  std::optional<TimePoint> created_to;
  std::vector<RuntimeStatus> statuses;
  std::vector<std::string> task_hub_names;
  std::string instance_id_prefix;
  bool fetch_inputs_and_outputs = false;
  int page_size = 100;
  // Where to resume; empty starts at the beginning.
  std::string continuation_token;
};

// Filters for ListInstanceIds (completed instances).
struct InstanceIdQuery {
  std::vector<RuntimeStatus> statuses;
  std::optional<TimePoint> completed_from;
  std::optional<TimePoint> completed_to;
  int page_size = 100;
  std::string last_instance_key;
};

// One page of results and the token to fetch the next; no token means no more pages.
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> continuation_token;
};

struct PurgeFilter {
  std::optional<TimePoint> created_from;
  std::optional<TimePoint> created_to;
  std::vector<RuntimeStatus> statuses;
  // Server-side time budget; zero means the server's default.
  std::chrono::milliseconds timeout{0};
};

struct PurgeResult {
  int deleted_instance_count = 0;
  // Absent when the sidecar did not say.
  std::optional<bool> is_complete;
};

enum class HistoryEventKind : int {
  kUnknown = 0,
  kExecutionStarted,
  kExecutionCompleted,
  kExecutionTerminated,
  kTaskScheduled,
  kTaskCompleted,
  kTaskFailed,
  kSubOrchestrationCreated,
  kSubOrchestrationCompleted,
  kSubOrchestrationFailed,
  kTimerCreated,
  kTimerFired,
  kOrchestratorStarted,
  kOrchestratorCompleted,
  kEventSent,
  kEventRaised,
  kGeneric,
  kHistoryState,
  kContinueAsNew,
  kExecutionSuspended,
  kExecutionResumed,
  kExecutionRewound,
};

DT_API const char* HistoryEventKindName(HistoryEventKind kind);

// One event of an orchestration's history, flattened: fields that the event's kind
// does not carry stay empty.
struct HistoryEvent {
  int event_id = 0;
  HistoryEventKind kind = HistoryEventKind::kUnknown;
  std::optional<TimePoint> timestamp;
  // Orchestration, activity, event or sub-orchestration name.
  std::string name;
  // Input, result, event data or reason, as the kind has it (JSON text).
  std::optional<std::string> payload;
  // Target of a sub-orchestration or sent event.
  std::string instance_id;
  int task_scheduled_id = 0;
  std::optional<TimePoint> fire_at;
  std::optional<RuntimeStatus> runtime_status;
  std::optional<FailureDetails> failure_details;
};

// Entities are addressed as `@name@key`.
struct EntityMetadata {
  std::string instance_id;
  std::optional<TimePoint> last_modified_at;
  int backlog_queue_size = 0;
  std::optional<std::string> locked_by;
  std::optional<std::string> state;
};

struct SignalEntityOptions {
  std::optional<std::string> input;
  std::optional<TimePoint> scheduled_time;
  // Empty means a new random id.
  std::string request_id;
};

struct EntityQuery {
  std::string instance_id_starts_with;
  std::optional<TimePoint> last_modified_from;
  std::optional<TimePoint> last_modified_to;
  bool include_state = false;
  bool include_transient = false;
  // Zero leaves the page size to the sidecar.
  int page_size = 0;
  std::string continuation_token;
};

struct CleanEntityStorageOptions {
  bool remove_empty_entities = true;
  bool release_orphaned_locks = true;
};

struct CleanEntityStorageResult {
  int empty_entities_removed = 0;
  int orphaned_locks_released = 0;
};

}  // namespace durabletask

#endif  // DURABLETASK_TYPES_H_
