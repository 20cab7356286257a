// The values client operations return, behind read-only handles: instances, failures,
// pages, entities, history, and the iterators and streams that produce them.
#include "internal.h"

using namespace durabletask;
using namespace durabletask::capi;

std::unique_ptr<dt_failure> dt_failure::Chain(const std::optional<FailureDetails>& head) {
  if (!head) return nullptr;
  auto first = std::make_unique<dt_failure>();
  first->details = &*head;
  dt_failure* last = first.get();
  for (const FailureDetails* cause = head->inner_failure.get(); cause != nullptr;
       cause = cause->inner_failure.get()) {
    last->inner = std::make_unique<dt_failure>();
    last = last->inner.get();
    last->details = cause;
  }
  return first;
}

dt_instance::dt_instance(OrchestrationMetadata value, bool borrowed)
    : metadata(std::move(value)), borrowed(borrowed) {
  failure = dt_failure::Chain(metadata.failure_details);
  for (auto tag = metadata.tags.cbegin(); tag != metadata.tags.cend(); ++tag) tags.push_back(tag);
}

dt_instance_page::dt_instance_page(Page<OrchestrationMetadata> page)
    : continuation_token(std::move(page.continuation_token)) {
  items.reserve(page.items.size());
  for (auto& item : page.items) {
    items.push_back(std::make_unique<dt_instance>(std::move(item), /*borrowed=*/true));
  }
}

dt_entity_page::dt_entity_page(Page<EntityMetadata> page)
    : continuation_token(std::move(page.continuation_token)) {
  items.reserve(page.items.size());
  for (auto& item : page.items) {
    items.push_back(std::make_unique<dt_entity>(std::move(item), /*borrowed=*/true));
  }
}

dt_history_event::dt_history_event(HistoryEvent value, bool borrowed)
    : event(std::move(value)), borrowed(borrowed) {
  failure = dt_failure::Chain(event.failure_details);
}

dt_history::dt_history(std::vector<HistoryEvent> values) {
  events.reserve(values.size());
  for (auto& value : values) {
    events.push_back(std::make_unique<dt_history_event>(std::move(value), /*borrowed=*/true));
  }
}

namespace {

// A getter: `read` runs only on a valid handle; otherwise `fallback` comes back and the
// last error says why.
template <typename Handle, typename T, typename Reader>
T Read(const Handle* handle, const char* what, T fallback, Reader&& read) {
  return GuardedValue(fallback, [&]() -> T {
    if (!Readable(handle, what)) return fallback;
    return read(*handle);
  });
}

const char* OptionalText(const std::optional<std::string>& text) {
  return text ? text->c_str() : nullptr;
}

// An element of a container, or NULL with DT_OUT_OF_RANGE.
template <typename Container>
auto At(const Container& items, size_t index, const char* what) -> decltype(items[0].get()) {
  if (index >= items.size()) {
    SetError(DT_OUT_OF_RANGE, std::string(what) + " index " + std::to_string(index) +
                                  " is past the end (" + std::to_string(items.size()) + " items)");
    return nullptr;
  }
  return items[index].get();
}

}  // namespace

