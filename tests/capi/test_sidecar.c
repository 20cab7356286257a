/*
 * Every client operation, blocking and asynchronous, against Microsoft's in-memory
 * sidecar serving several task hubs on one port (tests/sidecar). Operations that sidecar
 * does not serve must come back as DT_UNIMPLEMENTED, not as a crash or a hang.
 *
 * The sidecar comes from DT_SIDECAR_ADDRESS, or is started from DT_SIDECAR_DLL; without
 * either the test is skipped.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const char *address;
static dt_factory *factory;
static dt_client *alpha;
static dt_client *beta;

/* Thirty seconds for anything the sidecar does; a test that needs longer is broken. */
static const dt_call_options *patiently(void) {
  static dt_call_options call;

  dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION);
  call.timeout_ms = 30000;
  return &call;
}

/* Starts an orchestration; returns its id, owned by the caller (dt_string_free). */
static char *start(dt_client *client, const char *name, const char *input,
                   const char *instance_id) {
  dt_start_options options;
  char *id = NULL;

  CHECK_OK(dt_start_options_init(&options, DT_START_OPTIONS_VERSION));
  options.name = name;
  options.input = input;
  options.instance_id = instance_id;
  CHECK_OK(dt_client_schedule_new_orchestration(&id, client, &options, patiently()));
  CHECK(id != NULL);
  return id;
}

static dt_instance *wait_done(dt_client *client, const char *id) {
  dt_instance *instance = NULL;

  CHECK_OK(dt_client_wait_for_instance_completion(&instance, client, id, 1, patiently()));
  CHECK(instance != NULL);
  return instance;
}

static dt_runtime_status status_of(dt_client *client, const char *id) {
  dt_instance *instance = NULL;
  dt_runtime_status status;

  CHECK_OK(dt_client_get_instance(&instance, client, id, 0, patiently()));
  CHECK(instance != NULL);
  status = dt_instance_runtime_status(instance);
  dt_instance_free(instance);
  return status;
}

static int eventually_status(dt_client *client, const char *id, dt_runtime_status wanted) {
  int waited;

  for (waited = 0; waited < 20000; waited += 50) {
    if (status_of(client, id) == wanted) return 1;
    tu_sleep_ms(50);
  }
  return 0;
}

static void terminate(dt_client *client, const char *id) {
  CHECK_OK(dt_client_terminate(client, id, NULL, patiently()));
}

/* --- Scenarios ------------------------------------------------------------------------------ */

static void ping_succeeds_for_a_known_hub_and_is_not_found_for_an_unknown_one(void) {
  dt_client *unknown = NULL;
  tu_waiter waiter;

  CHECK_OK(dt_client_ping(alpha, patiently()));
  tu_waiter_init(&waiter);
  CHECK_OK(dt_client_ping_async(beta, patiently(), tu_on_done, &waiter));
  CHECK(tu_waiter_wait(&waiter, 30000) == DT_OK);
  CHECK_STR(waiter.message, "");
  tu_waiter_destroy(&waiter);

  CHECK_OK(dt_factory_create_client(&unknown, factory, "no-such-hub"));
  CHECK_ERROR(dt_client_ping(unknown, patiently()), DT_NOT_FOUND, "no-such-hub");
  dt_client_free(unknown);
}

static void echo_completes_with_its_input_and_reports_every_field(void) {
  dt_start_options options;
  const char *tag_names[] = {"tier", "team"};
  const char *tag_values[] = {"gold", "payments"};
  const char *name = NULL;
  const char *value = NULL;
  dt_instance *done;
  dt_instance *bare = NULL;
  char *id = NULL;
  int64_t before = tu_now_ms() - 60000;

  CHECK_OK(dt_start_options_init(&options, DT_START_OPTIONS_VERSION));
  options.name = "Echo";
  options.input = "{\"greeting\":\"hello\",\"n\":7}";
  options.tag_names = tag_names;
  options.tag_values = tag_values;
  options.tag_count = 2;
  CHECK_OK(dt_client_schedule_new_orchestration(&id, alpha, &options, patiently()));
  CHECK(strlen(id) == 32);

  done = wait_done(alpha, id);
  CHECK(dt_instance_runtime_status(done) == DT_RUNTIME_STATUS_COMPLETED);
  CHECK_STR(dt_instance_name(done), "Echo");
  CHECK_STR(dt_instance_id(done), id);
  CHECK_STR(dt_instance_input(done), options.input);
  CHECK_STR(dt_instance_output(done), options.input);
  CHECK(dt_instance_custom_status(done) == NULL);
  CHECK(dt_instance_failure(done) == NULL);
  CHECK(dt_instance_parent_instance_id(done) == NULL);
  CHECK(dt_instance_created_at(done) > before);
  CHECK(dt_instance_last_updated_at(done) >= dt_instance_created_at(done));
  CHECK(dt_instance_tag_count(done) == 2);
  CHECK_OK(dt_instance_tag_at(&name, &value, done, 0));
  CHECK_STR(name, "team");
  CHECK_STR(value, "payments");
  CHECK_STR(dt_instance_tag(done, "tier"), "gold");
  CHECK(dt_instance_tag(done, "colour") == NULL);
  CHECK_ERROR(dt_instance_tag_at(&name, &value, done, 2), DT_OUT_OF_RANGE, "past the end");
  (void)dt_instance_execution_id(done);
  (void)dt_instance_completed_at(done);
  (void)dt_instance_scheduled_start_at(done);
  (void)dt_instance_version(done);

  /* Without payloads the sidecar leaves input and output out. */
  CHECK_OK(dt_client_get_instance(&bare, alpha, id, 0, patiently()));
  CHECK(bare != NULL);
  CHECK(dt_instance_output(bare) == NULL);
  CHECK(dt_instance_runtime_status(bare) == DT_RUNTIME_STATUS_COMPLETED);

  dt_instance_free(bare);
  dt_instance_free(done);
  dt_string_free(id);
}

