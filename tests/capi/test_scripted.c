/*
 * What Microsoft's in-memory sidecar does not serve, against a sidecar that answers from
 * a script (scripted_sidecar.cc, named by DT_SCRIPTED_SIDECAR): instance id listings,
 * entities, history, and instance metadata with every field filled in.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* The script's time for every "last modified" and "completed", in Unix milliseconds. */
#define SCRIPTED_MS 1700000000000LL

static dt_client *client;

static void check_full_failure(const dt_failure *failure) {
  const dt_failure *cause;

  CHECK(failure != NULL);
  CHECK_STR(dt_failure_error_type(failure), "System.InvalidOperationException");
  CHECK_STR(dt_failure_error_message(failure), "outer failure");
  CHECK_STR(dt_failure_stack_trace(failure), "at Outer()");
  CHECK(dt_failure_is_non_retriable(failure) == 1);
  cause = dt_failure_inner(failure);
  CHECK(cause != NULL);
  CHECK_STR(dt_failure_error_type(cause), "System.IO.IOException");
  CHECK_STR(dt_failure_error_message(cause), "root cause");
  CHECK(dt_failure_stack_trace(cause) == NULL);
  CHECK(dt_failure_is_non_retriable(cause) == 0);
  CHECK(dt_failure_inner(cause) == NULL);
}

static void every_instance_field_the_sidecar_reports_is_readable(void) {
  dt_instance *instance = NULL;
  const char *name = NULL;
  const char *value = NULL;

  CHECK_OK(dt_client_get_instance(&instance, client, "rich", 1, NULL));
  CHECK(instance != NULL);
  CHECK_STR(dt_instance_id(instance), "rich");
  CHECK_STR(dt_instance_name(instance), "Rich");
  CHECK_STR(dt_instance_version(instance), "2.0");
  CHECK(dt_instance_runtime_status(instance) == DT_RUNTIME_STATUS_FAILED);
  CHECK(dt_instance_scheduled_start_at(instance) == SCRIPTED_MS - 60000);
  CHECK(dt_instance_created_at(instance) == SCRIPTED_MS - 50000);
  CHECK(dt_instance_last_updated_at(instance) == SCRIPTED_MS - 10000);
  CHECK(dt_instance_completed_at(instance) == SCRIPTED_MS);
  CHECK_STR(dt_instance_input(instance), "{\"in\":1}");
  CHECK_STR(dt_instance_output(instance), "{\"out\":2}");
  CHECK_STR(dt_instance_custom_status(instance), "\"step 3\"");
  CHECK_STR(dt_instance_execution_id(instance), "execution-1");
  CHECK_STR(dt_instance_parent_instance_id(instance), "parent-1");
  CHECK(dt_instance_tag_count(instance) == 1);
  CHECK_OK(dt_instance_tag_at(&name, &value, instance, 0));
  CHECK_STR(name, "owner");
  CHECK_STR(value, "capi");
  check_full_failure(dt_instance_failure(instance));
  dt_instance_free(instance);

  /* Without payloads the script leaves them out, and the getters say so. */
  CHECK_OK(dt_client_get_instance(&instance, client, "rich", 0, NULL));
  CHECK(dt_instance_input(instance) == NULL && dt_instance_custom_status(instance) == NULL);
  dt_instance_free(instance);
}

static void instance_ids_are_listed_page_by_page(void) {
  dt_instance_id_page *page = NULL;
  dt_instance_id_iter *iter = NULL;
  dt_instance_id_query query;
  dt_runtime_status completed = DT_RUNTIME_STATUS_COMPLETED;
  tu_waiter next_page;
  char *id = NULL;
  char seen[64] = "";

  CHECK_OK(dt_instance_id_query_init(&query, DT_INSTANCE_ID_QUERY_VERSION));
  query.statuses = &completed;
  query.status_count = 1;
  query.completed_from_unix_ms = SCRIPTED_MS;
  query.page_size = 2;
  CHECK_OK(dt_client_list_instance_ids_page(&page, client, &query, NULL));
  CHECK(dt_instance_id_page_count(page) == 2);
  CHECK_STR(dt_instance_id_page_at(page, 0), "done-1");
  CHECK_STR(dt_instance_id_page_at(page, 1), "done-2");
  CHECK(dt_instance_id_page_at(page, 2) == NULL);
  CHECK_LAST_ERROR(DT_OUT_OF_RANGE, "past the end");
  CHECK_STR(dt_instance_id_page_continuation_token(page), "after-2");

  tu_waiter_init(&next_page);
  query.last_instance_key = dt_instance_id_page_continuation_token(page);
  CHECK_OK(dt_client_list_instance_ids_page_async(client, &query, NULL, tu_on_id_page, &next_page));
  CHECK(tu_waiter_wait(&next_page, 20000) == DT_OK);
  CHECK(dt_instance_id_page_count(next_page.id_page) == 1);
  CHECK_STR(dt_instance_id_page_at(next_page.id_page, 0), "done-3");
  CHECK(dt_instance_id_page_continuation_token(next_page.id_page) == NULL);
  tu_waiter_destroy(&next_page);
  dt_instance_id_page_free(page);

  query.last_instance_key = NULL;
  CHECK_OK(dt_client_list_instance_ids(&iter, client, &query, NULL));
  for (;;) {
    CHECK_OK(dt_instance_id_iter_next(&id, iter));
    if (id == NULL) break;
    strcat(seen, id);
    strcat(seen, ";");
    dt_string_free(id);
  }
  CHECK_STR(seen, "done-1;done-2;done-3;");
  CHECK(dt_instance_id_iter_pages_fetched(iter) == 2);
  dt_instance_id_iter_free(iter);
}