extern "C" {

// --- Failure ------------------------------------------------------------------------------

const char* dt_failure_error_type(const dt_failure* failure) {
  return Read<dt_failure, const char*>(failure, "failure", nullptr, [](const dt_failure& f) {
    return f.details->error_type.c_str();
  });
}

const char* dt_failure_error_message(const dt_failure* failure) {
  return Read<dt_failure, const char*>(failure, "failure", nullptr, [](const dt_failure& f) {
    return f.details->error_message.c_str();
  });
}

const char* dt_failure_stack_trace(const dt_failure* failure) {
  return Read<dt_failure, const char*>(failure, "failure", nullptr, [](const dt_failure& f) {
    return OptionalText(f.details->stack_trace);
  });
}

int dt_failure_is_non_retriable(const dt_failure* failure) {
  return Read(failure, "failure", 0,
              [](const dt_failure& f) { return f.details->is_non_retriable ? 1 : 0; });
}

const dt_failure* dt_failure_inner(const dt_failure* failure) {
  return Read<dt_failure, const dt_failure*>(failure, "failure", nullptr,
                                             [](const dt_failure& f) { return f.inner.get(); });
}

// --- Instance -----------------------------------------------------------------------------

void dt_instance_free(dt_instance* instance) { FreeOwnedHandle(instance, "instance", "page"); }

const char* dt_instance_name(const dt_instance* instance) {
  return Read<dt_instance, const char*>(
      instance, "instance", nullptr, [](const dt_instance& i) { return i.metadata.name.c_str(); });
}

const char* dt_instance_id(const dt_instance* instance) {
  return Read<dt_instance, const char*>(instance, "instance", nullptr, [](const dt_instance& i) {
    return i.metadata.instance_id.c_str();
  });
}

const char* dt_instance_execution_id(const dt_instance* instance) {
  return Read<dt_instance, const char*>(instance, "instance", nullptr, [](const dt_instance& i) {
    return OptionalText(i.metadata.execution_id);
  });
}

dt_runtime_status dt_instance_runtime_status(const dt_instance* instance) {
  return Read(instance, "instance", DT_RUNTIME_STATUS_INVALID, [](const dt_instance& i) {
    return static_cast<dt_runtime_status>(i.metadata.runtime_status);
  });
}

int64_t dt_instance_created_at(const dt_instance* instance) {
  return Read<dt_instance, int64_t>(instance, "instance", 0, [](const dt_instance& i) {
    return ToUnixMs(i.metadata.created_at);
  });
}

int64_t dt_instance_last_updated_at(const dt_instance* instance) {
  return Read<dt_instance, int64_t>(instance, "instance", 0, [](const dt_instance& i) {
    return ToUnixMs(i.metadata.last_updated_at);
  });
}

int64_t dt_instance_completed_at(const dt_instance* instance) {
  return Read<dt_instance, int64_t>(instance, "instance", 0, [](const dt_instance& i) {
    return ToUnixMs(i.metadata.completed_at);
  });
}

int64_t dt_instance_scheduled_start_at(const dt_instance* instance) {
  return Read<dt_instance, int64_t>(instance, "instance", 0, [](const dt_instance& i) {
    return ToUnixMs(i.metadata.scheduled_start_at);
  });
}

const char* dt_instance_input(const dt_instance* instance) {
  return Read<dt_instance, const char*>(instance, "instance", nullptr, [](const dt_instance& i) {
    return OptionalText(i.metadata.input);
  });
}

const char* dt_instance_output(const dt_instance* instance) {
  return Read<dt_instance, const char*>(instance, "instance", nullptr, [](const dt_instance& i) {
    return OptionalText(i.metadata.output);
  });
}

const char* dt_instance_custom_status(const dt_instance* instance) {
  return Read<dt_instance, const char*>(instance, "instance", nullptr, [](const dt_instance& i) {
    return OptionalText(i.metadata.custom_status);
  });
}

const dt_failure* dt_instance_failure(const dt_instance* instance) {
  return Read<dt_instance, const dt_failure*>(instance, "instance", nullptr,
                                              [](const dt_instance& i) { return i.failure.get(); });
}

size_t dt_instance_tag_count(const dt_instance* instance) {
  return Read<dt_instance, size_t>(instance, "instance", 0,
                                   [](const dt_instance& i) { return i.tags.size(); });
}

dt_status dt_instance_tag_at(const char** name_out, const char** value_out,
                             const dt_instance* instance, size_t index) {
  return Guarded([&] {
    if (name_out != nullptr) *name_out = nullptr;
    if (value_out != nullptr) *value_out = nullptr;
    DT_RETURN_IF_ERROR(CheckHandle(instance, "instance"));
    if (index >= instance->tags.size()) {
      return SetError(DT_OUT_OF_RANGE, "tag index " + std::to_string(index) + " is past the end (" +
                                           std::to_string(instance->tags.size()) + " tags)");
    }
    if (name_out != nullptr) *name_out = instance->tags[index]->first.c_str();
    if (value_out != nullptr) *value_out = instance->tags[index]->second.c_str();
    return DT_OK;
  });
}

const char* dt_instance_tag(const dt_instance* instance, const char* name) {
  return Read<dt_instance, const char*>(instance, "instance", nullptr,
                                        [&](const dt_instance& i) -> const char* {
                                          if (name == nullptr) {
                                            Report(Invalid("tag name must not be NULL"));
                                            return nullptr;
                                          }
                                          auto found = i.metadata.tags.find(name);
                                          if (found == i.metadata.tags.end()) return nullptr;
                                          return found->second.c_str();
                                        });
}

const char* dt_instance_version(const dt_instance* instance) {
  return Read<dt_instance, const char*>(instance, "instance", nullptr, [](const dt_instance& i) {
    return OptionalText(i.metadata.version);
  });
}

const char* dt_instance_parent_instance_id(const dt_instance* instance) {
  return Read<dt_instance, const char*>(instance, "instance", nullptr, [](const dt_instance& i) {
    return OptionalText(i.metadata.parent_instance_id);
  });
}

// --- Pages --------------------------------------------------------------------------------

void dt_instance_page_free(dt_instance_page* page) { FreeHandle(page, "instance page"); }

size_t dt_instance_page_count(const dt_instance_page* page) {
  return Read<dt_instance_page, size_t>(page, "instance page", 0,
                                        [](const dt_instance_page& p) { return p.items.size(); });
}

const dt_instance* dt_instance_page_at(const dt_instance_page* page, size_t index) {
  return Read<dt_instance_page, const dt_instance*>(
      page, "instance page", nullptr,
      [&](const dt_instance_page& p) { return At(p.items, index, "instance page"); });
}

const char* dt_instance_page_continuation_token(const dt_instance_page* page) {
  return Read<dt_instance_page, const char*>(
      page, "instance page", nullptr,
      [](const dt_instance_page& p) { return OptionalText(p.continuation_token); });
}

void dt_instance_id_page_free(dt_instance_id_page* page) { FreeHandle(page, "instance id page"); }

size_t dt_instance_id_page_count(const dt_instance_id_page* page) {
  return Read<dt_instance_id_page, size_t>(
      page, "instance id page", 0,
      [](const dt_instance_id_page& p) { return p.page.items.size(); });
}

const char* dt_instance_id_page_at(const dt_instance_id_page* page, size_t index) {
  return Read<dt_instance_id_page, const char*>(
      page, "instance id page", nullptr, [&](const dt_instance_id_page& p) -> const char* {
        if (index >= p.page.items.size()) {
          SetError(DT_OUT_OF_RANGE, "instance id page index " + std::to_string(index) +
                                        " is past the end (" + std::to_string(p.page.items.size()) +
                                        " items)");
          return nullptr;
        }
        return p.page.items[index].c_str();
      });
}

const char* dt_instance_id_page_continuation_token(const dt_instance_id_page* page) {
  return Read<dt_instance_id_page, const char*>(
      page, "instance id page", nullptr,
      [](const dt_instance_id_page& p) { return OptionalText(p.page.continuation_token); });
}

// --- Entities -----------------------------------------------------------------------------

void dt_entity_free(dt_entity* entity) { FreeOwnedHandle(entity, "entity", "page"); }

const char* dt_entity_id(const dt_entity* entity) {
  return Read<dt_entity, const char*>(
      entity, "entity", nullptr, [](const dt_entity& e) { return e.metadata.instance_id.c_str(); });
}

int64_t dt_entity_last_modified_at(const dt_entity* entity) {
  return Read<dt_entity, int64_t>(entity, "entity", 0, [](const dt_entity& e) {
    return ToUnixMs(e.metadata.last_modified_at);
  });
}

int dt_entity_backlog_queue_size(const dt_entity* entity) {
  return Read(entity, "entity", 0,
              [](const dt_entity& e) { return e.metadata.backlog_queue_size; });
}

const char* dt_entity_locked_by(const dt_entity* entity) {
  return Read<dt_entity, const char*>(entity, "entity", nullptr, [](const dt_entity& e) {
    return OptionalText(e.metadata.locked_by);
  });
}

const char* dt_entity_state(const dt_entity* entity) {
  return Read<dt_entity, const char*>(
      entity, "entity", nullptr, [](const dt_entity& e) { return OptionalText(e.metadata.state); });
}

void dt_entity_page_free(dt_entity_page* page) { FreeHandle(page, "entity page"); }

size_t dt_entity_page_count(const dt_entity_page* page) {
  return Read<dt_entity_page, size_t>(page, "entity page", 0,
                                      [](const dt_entity_page& p) { return p.items.size(); });
}

const dt_entity* dt_entity_page_at(const dt_entity_page* page, size_t index) {
  return Read<dt_entity_page, const dt_entity*>(
      page, "entity page", nullptr,
      [&](const dt_entity_page& p) { return At(p.items, index, "entity page"); });
}

const char* dt_entity_page_continuation_token(const dt_entity_page* page) {
  return Read<dt_entity_page, const char*>(
      page, "entity page", nullptr,
      [](const dt_entity_page& p) { return OptionalText(p.continuation_token); });
}

// --- History ------------------------------------------------------------------------------

void dt_history_event_free(dt_history_event* event) {
  FreeOwnedHandle(event, "history event", "history");
}

int dt_history_event_id(const dt_history_event* event) {
  return Read(event, "history event", 0,
              [](const dt_history_event& e) { return e.event.event_id; });
}

dt_history_event_kind dt_history_event_get_kind(const dt_history_event* event) {
  return Read(event, "history event", DT_HISTORY_EVENT_UNKNOWN, [](const dt_history_event& e) {
    return static_cast<dt_history_event_kind>(e.event.kind);
  });
}

int64_t dt_history_event_timestamp(const dt_history_event* event) {
  return Read<dt_history_event, int64_t>(event, "history event", 0, [](const dt_history_event& e) {
    return ToUnixMs(e.event.timestamp);
  });
}

const char* dt_history_event_name(const dt_history_event* event) {
  return Read<dt_history_event, const char*>(
      event, "history event", nullptr,
      [](const dt_history_event& e) { return e.event.name.c_str(); });
}

const char* dt_history_event_payload(const dt_history_event* event) {
  return Read<dt_history_event, const char*>(
      event, "history event", nullptr,
      [](const dt_history_event& e) { return OptionalText(e.event.payload); });
}

const char* dt_history_event_instance_id(const dt_history_event* event) {
  return Read<dt_history_event, const char*>(
      event, "history event", nullptr,
      [](const dt_history_event& e) { return e.event.instance_id.c_str(); });
}

int dt_history_event_task_scheduled_id(const dt_history_event* event) {
  return Read(event, "history event", 0,
              [](const dt_history_event& e) { return e.event.task_scheduled_id; });
}

int64_t dt_history_event_fire_at(const dt_history_event* event) {
  return Read<dt_history_event, int64_t>(event, "history event", 0, [](const dt_history_event& e) {
    return ToUnixMs(e.event.fire_at);
  });
}

dt_runtime_status dt_history_event_runtime_status(const dt_history_event* event) {
  return Read(event, "history event", DT_RUNTIME_STATUS_INVALID, [](const dt_history_event& e) {
    return e.event.runtime_status ? static_cast<dt_runtime_status>(*e.event.runtime_status)
                                  : DT_RUNTIME_STATUS_INVALID;
  });
}

const dt_failure* dt_history_event_failure(const dt_history_event* event) {
  return Read<dt_history_event, const dt_failure*>(
      event, "history event", nullptr, [](const dt_history_event& e) { return e.failure.get(); });
}

void dt_history_free(dt_history* history) { FreeHandle(history, "history"); }

size_t dt_history_count(const dt_history* history) {
  return Read<dt_history, size_t>(history, "history", 0,
                                  [](const dt_history& h) { return h.events.size(); });
}

const dt_history_event* dt_history_at(const dt_history* history, size_t index) {
  return Read<dt_history, const dt_history_event*>(
      history, "history", nullptr,
      [&](const dt_history& h) { return At(h.events, index, "history"); });
}

// --- Iterators and streams ----------------------------------------------------------------

dt_status dt_instance_iter_next(dt_instance** instance_out, dt_instance_iter* iter) {
  return Guarded([&] {
    if (instance_out != nullptr) *instance_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(instance_out, "instance_out"));
    DT_RETURN_IF_ERROR(CheckHandle(iter, "instance iterator"));
    Result<std::optional<OrchestrationMetadata>> next = iter->pager.Next();
    if (!next.ok()) return Report(next.status());
    if (next->has_value()) *instance_out = new dt_instance(std::move(**next), false);
    return DT_OK;
  });
}