static void async_forms_start_wait_and_fetch_through_their_callbacks(void) {
  dt_start_options options;
  tu_waiter started;
  tu_waiter finished;
  tu_waiter fetched;
  tu_waiter began;

  CHECK_OK(dt_start_options_init(&options, DT_START_OPTIONS_VERSION));
  options.name = "Echo";
  options.input = "\"async payload\"";
  tu_waiter_init(&started);
  CHECK_OK(dt_client_schedule_new_orchestration_async(alpha, &options, patiently(), tu_on_string,
                                                      &started));
  CHECK(tu_waiter_wait(&started, 30000) == DT_OK);
  CHECK(started.has_text && strlen(started.text) == 32);

  tu_waiter_init(&began);
  CHECK_OK(dt_client_wait_for_instance_start_async(alpha, started.text, 0, patiently(),
                                                   tu_on_instance, &began));
  CHECK(tu_waiter_wait(&began, 30000) == DT_OK);
  CHECK(began.instance != NULL);

  tu_waiter_init(&finished);
  CHECK_OK(dt_client_wait_for_instance_completion_async(alpha, started.text, 1, patiently(),
                                                        tu_on_instance, &finished));
  CHECK(tu_waiter_wait(&finished, 30000) == DT_OK);
  CHECK_STR(dt_instance_output(finished.instance), "\"async payload\"");

  tu_waiter_init(&fetched);
  CHECK_OK(
      dt_client_get_instance_async(beta, started.text, 1, patiently(), tu_on_instance, &fetched));
  CHECK(tu_waiter_wait(&fetched, 30000) == DT_OK);
  /* Another hub does not know the instance: not an error, just nothing. */
  CHECK(fetched.instance == NULL);

  tu_waiter_destroy(&fetched);
  tu_waiter_destroy(&finished);
  tu_waiter_destroy(&began);
  tu_waiter_destroy(&started);
}

static void a_raised_event_reaches_the_waiting_orchestration(void) {
  char *blocking = start(alpha, "WaitForEvent", "\"go\"", NULL);
  char *asynchronous = start(alpha, "WaitForEvent", "\"proceed\"", NULL);
  dt_instance *started = NULL;
  dt_instance *done;
  tu_waiter raised;

  CHECK_OK(dt_client_wait_for_instance_start(&started, alpha, blocking, 0, patiently()));
  CHECK(started != NULL);
  dt_instance_free(started);
  CHECK_OK(dt_client_raise_event(alpha, blocking, "go", "{\"ok\":true}", patiently()));
  done = wait_done(alpha, blocking);
  CHECK_STR(dt_instance_output(done), "{\"ok\":true}");
  dt_instance_free(done);

  tu_waiter_init(&raised);
  CHECK_OK(dt_client_raise_event_async(alpha, asynchronous, "proceed", "[1,2,3]", patiently(),
                                       tu_on_done, &raised));
  CHECK(tu_waiter_wait(&raised, 30000) == DT_OK);
  done = wait_done(alpha, asynchronous);
  CHECK_STR(dt_instance_output(done), "[1,2,3]");
  dt_instance_free(done);

  tu_waiter_destroy(&raised);
  dt_string_free(asynchronous);
  dt_string_free(blocking);
}

static void an_instance_of_one_hub_is_invisible_to_another(void) {
  char *id = start(alpha, "Echo", "\"only in alpha\"", NULL);
  dt_instance *done = wait_done(alpha, id);
  dt_instance *from_beta = NULL;

  CHECK_OK(dt_client_get_instance(&from_beta, beta, id, 1, patiently()));
  CHECK(from_beta == NULL);
  dt_instance_free(done);
  dt_string_free(id);
}