static void check_entity(const dt_entity *entity, const char *id, int with_state) {
  CHECK_STR(dt_entity_id(entity), id);
  CHECK(dt_entity_last_modified_at(entity) == SCRIPTED_MS);
  CHECK(dt_entity_backlog_queue_size(entity) == 3);
  CHECK_STR(dt_entity_locked_by(entity), "orchestration-7");
  CHECK_STR(dt_entity_state(entity), with_state ? "5" : NULL);
}

static void entities_are_signalled_read_queried_and_cleaned(void) {
  dt_entity *entity = NULL;
  dt_entity_page *page = NULL;
  dt_entity_iter *iter = NULL;
  dt_entity_query query;
  dt_signal_entity_options signal;
  dt_clean_entity_storage_options clean;
  tu_waiter w;
  int removed = -1;
  int released = -1;
  int count = 0;

  CHECK_OK(dt_signal_entity_options_init(&signal, DT_SIGNAL_ENTITY_OPTIONS_VERSION));
  signal.input = "1";
  signal.scheduled_time_unix_ms = SCRIPTED_MS;
  signal.request_id = "request-1";
  CHECK_OK(dt_client_signal_entity(client, "@counter@one", "add", &signal, NULL));
  tu_waiter_init(&w);
  CHECK_OK(
      dt_client_signal_entity_async(client, "@counter@one", "add", NULL, NULL, tu_on_done, &w));
  CHECK(tu_waiter_wait(&w, 20000) == DT_OK);
  tu_waiter_destroy(&w);

  CHECK_OK(dt_client_get_entity(&entity, client, "@counter@one", 1, NULL));
  check_entity(entity, "@counter@one", 1);
  dt_entity_free(entity);
  CHECK_OK(dt_client_get_entity(&entity, client, "@counter@none", 1, NULL));
  CHECK(entity == NULL);
  tu_waiter_init(&w);
  CHECK_OK(dt_client_get_entity_async(client, "@counter@one", 0, NULL, tu_on_entity, &w));
  CHECK(tu_waiter_wait(&w, 20000) == DT_OK);
  check_entity(w.entity, "@counter@one", 0);
  tu_waiter_destroy(&w);

  CHECK_OK(dt_entity_query_init(&query, DT_ENTITY_QUERY_VERSION));
  query.instance_id_starts_with = "@counter@";
  query.include_state = 1;
  query.page_size = 2;
  query.last_modified_from_unix_ms = SCRIPTED_MS - 1000;
  CHECK_OK(dt_client_query_entities_page(&page, client, &query, NULL));
  CHECK(dt_entity_page_count(page) == 2);
  check_entity(dt_entity_page_at(page, 0), "@counter@one", 1);
  check_entity(dt_entity_page_at(page, 1), "@counter@two", 1);
  CHECK(dt_entity_page_at(page, 2) == NULL);
  CHECK_LAST_ERROR(DT_OUT_OF_RANGE, "past the end");
  CHECK_STR(dt_entity_page_continuation_token(page), "page-2");
  /* Entities belong to their page. */
  dt_entity_free((dt_entity *)dt_entity_page_at(page, 0));
  CHECK_LAST_ERROR(DT_INVALID_ARGUMENT, "belongs to its page");

  tu_waiter_init(&w);
  query.continuation_token = dt_entity_page_continuation_token(page);
  CHECK_OK(dt_client_query_entities_page_async(client, &query, NULL, tu_on_entity_page, &w));
  CHECK(tu_waiter_wait(&w, 20000) == DT_OK);
  CHECK(dt_entity_page_count(w.entity_page) == 1);
  CHECK(dt_entity_page_continuation_token(w.entity_page) == NULL);
  tu_waiter_destroy(&w);
  dt_entity_page_free(page);

  query.continuation_token = NULL;
  CHECK_OK(dt_client_query_entities(&iter, client, &query, NULL));
  for (;;) {
    CHECK_OK(dt_entity_iter_next(&entity, iter));
    if (entity == NULL) break;
    count++;
    dt_entity_free(entity);
  }
  CHECK(count == 3);
  CHECK(dt_entity_iter_pages_fetched(iter) == 2);
  dt_entity_iter_free(iter);

  /* The clean-up is repeated while the sidecar hands back a token; totals come back. */
  CHECK_OK(dt_clean_entity_storage_options_init(&clean, DT_CLEAN_ENTITY_STORAGE_OPTIONS_VERSION));
  clean.release_orphaned_locks = 0;
  CHECK_OK(dt_client_clean_entity_storage(&removed, &released, client, &clean, NULL));
  CHECK(removed == 3 && released == 1);
  tu_waiter_init(&w);
  CHECK_OK(dt_client_clean_entity_storage_async(client, NULL, NULL, tu_on_numbers, &w));
  CHECK(tu_waiter_wait(&w, 20000) == DT_OK);
  CHECK(w.first_number == 3 && w.second_number == 1);
  tu_waiter_destroy(&w);
}

