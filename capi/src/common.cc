// Version, logging, cancellation, enum names, option structs and the conversions the
// other C API sources share.
#include <limits>

#include "internal.h"

static_assert(DT_VERSION_MAJOR == DURABLETASK_VERSION_MAJOR &&
                  DT_VERSION_MINOR == DURABLETASK_VERSION_MINOR &&
                  DT_VERSION_PATCH == DURABLETASK_VERSION_PATCH,
              "the C header and the core must agree on the version");

namespace durabletask::capi {

TimePoint FromUnixMs(std::int64_t unix_ms) {
  // The clock counts finer than milliseconds; clamp instead of overflowing.
  static const std::int64_t kLimit =
      std::chrono::duration_cast<std::chrono::milliseconds>(TimePoint::max().time_since_epoch())
          .count();
  if (unix_ms >= kLimit) return TimePoint::max();
  return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(unix_ms)));
}

std::int64_t ToUnixMs(const std::optional<TimePoint>& time) {
  if (!time) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(time->time_since_epoch()).count();
}

Status ToTime(std::int64_t unix_ms, const char* what, std::optional<TimePoint>* out) {
  if (unix_ms < 0) return Invalid(std::string(what) + " must not be negative");
  if (unix_ms == 0) {
    out->reset();
  } else {
    *out = FromUnixMs(unix_ms);
  }
  return Status::Ok();
}

Status ToDuration(std::int64_t ms, const char* what, std::chrono::milliseconds* out) {
  if (ms < 0) return Invalid(std::string(what) + " must not be negative");
  *out = std::chrono::milliseconds(ms);
  return Status::Ok();
}

Status ToStatuses(const dt_runtime_status* statuses, size_t count, const char* what,
                  std::vector<RuntimeStatus>* out) {
  out->clear();
  if (count == 0) return Status::Ok();
  if (statuses == nullptr) {
    return Invalid(std::string(what) + " must not be NULL when its count is " +
                   std::to_string(count));
  }
  for (size_t i = 0; i < count; ++i) {
    int value = statuses[i];
    if (value < DT_RUNTIME_STATUS_RUNNING || value > DT_RUNTIME_STATUS_SUSPENDED) {
      return Invalid(std::string(what) + "[" + std::to_string(i) + "] is " + std::to_string(value) +
                     ", which is not a runtime status");
    }
    out->push_back(static_cast<RuntimeStatus>(value));
  }
  return Status::Ok();
}

Status ToCallOptions(const dt_call_options* call, CallOptions* out) {
  if (call == nullptr) return Status::Ok();
  if (Status s = CheckVersion(call->version, DT_CALL_OPTIONS_VERSION, "dt_call_options"); !s.ok()) {
    return s;
  }
  if (Status s = ToDuration(call->timeout_ms, "call timeout_ms", &out->timeout); !s.ok()) {
    return s;
  }
  if (Status s = ToTime(call->deadline_unix_ms, "call deadline_unix_ms", &out->deadline); !s.ok()) {
    return s;
  }
  if (call->cancellation != nullptr) {
    if (Status s = CheckHandle(call->cancellation, "call cancellation"); !s.ok()) return s;
    out->cancellation = call->cancellation->source.token();
  }
  return Status::Ok();
}

// --- Configure callbacks ------------------------------------------------------------------

namespace {

struct ConfigureRecord {
  bool failed = false;
  Status status;
};

thread_local ConfigureRecord configure_record;

// Options that ValidateOptions refuses, so that a failed configure callback can never
// yield a client even where the core composes without asking us (a caching factory).
void Spoil(ClientOptions& options) { options.retry.max_attempts = 0; }

}  // namespace

void ConfigureFailure::Reset() { configure_record = ConfigureRecord(); }

bool ConfigureFailure::Failed() { return configure_record.failed; }

Status ConfigureFailure::Get() { return configure_record.status; }

ConfigureOptions WrapConfigure(dt_configure_cb configure, std::shared_ptr<UserData> user_data) {
  return [configure, user_data](ClientOptions& options) {
    // Callbacks after a failure are skipped: they could undo the spoiling.
    if (configure_record.failed) {
      Spoil(options);
      return;
    }
    dt_options view(&options);
    dt_status code = configure(user_data->data, &view);
    view.magic = kRetired;
    if (code == DT_OK) return;

    std::string message = dt_last_error_code() == code ? dt_last_error_message() : "";
    if (message.empty()) message = std::string("returned ") + dt_status_name(code);
    configure_record.failed = true;
    configure_record.status =
        Status(static_cast<StatusCode>(code), "a configure callback failed: " + message);
    Spoil(options);
  };
}

}  // namespace durabletask::capi