static void failures_carry_type_message_stack_and_inner_failure(void) {
  char *id = start(alpha, "Fail", "\"boom 42\"", NULL);
  char *nested = start(alpha, "FailNested", "\"deep\"", NULL);
  dt_instance *failed = wait_done(alpha, id);
  dt_instance *nested_failed = wait_done(alpha, nested);
  const dt_failure *failure;
  int depth = 0;

  CHECK(dt_instance_runtime_status(failed) == DT_RUNTIME_STATUS_FAILED);
  failure = dt_instance_failure(failed);
  CHECK(failure != NULL);
  CHECK(strstr(dt_failure_error_type(failure), "InvalidOperationException") != NULL);
  CHECK(strstr(dt_failure_error_message(failure), "boom 42") != NULL);
  CHECK(dt_failure_stack_trace(failure) != NULL && dt_failure_stack_trace(failure)[0] != '\0');
  (void)dt_failure_is_non_retriable(failure);

  failure = dt_instance_failure(nested_failed);
  CHECK(failure != NULL);
  while (dt_failure_inner(failure) != NULL) {
    failure = dt_failure_inner(failure);
    depth++;
  }
  CHECK(depth >= 1);
  CHECK(strstr(dt_failure_error_message(failure), "deep") != NULL);

  dt_instance_free(nested_failed);
  dt_instance_free(failed);
  dt_string_free(nested);
  dt_string_free(id);
}

static void terminate_ends_a_running_orchestration_with_the_given_output(void) {
  char *id = start(alpha, "RunUntilTerminated", NULL, NULL);
  char *other = start(alpha, "RunUntilTerminated", NULL, NULL);
  dt_instance *started = NULL;
  dt_instance *done;
  dt_terminate_options options;
  tu_waiter terminated;

  CHECK_OK(dt_client_wait_for_instance_start(&started, alpha, id, 0, patiently()));
  dt_instance_free(started);
  CHECK_OK(dt_terminate_options_init(&options, DT_TERMINATE_OPTIONS_VERSION));
  options.output = "\"stopped by test\"";
  options.recursive = 1;
  CHECK_OK(dt_client_terminate(alpha, id, &options, patiently()));
  done = wait_done(alpha, id);
  CHECK(dt_instance_runtime_status(done) == DT_RUNTIME_STATUS_TERMINATED);
  CHECK_STR(dt_instance_output(done), "\"stopped by test\"");
  dt_instance_free(done);

  tu_waiter_init(&terminated);
  CHECK_OK(dt_client_terminate_async(alpha, other, NULL, patiently(), tu_on_done, &terminated));
  CHECK(tu_waiter_wait(&terminated, 30000) == DT_OK);
  done = wait_done(alpha, other);
  CHECK(dt_instance_runtime_status(done) == DT_RUNTIME_STATUS_TERMINATED);
  dt_instance_free(done);

  tu_waiter_destroy(&terminated);
  dt_string_free(other);
  dt_string_free(id);
}

static void suspend_and_resume_change_the_runtime_status(void) {
  char *id = start(alpha, "SetCustomStatus", "{\"stage\":\"waiting\"}", NULL);
  dt_instance *state = NULL;
  dt_instance *done;
  tu_waiter suspended;
  tu_waiter resumed;
  int waited;

  for (waited = 0; waited < 20000; waited += 50) {
    CHECK_OK(dt_client_get_instance(&state, alpha, id, 1, patiently()));
    if (state != NULL && dt_instance_custom_status(state) != NULL) break;
    dt_instance_free(state);
    state = NULL;
    tu_sleep_ms(50);
  }
  CHECK(state != NULL);
  CHECK_STR(dt_instance_custom_status(state), "{\"stage\":\"waiting\"}");
  dt_instance_free(state);

  CHECK_OK(dt_client_suspend(alpha, id, "maintenance", patiently()));
  CHECK(eventually_status(alpha, id, DT_RUNTIME_STATUS_SUSPENDED));
  tu_waiter_init(&resumed);
  CHECK_OK(dt_client_resume_async(alpha, id, "done", patiently(), tu_on_done, &resumed));
  CHECK(tu_waiter_wait(&resumed, 30000) == DT_OK);
  CHECK(eventually_status(alpha, id, DT_RUNTIME_STATUS_RUNNING));

  tu_waiter_init(&suspended);
  CHECK_OK(dt_client_suspend_async(alpha, id, NULL, patiently(), tu_on_done, &suspended));
  CHECK(tu_waiter_wait(&suspended, 30000) == DT_OK);
  CHECK(eventually_status(alpha, id, DT_RUNTIME_STATUS_SUSPENDED));
  CHECK_OK(dt_client_resume(alpha, id, NULL, patiently()));
  CHECK(eventually_status(alpha, id, DT_RUNTIME_STATUS_RUNNING));

  CHECK_OK(dt_client_raise_event(alpha, id, "continue", "null", patiently()));
  done = wait_done(alpha, id);
  CHECK(dt_instance_runtime_status(done) == DT_RUNTIME_STATUS_COMPLETED);
  dt_instance_free(done);
  tu_waiter_destroy(&suspended);
  tu_waiter_destroy(&resumed);
  dt_string_free(id);
}