static void check_history_event(const dt_history_event *event, int index) {
  switch (index) {
    case 0:
      CHECK(dt_history_event_get_kind(event) == DT_HISTORY_EVENT_EXECUTION_STARTED);
      CHECK(dt_history_event_id(event) == -1);
      CHECK(dt_history_event_timestamp(event) == SCRIPTED_MS - 50000);
      CHECK_STR(dt_history_event_name(event), "Sample");
      CHECK_STR(dt_history_event_payload(event), "\"in\"");
      CHECK(dt_history_event_failure(event) == NULL);
      break;
    case 1:
      CHECK(dt_history_event_get_kind(event) == DT_HISTORY_EVENT_TASK_SCHEDULED);
      CHECK_STR(dt_history_event_name(event), "SayHello");
      CHECK(dt_history_event_payload(event) == NULL);
      break;
    case 2:
      CHECK(dt_history_event_get_kind(event) == DT_HISTORY_EVENT_TASK_FAILED);
      CHECK(dt_history_event_task_scheduled_id(event) == 0);
      check_full_failure(dt_history_event_failure(event));
      break;
    case 3:
      CHECK(dt_history_event_get_kind(event) == DT_HISTORY_EVENT_TIMER_CREATED);
      CHECK(dt_history_event_fire_at(event) == SCRIPTED_MS);
      CHECK_STR(dt_history_event_instance_id(event), "");
      break;
    case 4:
      CHECK(dt_history_event_get_kind(event) == DT_HISTORY_EVENT_EXECUTION_COMPLETED);
      CHECK(dt_history_event_runtime_status(event) == DT_RUNTIME_STATUS_FAILED);
      check_full_failure(dt_history_event_failure(event));
      break;
    default:
      CHECK(!"more history events than the script has");
  }
}

static void history_is_read_whole_or_streamed_event_by_event(void) {
  dt_history *history = NULL;
  dt_history_stream *stream = NULL;
  dt_history_event *event = NULL;
  tu_waiter w;
  int index;

  CHECK_OK(dt_client_get_history(&history, client, "with-history", NULL));
  CHECK(dt_history_count(history) == 5);
  for (index = 0; index < 5; ++index) check_history_event(dt_history_at(history, index), index);
  CHECK(dt_history_event_runtime_status(dt_history_at(history, 0)) == DT_RUNTIME_STATUS_INVALID);
  dt_history_event_free((dt_history_event *)dt_history_at(history, 0));
  CHECK_LAST_ERROR(DT_INVALID_ARGUMENT, "belongs to its history");
  dt_history_free(history);

  tu_waiter_init(&w);
  CHECK_OK(dt_client_get_history_async(client, "with-history", NULL, tu_on_history, &w));
  CHECK(tu_waiter_wait(&w, 20000) == DT_OK);
  CHECK(dt_history_count(w.history) == 5);
  tu_waiter_destroy(&w);

  CHECK_OK(dt_client_stream_history(&stream, client, "with-history", NULL));
  for (index = 0;; ++index) {
    CHECK_OK(dt_history_stream_next(&event, stream));
    if (event == NULL) break;
    check_history_event(event, index);
    dt_history_event_free(event);
  }
  CHECK(index == 5);
  dt_history_stream_free(stream);

  CHECK_ERROR(dt_client_get_history(&history, client, "without-history", NULL), DT_NOT_FOUND,
              "no history for this instance");
  CHECK(history == NULL);
}

int main(void) {
  const char *program = getenv("DT_SCRIPTED_SIDECAR");
  const char *address;
  dt_options *options = NULL;
  char *argv[2];

  if (program == NULL || program[0] == '\0') {
    printf("DT_SCRIPTED_SIDECAR is not set\n");
    return TU_SKIP;
  }
  argv[0] = (char *)program;
  argv[1] = NULL;
  address = tu_start_server(argv);
  CHECK(address != NULL);
  options = tu_options_for(address, "scripted");
  CHECK_OK(dt_options_set_enable_entity_support(options, 1));
  CHECK_OK(dt_client_create(&client, options));

  RUN(every_instance_field_the_sidecar_reports_is_readable);
  RUN(instance_ids_are_listed_page_by_page);
  RUN(entities_are_signalled_read_queried_and_cleaned);
  RUN(history_is_read_whole_or_streamed_event_by_event);

  dt_client_free(client);
  dt_options_free(options);
  tu_sidecar_stop();
  return 0;
}