int dt_instance_iter_pages_fetched(const dt_instance_iter* iter) {
  return Read(iter, "instance iterator", 0,
              [](const dt_instance_iter& i) { return i.pager.pages_fetched(); });
}

void dt_instance_iter_free(dt_instance_iter* iter) { FreeHandle(iter, "instance iterator"); }

dt_status dt_instance_id_iter_next(char** id_out, dt_instance_id_iter* iter) {
  return Guarded([&] {
    if (id_out != nullptr) *id_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(id_out, "id_out"));
    DT_RETURN_IF_ERROR(CheckHandle(iter, "instance id iterator"));
    Result<std::optional<std::string>> next = iter->pager.Next();
    if (!next.ok()) return Report(next.status());
    if (next->has_value()) *id_out = CopyOut(**next);
    return DT_OK;
  });
}

int dt_instance_id_iter_pages_fetched(const dt_instance_id_iter* iter) {
  return Read(iter, "instance id iterator", 0,
              [](const dt_instance_id_iter& i) { return i.pager.pages_fetched(); });
}

void dt_instance_id_iter_free(dt_instance_id_iter* iter) {
  FreeHandle(iter, "instance id iterator");
}

dt_status dt_entity_iter_next(dt_entity** entity_out, dt_entity_iter* iter) {
  return Guarded([&] {
    if (entity_out != nullptr) *entity_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(entity_out, "entity_out"));
    DT_RETURN_IF_ERROR(CheckHandle(iter, "entity iterator"));
    Result<std::optional<EntityMetadata>> next = iter->pager.Next();
    if (!next.ok()) return Report(next.status());
    if (next->has_value()) *entity_out = new dt_entity(std::move(**next), false);
    return DT_OK;
  });
}

int dt_entity_iter_pages_fetched(const dt_entity_iter* iter) {
  return Read(iter, "entity iterator", 0,
              [](const dt_entity_iter& i) { return i.pager.pages_fetched(); });
}

void dt_entity_iter_free(dt_entity_iter* iter) { FreeHandle(iter, "entity iterator"); }

dt_status dt_history_stream_next(dt_history_event** event_out, dt_history_stream* stream) {
  return Guarded([&] {
    if (event_out != nullptr) *event_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(event_out, "event_out"));
    DT_RETURN_IF_ERROR(CheckHandle(stream, "history stream"));
    Result<std::optional<HistoryEvent>> next = stream->stream.Next();
    if (!next.ok()) return Report(next.status());
    if (next->has_value()) *event_out = new dt_history_event(std::move(**next), false);
    return DT_OK;
  });
}

void dt_history_stream_free(dt_history_stream* stream) { FreeHandle(stream, "history stream"); }

}  // extern "C"