static void activities_and_sub_orchestrations_deliver_their_results(void) {
  char *greeted = start(alpha, "Greet", "\"Ada\"", NULL);
  char *parent = start(alpha, "Parent", "\"from the parent\"", NULL);
  char *slept = start(alpha, "Sleep", "300", NULL);
  dt_instance *done;

  done = wait_done(alpha, greeted);
  CHECK_STR(dt_instance_output(done), "\"Hello, Ada!\"");
  dt_instance_free(done);
  done = wait_done(alpha, parent);
  CHECK_STR(dt_instance_output(done), "\"from the parent\"");
  dt_instance_free(done);
  done = wait_done(alpha, slept);
  CHECK_STR(dt_instance_output(done), "\"done\"");
  dt_instance_free(done);
  dt_string_free(slept);
  dt_string_free(parent);
  dt_string_free(greeted);
}

static void a_taken_instance_id_is_refused_when_its_status_is_deduplicated(void) {
  dt_start_options options;
  dt_runtime_status dedupe[] = {DT_RUNTIME_STATUS_RUNNING, DT_RUNTIME_STATUS_PENDING};
  const char *id = tu_unique("capi-dedupe");
  char fixed[128];
  char *first;
  dt_instance *started = NULL;

  snprintf(fixed, sizeof fixed, "%s", id);
  first = start(alpha, "RunUntilTerminated", NULL, fixed);
  CHECK_STR(first, fixed);
  CHECK_OK(dt_client_wait_for_instance_start(&started, alpha, fixed, 0, patiently()));
  dt_instance_free(started);

  CHECK_OK(dt_start_options_init(&options, DT_START_OPTIONS_VERSION));
  options.name = "RunUntilTerminated";
  options.instance_id = fixed;
  options.dedupe_statuses = dedupe;
  options.dedupe_status_count = 2;
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, alpha, &options, patiently()),
              DT_ALREADY_EXISTS, fixed);
  terminate(alpha, fixed);
  dt_string_free(first);
}

static void waits_end_at_the_deadline_or_on_cancellation(void) {
  char *id = start(alpha, "RunUntilTerminated", NULL, NULL);
  dt_call_options call;
  dt_cancellation *cancellation = NULL;
  dt_instance *instance = NULL;
  tu_waiter waiter;
  int64_t started = tu_now_ms();

  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  call.timeout_ms = 700;
  CHECK_ERROR(dt_client_wait_for_instance_completion(&instance, alpha, id, 0, &call),
              DT_DEADLINE_EXCEEDED, "WaitForInstanceCompletion");
  CHECK(tu_now_ms() - started >= 650);

  CHECK_OK(dt_cancellation_new(&cancellation));
  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  call.cancellation = cancellation;
  tu_waiter_init(&waiter);
  CHECK_OK(
      dt_client_wait_for_instance_completion_async(alpha, id, 0, &call, tu_on_instance, &waiter));
  tu_sleep_ms(200);
  CHECK_OK(dt_cancellation_cancel(cancellation));
  CHECK(tu_waiter_wait(&waiter, 30000) == DT_CANCELLED);
  tu_waiter_destroy(&waiter);
  dt_cancellation_free(cancellation);
  terminate(alpha, id);
  dt_string_free(id);
}