using namespace durabletask;
using namespace durabletask::capi;

extern "C" {

const char* dt_version(void) { return durabletask::Version(); }

void dt_version_numbers(int* major, int* minor, int* patch) {
  if (major != nullptr) *major = DURABLETASK_VERSION_MAJOR;
  if (minor != nullptr) *minor = DURABLETASK_VERSION_MINOR;
  if (patch != nullptr) *patch = DURABLETASK_VERSION_PATCH;
}

dt_status dt_new_instance_id(char** id_out) {
  return Guarded([&] {
    if (id_out != nullptr) *id_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(id_out, "id_out"));
    *id_out = CopyOut(NewInstanceId());
    return DT_OK;
  });
}

// --- Logging ------------------------------------------------------------------------------

dt_status dt_set_log_callback(dt_log_cb callback, void* user_data, dt_free_cb free_user_data,
                              dt_log_level min_level) {
  return Guarded([&] {
    if (min_level < DT_LOG_TRACE || min_level > DT_LOG_ERROR) {
      return Report(Invalid("log level " + std::to_string(min_level) + " is out of range"));
    }
    if (callback == nullptr) {
      SetLogSink(nullptr, LogLevel::kWarning);
      return DT_OK;
    }
    auto box = std::make_shared<UserData>(user_data, free_user_data);
    LogSink sink = [callback, box](LogLevel level, const std::string& category,
                                   const std::string& message) {
      callback(box->data, static_cast<dt_log_level>(level), category.c_str(), message.c_str());
    };
    SetLogSink(std::move(sink), static_cast<LogLevel>(min_level));
    box->armed = true;
    return DT_OK;
  });
}

// --- Cancellation -------------------------------------------------------------------------

dt_status dt_cancellation_new(dt_cancellation** cancellation_out) {
  return Guarded([&] {
    if (cancellation_out != nullptr) *cancellation_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(cancellation_out, "cancellation_out"));
    *cancellation_out = new dt_cancellation();
    return DT_OK;
  });
}

dt_status dt_cancellation_cancel(dt_cancellation* cancellation) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(cancellation, "cancellation"));
    cancellation->source.Cancel();
    return DT_OK;
  });
}

int dt_cancellation_is_cancelled(const dt_cancellation* cancellation) {
  return GuardedValue(0, [&] {
    if (!Readable(cancellation, "cancellation")) return 0;
    return cancellation->source.IsCancelled() ? 1 : 0;
  });
}

void dt_cancellation_free(dt_cancellation* cancellation) {
  FreeHandle(cancellation, "cancellation");
}

// --- Enum names ---------------------------------------------------------------------------

const char* dt_runtime_status_name(dt_runtime_status status) {
  if (status < DT_RUNTIME_STATUS_RUNNING || status > DT_RUNTIME_STATUS_SUSPENDED) {
    return "Unknown";
  }
  return RuntimeStatusName(static_cast<RuntimeStatus>(status));
}

int dt_runtime_status_is_terminal(dt_runtime_status status) {
  if (status < DT_RUNTIME_STATUS_RUNNING || status > DT_RUNTIME_STATUS_SUSPENDED) return 0;
  return IsTerminal(static_cast<RuntimeStatus>(status)) ? 1 : 0;
}

const char* dt_history_event_kind_name(dt_history_event_kind kind) {
  if (kind < DT_HISTORY_EVENT_UNKNOWN || kind > DT_HISTORY_EVENT_EXECUTION_REWOUND) {
    return "Unknown";
  }
  return HistoryEventKindName(static_cast<HistoryEventKind>(kind));
}

const char* dt_health_state_name(dt_health_state state) {
  if (state < DT_HEALTH_REACHABLE || state > DT_HEALTH_NOT_FOUND) return "unknown";
  return HealthStateName(static_cast<HealthState>(state));
}

// --- Option structs -----------------------------------------------------------------------
// Each init writes the fields of the version asked for and no more, so that a caller
// built against an older header (a smaller struct) is never written past its end.

dt_status dt_call_options_init(dt_call_options* options, unsigned int version) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckOut(options, "options"));
    DT_RETURN_IF_ERROR(CheckVersion(version, DT_CALL_OPTIONS_VERSION, "dt_call_options"));
    options->version = version;
    options->timeout_ms = 0;
    options->deadline_unix_ms = 0;
    options->cancellation = nullptr;
    return DT_OK;
  });
}