static void queries_page_through_matching_instances(void) {
  char prefix[64];
  char id[96];
  int i;
  dt_instance_query query;
  dt_instance_page *page = NULL;
  dt_instance_iter *iter = NULL;
  dt_instance *item = NULL;
  dt_runtime_status completed = DT_RUNTIME_STATUS_COMPLETED;
  tu_waiter paged;
  int seen = 0;

  snprintf(prefix, sizeof prefix, "%s-", tu_unique("capi-query"));
  for (i = 0; i < 5; ++i) {
    char *started;

    snprintf(id, sizeof id, "%s%d", prefix, i);
    started = start(alpha, "Echo", "\"listed\"", id);
    dt_instance_free(wait_done(alpha, started));
    dt_string_free(started);
  }

  CHECK_OK(dt_instance_query_init(&query, DT_INSTANCE_QUERY_VERSION));
  query.instance_id_prefix = prefix;
  query.page_size = 2;
  query.statuses = &completed;
  query.status_count = 1;
  query.fetch_inputs_and_outputs = 1;
  query.created_from_unix_ms = tu_now_ms() - 600000;
  CHECK_OK(dt_client_query_instances_page(&page, alpha, &query, patiently()));
  CHECK(dt_instance_page_count(page) == 2);
  CHECK(dt_instance_page_continuation_token(page) != NULL);
  CHECK_STR(dt_instance_output(dt_instance_page_at(page, 0)), "\"listed\"");
  CHECK(dt_instance_page_at(page, 2) == NULL);
  CHECK_LAST_ERROR(DT_OUT_OF_RANGE, "past the end");
  /* Items belong to their page. */
  dt_instance_free((dt_instance *)dt_instance_page_at(page, 0));
  CHECK_LAST_ERROR(DT_INVALID_ARGUMENT, "belongs to its page");

  tu_waiter_init(&paged);
  query.continuation_token = dt_instance_page_continuation_token(page);
  CHECK_OK(dt_client_query_instances_page_async(alpha, &query, patiently(), tu_on_instance_page,
                                                &paged));
  CHECK(tu_waiter_wait(&paged, 30000) == DT_OK);
  CHECK(dt_instance_page_count(paged.instance_page) == 2);
  tu_waiter_destroy(&paged);
  dt_instance_page_free(page);

  query.continuation_token = NULL;
  CHECK_OK(dt_client_query_instances(&iter, alpha, &query, patiently()));
  for (;;) {
    CHECK_OK(dt_instance_iter_next(&item, iter));
    if (item == NULL) break;
    CHECK(strncmp(dt_instance_id(item), prefix, strlen(prefix)) == 0);
    dt_instance_free(item);
    seen++;
  }
  CHECK(seen == 5);
  CHECK(dt_instance_iter_pages_fetched(iter) >= 3);
  dt_instance_iter_free(iter);
}

static void purge_removes_one_instance_or_every_instance_matching_a_filter(void) {
  char *one = start(alpha, "Echo", "1", NULL);
  char *two = start(alpha, "Echo", "2", NULL);
  dt_instance *gone = NULL;
  dt_purge_filter filter;
  dt_runtime_status completed = DT_RUNTIME_STATUS_COMPLETED;
  dt_client *gamma = NULL;
  char *in_gamma;
  int deleted = -1;
  int complete = -2;
  tu_waiter purged;

  dt_instance_free(wait_done(alpha, one));
  dt_instance_free(wait_done(alpha, two));
  CHECK_OK(dt_client_purge_instance(&deleted, &complete, alpha, one, 0, patiently()));
  CHECK(deleted == 1);
  CHECK(complete == -1 || complete == 0 || complete == 1);
  CHECK_OK(dt_client_get_instance(&gone, alpha, one, 0, patiently()));
  CHECK(gone == NULL);

  tu_waiter_init(&purged);
  CHECK_OK(dt_client_purge_instance_async(alpha, two, 1, patiently(), tu_on_numbers, &purged));
  CHECK(tu_waiter_wait(&purged, 30000) == DT_OK);
  CHECK(purged.first_number == 1);
  tu_waiter_destroy(&purged);

  CHECK_OK(dt_factory_create_client(&gamma, factory, "gamma"));
  in_gamma = start(gamma, "Echo", "3", NULL);
  dt_instance_free(wait_done(gamma, in_gamma));
  CHECK_OK(dt_purge_filter_init(&filter, DT_PURGE_FILTER_VERSION));
  filter.statuses = &completed;
  filter.status_count = 1;
  filter.created_from_unix_ms = tu_now_ms() - 600000;
  CHECK_OK(dt_client_purge_instances(&deleted, NULL, gamma, &filter, patiently()));
  CHECK(deleted >= 1);
  tu_waiter_init(&purged);
  CHECK_OK(dt_client_purge_instances_async(gamma, &filter, patiently(), tu_on_numbers, &purged));
  CHECK(tu_waiter_wait(&purged, 30000) == DT_OK);
  CHECK(purged.first_number >= 0);
  tu_waiter_destroy(&purged);

  dt_client_free(gamma);
  dt_string_free(in_gamma);
  dt_string_free(two);
  dt_string_free(one);
}

static void restart_runs_the_instance_again_under_the_same_or_a_new_id(void) {
  char *id = start(alpha, "Echo", "\"again\"", NULL);
  char *same = NULL;
  dt_instance *done;
  tu_waiter restarted;

  dt_instance_free(wait_done(alpha, id));
  CHECK_OK(dt_client_restart_instance(&same, alpha, id, 0, patiently()));
  CHECK_STR(same, id);
  done = wait_done(alpha, id);
  CHECK_STR(dt_instance_output(done), "\"again\"");
  dt_instance_free(done);

  tu_waiter_init(&restarted);
  CHECK_OK(dt_client_restart_instance_async(alpha, id, 1, patiently(), tu_on_string, &restarted));
  CHECK(tu_waiter_wait(&restarted, 30000) == DT_OK);
  CHECK(restarted.has_text && strcmp(restarted.text, id) != 0);
  done = wait_done(alpha, restarted.text);
  CHECK_STR(dt_instance_output(done), "\"again\"");
  dt_instance_free(done);
  tu_waiter_destroy(&restarted);

  CHECK(dt_client_restart_instance(NULL, alpha, "no-such-instance", 0, patiently()) != DT_OK);
  dt_string_free(same);
  dt_string_free(id);
}

static void history_comes_back_whole_or_as_a_stream(void) {
  char *id = start(alpha, "Greet", "\"Grace\"", NULL);
  dt_history *history = NULL;
  dt_history_stream *stream = NULL;
  dt_history_event *event = NULL;
  dt_status whole;
  tu_waiter collected;
  size_t i;

  dt_instance_free(wait_done(alpha, id));
  /* The in-memory sidecar streams no history to clients: empty or unimplemented. */
  whole = dt_client_get_history(&history, alpha, id, patiently());
  CHECK(whole == DT_OK || whole == DT_UNIMPLEMENTED);
  if (whole == DT_OK) {
    for (i = 0; i < dt_history_count(history); ++i) {
      const dt_history_event *item = dt_history_at(history, i);

      CHECK(dt_history_event_get_kind(item) != DT_HISTORY_EVENT_UNKNOWN);
      (void)dt_history_event_id(item), (void)dt_history_event_timestamp(item);
      (void)dt_history_event_name(item), (void)dt_history_event_payload(item);
      (void)dt_history_event_instance_id(item), (void)dt_history_event_task_scheduled_id(item);
      (void)dt_history_event_fire_at(item), (void)dt_history_event_runtime_status(item);
      (void)dt_history_event_failure(item);
    }
    CHECK(dt_history_at(history, dt_history_count(history)) == NULL);
  }
  dt_history_free(history);

  tu_waiter_init(&collected);
  CHECK_OK(dt_client_get_history_async(alpha, id, patiently(), tu_on_history, &collected));
  CHECK(tu_waiter_wait(&collected, 30000) == whole);
  CHECK((collected.history != NULL) == (whole == DT_OK));
  tu_waiter_destroy(&collected);

  CHECK_OK(dt_client_stream_history(&stream, alpha, id, patiently()));
  for (;;) {
    dt_status next = dt_history_stream_next(&event, stream);

    CHECK(next == whole);
    if (next != DT_OK || event == NULL) break;
    dt_history_event_free(event);
  }
  dt_history_stream_free(stream);
  dt_string_free(id);
}