dt_status dt_start_options_init(dt_start_options* options, unsigned int version) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckOut(options, "options"));
    DT_RETURN_IF_ERROR(CheckVersion(version, DT_START_OPTIONS_VERSION, "dt_start_options"));
    options->version = version;
    options->name = nullptr;
    options->input = nullptr;
    options->instance_id = nullptr;
    options->start_at_unix_ms = 0;
    options->tag_names = nullptr;
    options->tag_values = nullptr;
    options->tag_count = 0;
    options->orchestration_version = nullptr;
    options->dedupe_statuses = nullptr;
    options->dedupe_status_count = 0;
    return DT_OK;
  });
}

dt_status dt_terminate_options_init(dt_terminate_options* options, unsigned int version) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckOut(options, "options"));
    DT_RETURN_IF_ERROR(CheckVersion(version, DT_TERMINATE_OPTIONS_VERSION, "dt_terminate_options"));
    options->version = version;
    options->output = nullptr;
    options->recursive = 0;
    return DT_OK;
  });
}

dt_status dt_instance_query_init(dt_instance_query* query, unsigned int version) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckOut(query, "query"));
    DT_RETURN_IF_ERROR(CheckVersion(version, DT_INSTANCE_QUERY_VERSION, "dt_instance_query"));
    InstanceQuery defaults;
    query->version = version;
    query->created_from_unix_ms = 0;
    query->created_to_unix_ms = 0;
    query->statuses = nullptr;
    query->status_count = 0;
    query->task_hub_names = nullptr;
    query->task_hub_name_count = 0;
    query->instance_id_prefix = nullptr;
    query->fetch_inputs_and_outputs = 0;
    query->page_size = defaults.page_size;
    query->continuation_token = nullptr;
    return DT_OK;
  });
}

dt_status dt_instance_id_query_init(dt_instance_id_query* query, unsigned int version) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckOut(query, "query"));
    DT_RETURN_IF_ERROR(CheckVersion(version, DT_INSTANCE_ID_QUERY_VERSION, "dt_instance_id_query"));
    InstanceIdQuery defaults;
    query->version = version;
    query->statuses = nullptr;
    query->status_count = 0;
    query->completed_from_unix_ms = 0;
    query->completed_to_unix_ms = 0;
    query->page_size = defaults.page_size;
    query->last_instance_key = nullptr;
    return DT_OK;
  });
}

dt_status dt_purge_filter_init(dt_purge_filter* filter, unsigned int version) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckOut(filter, "filter"));
    DT_RETURN_IF_ERROR(CheckVersion(version, DT_PURGE_FILTER_VERSION, "dt_purge_filter"));
    filter->version = version;
    filter->created_from_unix_ms = 0;
    filter->created_to_unix_ms = 0;
    filter->statuses = nullptr;
    filter->status_count = 0;
    filter->timeout_ms = 0;
    return DT_OK;
  });
}

dt_status dt_signal_entity_options_init(dt_signal_entity_options* options, unsigned int version) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckOut(options, "options"));
    DT_RETURN_IF_ERROR(
        CheckVersion(version, DT_SIGNAL_ENTITY_OPTIONS_VERSION, "dt_signal_entity_options"));
    options->version = version;
    options->input = nullptr;
    options->scheduled_time_unix_ms = 0;
    options->request_id = nullptr;
    return DT_OK;
  });
}

dt_status dt_entity_query_init(dt_entity_query* query, unsigned int version) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckOut(query, "query"));
    DT_RETURN_IF_ERROR(CheckVersion(version, DT_ENTITY_QUERY_VERSION, "dt_entity_query"));
    query->version = version;
    query->instance_id_starts_with = nullptr;
    query->last_modified_from_unix_ms = 0;
    query->last_modified_to_unix_ms = 0;
    query->include_state = 0;
    query->include_transient = 0;
    query->page_size = 0;
    query->continuation_token = nullptr;
    return DT_OK;
  });
}

dt_status dt_clean_entity_storage_options_init(dt_clean_entity_storage_options* options,
                                               unsigned int version) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckOut(options, "options"));
    DT_RETURN_IF_ERROR(CheckVersion(version, DT_CLEAN_ENTITY_STORAGE_OPTIONS_VERSION,
                                    "dt_clean_entity_storage_options"));
    CleanEntityStorageOptions defaults;
    options->version = version;
    options->remove_empty_entities = defaults.remove_empty_entities ? 1 : 0;
    options->release_orphaned_locks = defaults.release_orphaned_locks ? 1 : 0;
    return DT_OK;
  });
}

}  // extern "C"