static void operations_the_sidecar_lacks_return_unimplemented(void) {
  char *id = start(alpha, "Fail", "\"for rewind\"", NULL);
  dt_options *options = tu_options_for(address, "alpha");
  dt_client *entities = NULL;
  dt_instance_id_page *ids = NULL;
  dt_instance_id_iter *id_iter = NULL;
  dt_entity *entity = NULL;
  dt_entity_page *entity_page = NULL;
  dt_entity_iter *entity_iter = NULL;
  char *next_id = NULL;
  int removed = -1;
  tu_waiter w;

  dt_instance_free(wait_done(alpha, id));
  CHECK_STATUS(dt_client_rewind_instance(alpha, id, "why", patiently()), DT_UNIMPLEMENTED);
  tu_waiter_init(&w);
  CHECK_OK(dt_client_rewind_instance_async(alpha, id, NULL, patiently(), tu_on_done, &w));
  CHECK(tu_waiter_wait(&w, 30000) == DT_UNIMPLEMENTED);
  tu_waiter_destroy(&w);

  CHECK_STATUS(dt_client_list_instance_ids_page(&ids, alpha, NULL, patiently()), DT_UNIMPLEMENTED);
  tu_waiter_init(&w);
  CHECK_OK(dt_client_list_instance_ids_page_async(alpha, NULL, patiently(), tu_on_id_page, &w));
  CHECK(tu_waiter_wait(&w, 30000) == DT_UNIMPLEMENTED);
  CHECK(w.id_page == NULL);
  tu_waiter_destroy(&w);
  CHECK_OK(dt_client_list_instance_ids(&id_iter, alpha, NULL, patiently()));
  CHECK_STATUS(dt_instance_id_iter_next(&next_id, id_iter), DT_UNIMPLEMENTED);
  dt_instance_id_iter_free(id_iter);

  CHECK_OK(dt_options_set_enable_entity_support(options, 1));
  CHECK_OK(dt_client_create(&entities, options));
  CHECK_STATUS(dt_client_signal_entity(entities, "@counter@one", "add", NULL, patiently()),
               DT_UNIMPLEMENTED);
  CHECK_STATUS(dt_client_get_entity(&entity, entities, "@counter@one", 1, patiently()),
               DT_UNIMPLEMENTED);
  CHECK_STATUS(dt_client_query_entities_page(&entity_page, entities, NULL, patiently()),
               DT_UNIMPLEMENTED);
  CHECK_OK(dt_client_query_entities(&entity_iter, entities, NULL, patiently()));
  CHECK_STATUS(dt_entity_iter_next(&entity, entity_iter), DT_UNIMPLEMENTED);
  dt_entity_iter_free(entity_iter);
  CHECK_STATUS(dt_client_clean_entity_storage(&removed, NULL, entities, NULL, patiently()),
               DT_UNIMPLEMENTED);
  CHECK(removed == 0);

  tu_waiter_init(&w);
  CHECK_OK(dt_client_signal_entity_async(entities, "@counter@one", "add", NULL, patiently(),
                                         tu_on_done, &w));
  CHECK(tu_waiter_wait(&w, 30000) == DT_UNIMPLEMENTED);
  tu_waiter_destroy(&w);
  tu_waiter_init(&w);
  CHECK_OK(dt_client_get_entity_async(entities, "@counter@one", 0, patiently(), tu_on_entity, &w));
  CHECK(tu_waiter_wait(&w, 30000) == DT_UNIMPLEMENTED);
  tu_waiter_destroy(&w);
  tu_waiter_init(&w);
  CHECK_OK(dt_client_query_entities_page_async(entities, NULL, patiently(), tu_on_entity_page, &w));
  CHECK(tu_waiter_wait(&w, 30000) == DT_UNIMPLEMENTED);
  tu_waiter_destroy(&w);
  tu_waiter_init(&w);
  CHECK_OK(dt_client_clean_entity_storage_async(entities, NULL, patiently(), tu_on_numbers, &w));
  CHECK(tu_waiter_wait(&w, 30000) == DT_UNIMPLEMENTED);
  tu_waiter_destroy(&w);

  dt_client_free(entities);
  dt_options_free(options);
  dt_string_free(id);
}

/* --- Factory, provider, caching, health, credentials -------------------------------------------
 */

static void the_factory_provider_and_cache_reach_hubs_named_at_run_time(void) {
  dt_factory_builder *builder = NULL;
  dt_options *base = tu_options_for(address, "");
  dt_provider *provider = NULL;
  dt_caching_factory *cache = NULL;
  dt_client *client = NULL;
  dt_health_report *report = NULL;
  dt_metrics *metrics = NULL;
  const char *dynamic = tu_unique("capi-tenant");
  char hub[128];

  snprintf(hub, sizeof hub, "%s", dynamic);
  CHECK_OK(dt_factory_builder_new(&builder));
  CHECK_OK(dt_factory_builder_use_grpc(builder, base));
  CHECK_OK(dt_factory_builder_add_client(builder, "alpha"));
  CHECK_OK(dt_factory_builder_add_client(builder, "beta"));
  CHECK_OK(dt_factory_builder_build_provider(&provider, builder));
  CHECK_OK(dt_provider_get_client(&client, provider, "beta"));
  CHECK_OK(dt_client_ping(client, patiently()));
  CHECK_OK(dt_provider_get_client(&client, provider, "alpha"));
  CHECK_OK(dt_client_ping(client, patiently()));
  dt_provider_free(provider);

  CHECK_OK(dt_caching_factory_new(&cache, factory, 8, 60000));
  CHECK_OK(dt_caching_factory_get_client(&client, cache, hub));
  CHECK_STR(dt_client_task_hub(client), hub);
  CHECK_OK(dt_client_ping(client, patiently()));
  dt_client_free(client);
  dt_caching_factory_free(cache);

  CHECK_OK(dt_factory_check_health(&report, factory, "gamma", 10000));
  CHECK(dt_health_report_state(report) == DT_HEALTH_REACHABLE);
  CHECK_STR(dt_health_report_reason(report), "");
  dt_health_report_free(report);
  CHECK_OK(dt_factory_check_health(&report, factory, "not-a-hub", 10000));
  CHECK(dt_health_report_state(report) == DT_HEALTH_NOT_FOUND);
  dt_health_report_free(report);

  CHECK_OK(dt_factory_metrics(&metrics, factory));
  CHECK(dt_metrics_calls(metrics, "Hello", "ok") >= 2);
  CHECK(dt_metrics_calls(metrics, "StartInstance", "ok") >= 1);
  dt_metrics_free(metrics);

  dt_factory_builder_free(builder);
  dt_options_free(base);
}

static dt_status sidecar_token(void *user_data, dt_token_result *result) {
  (*(int *)user_data)++;
  return dt_token_result_set(result, "test-token", 0);
}

static void credentials_travel_with_calls_the_sidecar_ignores_them(void) {
  dt_options *options = tu_options_for(address, "alpha");
  dt_client *client = NULL;
  int calls = 0;

  CHECK_OK(dt_options_set_allow_insecure_credentials(options, 1));
  CHECK_OK(dt_options_set_bearer_token(options, "static-token"));
  CHECK_OK(dt_options_set_user_agent_suffix(options, "capi-test/1"));
  CHECK_OK(dt_client_create(&client, options));
  CHECK_OK(dt_client_ping(client, patiently()));
  dt_client_free(client);
  dt_options_free(options);

  options = tu_options_for(address, "alpha");
  CHECK_OK(dt_options_set_allow_insecure_credentials(options, 1));
  CHECK_OK(dt_options_set_token_provider(options, sidecar_token, &calls, NULL));
  CHECK_OK(dt_client_create(&client, options));
  CHECK_OK(dt_client_ping(client, patiently()));
  CHECK_OK(dt_client_ping(client, patiently()));
  CHECK(calls == 1);
  dt_client_free(client);
  dt_options_free(options);
}

static void freeing_a_client_ends_its_waits_before_returning(void) {
  char *id = start(alpha, "RunUntilTerminated", NULL, NULL);
  dt_client *client = NULL;
  tu_waiter waiters[3];
  int i;

  CHECK_OK(dt_factory_create_client(&client, factory, "alpha"));
  for (i = 0; i < 3; ++i) {
    tu_waiter_init(&waiters[i]);
    CHECK_OK(dt_client_wait_for_instance_completion_async(client, id, 1, NULL, tu_on_instance,
                                                          &waiters[i]));
  }
  /* Fire and forget: the outcome is dropped. */
  CHECK_OK(dt_client_raise_event_async(client, id, "ignored", "1", NULL, NULL, NULL));
  tu_sleep_ms(200);
  dt_client_free(client);
  for (i = 0; i < 3; ++i) {
    CHECK(waiters[i].fired == 1);
    CHECK(waiters[i].status == DT_CANCELLED);
    tu_waiter_destroy(&waiters[i]);
  }
  terminate(alpha, id);
  dt_string_free(id);
}

int main(void) {
  dt_factory_builder *builder = NULL;
  dt_options *base = NULL;

  address = tu_sidecar_address();
  if (address == NULL) {
    printf("no sidecar: set DT_SIDECAR_ADDRESS, or DT_SIDECAR_DLL to start one\n");
    return TU_SKIP;
  }
  base = tu_options_for(address, "");
  CHECK_OK(dt_factory_builder_new(&builder));
  CHECK_OK(dt_factory_builder_use_grpc(builder, base));
  CHECK_OK(dt_factory_builder_build_factory(&factory, builder));
  CHECK_OK(dt_factory_create_client(&alpha, factory, "alpha"));
  CHECK_OK(dt_factory_create_client(&beta, factory, "beta"));

  RUN(ping_succeeds_for_a_known_hub_and_is_not_found_for_an_unknown_one);
  RUN(echo_completes_with_its_input_and_reports_every_field);
  RUN(async_forms_start_wait_and_fetch_through_their_callbacks);
  RUN(a_raised_event_reaches_the_waiting_orchestration);
  RUN(an_instance_of_one_hub_is_invisible_to_another);
  RUN(failures_carry_type_message_stack_and_inner_failure);
  RUN(terminate_ends_a_running_orchestration_with_the_given_output);
  RUN(suspend_and_resume_change_the_runtime_status);
  RUN(activities_and_sub_orchestrations_deliver_their_results);
  RUN(a_taken_instance_id_is_refused_when_its_status_is_deduplicated);
  RUN(waits_end_at_the_deadline_or_on_cancellation);
  RUN(queries_page_through_matching_instances);
  RUN(purge_removes_one_instance_or_every_instance_matching_a_filter);
  RUN(restart_runs_the_instance_again_under_the_same_or_a_new_id);
  RUN(history_comes_back_whole_or_as_a_stream);
  RUN(operations_the_sidecar_lacks_return_unimplemented);
  RUN(the_factory_provider_and_cache_reach_hubs_named_at_run_time);
  RUN(credentials_travel_with_calls_the_sidecar_ignores_them);
  RUN(freeing_a_client_ends_its_waits_before_returning);

  dt_client_free(beta);
  dt_client_free(alpha);
  dt_factory_free(factory);
  dt_factory_builder_free(builder);
  dt_options_free(base);
  tu_sidecar_stop();
  return 0;
}
