/*
 * Calls to a sidecar that is not there: how blocking and asynchronous calls end
 * (unavailable, deadline, cancellation), that callbacks run once on a library thread,
 * and that freeing a client cancels its calls and waits for their callbacks.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define NOWHERE "127.0.0.1:1"

/* A client whose calls fail fast (one attempt) or keep retrying (`patient`). */
static dt_client *client_to_nowhere(int patient, int entities) {
  dt_options *options = tu_options_for(NOWHERE, "offline");
  dt_client *client = NULL;

  if (patient) {
    CHECK_OK(dt_options_set_retry(options, 100000, 20, 20, 1.0));
  } else {
    CHECK_OK(dt_options_set_retry(options, 1, 0, 0, 1.0));
  }
  CHECK_OK(dt_options_set_enable_entity_support(options, entities));
  CHECK_OK(dt_client_create(&client, options));
  dt_options_free(options);
  return client;
}

static void blocking_calls_to_an_absent_sidecar_fail_as_unavailable(void) {
  dt_client *client = client_to_nowhere(0, 1);
  dt_instance *instance = NULL;
  dt_instance_page *page = NULL;
  dt_instance_id_page *id_page = NULL;
  dt_history *history = NULL;
  dt_entity *entity = NULL;
  dt_entity_page *entity_page = NULL;
  char *id = NULL;
  int deleted = -7;
  int complete = -7;
  dt_start_options start;
  dt_purge_filter filter;

  CHECK_ERROR(dt_client_ping(client, NULL), DT_UNAVAILABLE, "Hello failed");
  CHECK_ERROR(dt_client_get_instance(&instance, client, "id-1", 1, NULL), DT_UNAVAILABLE,
              "instance 'id-1' in task hub 'offline'");
  CHECK(instance == NULL);
  CHECK_OK(dt_start_options_init(&start, DT_START_OPTIONS_VERSION));
  start.name = "Echo";
  CHECK_STATUS(dt_client_schedule_new_orchestration(&id, client, &start, NULL), DT_UNAVAILABLE);
  CHECK(id == NULL);
  CHECK_STATUS(dt_client_purge_instance(&deleted, &complete, client, "id-1", 1, NULL),
               DT_UNAVAILABLE);
  CHECK(deleted == 0 && complete == -1);
  CHECK_OK(dt_purge_filter_init(&filter, DT_PURGE_FILTER_VERSION));
  CHECK_STATUS(dt_client_purge_instances(NULL, NULL, client, &filter, NULL), DT_UNAVAILABLE);
  CHECK_STATUS(dt_client_restart_instance(&id, client, "id-1", 1, NULL), DT_UNAVAILABLE);
  CHECK_STATUS(dt_client_rewind_instance(client, "id-1", NULL, NULL), DT_UNAVAILABLE);
  CHECK_STATUS(dt_client_query_instances_page(&page, client, NULL, NULL), DT_UNAVAILABLE);
  CHECK_STATUS(dt_client_list_instance_ids_page(&id_page, client, NULL, NULL), DT_UNAVAILABLE);
  CHECK_STATUS(dt_client_get_history(&history, client, "id-1", NULL), DT_UNAVAILABLE);
  CHECK_STATUS(dt_client_signal_entity(client, "@counter@one", "add", NULL, NULL), DT_UNAVAILABLE);
  CHECK_STATUS(dt_client_get_entity(&entity, client, "@counter@one", 1, NULL), DT_UNAVAILABLE);
  CHECK_STATUS(dt_client_query_entities_page(&entity_page, client, NULL, NULL), DT_UNAVAILABLE);
  CHECK_STATUS(dt_client_clean_entity_storage(NULL, NULL, client, NULL, NULL), DT_UNAVAILABLE);
  CHECK(page == NULL && id_page == NULL && history == NULL && entity == NULL);
  dt_client_free(client);
}

static void a_deadline_already_past_is_exceeded_without_sending(void) {
  dt_client *client = client_to_nowhere(1, 0);
  dt_call_options call;
  tu_waiter waiter;

  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  call.deadline_unix_ms = tu_now_ms() - 1000;
  CHECK_ERROR(dt_client_raise_event(client, "id", "event", NULL, &call), DT_DEADLINE_EXCEEDED,
              "RaiseEvent failed");

  tu_waiter_init(&waiter);
  CHECK_OK(dt_client_ping_async(client, &call, tu_on_done, &waiter));
  CHECK(tu_waiter_wait(&waiter, 10000) == DT_DEADLINE_EXCEEDED);
  tu_waiter_destroy(&waiter);

  /* A timeout shorter than the retries ends them. */
  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  call.timeout_ms = 300;
  CHECK(dt_client_ping(client, &call) != DT_OK);
  CHECK(dt_last_error_code() == DT_DEADLINE_EXCEEDED || dt_last_error_code() == DT_UNAVAILABLE);
  dt_client_free(client);
}

typedef struct delayed_cancel {
  dt_cancellation *cancellation;
  int delay_ms;
} delayed_cancel;

static void *cancel_later(void *argument) {
  delayed_cancel *plan = argument;

  tu_sleep_ms(plan->delay_ms);
  CHECK_OK(dt_cancellation_cancel(plan->cancellation));
  return NULL;
}

static void a_blocking_call_returns_cancelled_when_its_signal_fires(void) {
  dt_client *client = client_to_nowhere(1, 0);
  dt_cancellation *cancellation = NULL;
  dt_call_options call;
  dt_instance *instance = NULL;
  delayed_cancel plan;
  pthread_t canceller;
  int64_t started = tu_now_ms();

  CHECK_OK(dt_cancellation_new(&cancellation));
  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  call.cancellation = cancellation;
  plan.cancellation = cancellation;
  plan.delay_ms = 200;
  CHECK(pthread_create(&canceller, NULL, cancel_later, &plan) == 0);
  CHECK_ERROR(dt_client_wait_for_instance_completion(&instance, client, "id", 0, &call),
              DT_CANCELLED, "WaitForInstanceCompletion failed");
  CHECK(tu_now_ms() - started < 20000);
  pthread_join(canceller, NULL);

  /* Already cancelled: the next call does not start. */
  CHECK_STATUS(dt_client_ping(client, &call), DT_CANCELLED);
  dt_cancellation_free(cancellation);
  dt_client_free(client);
}

static void an_async_call_is_cancelled_by_its_signal_and_completes_once(void) {
  dt_client *client = client_to_nowhere(1, 0);
  dt_cancellation *cancellation = NULL;
  dt_call_options call;
  tu_waiter waiter;

  CHECK_OK(dt_cancellation_new(&cancellation));
  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  call.cancellation = cancellation;
  tu_waiter_init(&waiter);
  CHECK_OK(
      dt_client_wait_for_instance_start_async(client, "id", 1, &call, tu_on_instance, &waiter));
  /* The handle may go while the call it was given to runs. */
  tu_sleep_ms(100);
  CHECK_OK(dt_cancellation_cancel(cancellation));
  dt_cancellation_free(cancellation);
  CHECK(tu_waiter_wait(&waiter, 20000) == DT_CANCELLED);
  CHECK(waiter.instance == NULL);
  tu_waiter_destroy(&waiter);
  dt_client_free(client);
}

/* --- Freeing with calls in flight ------------------------------------------------------------ */

typedef struct completion_count {
  pthread_mutex_t mutex;
  int runs;
  int cancelled;
} completion_count;

static void count(completion_count *counter, dt_status status) {
  pthread_mutex_lock(&counter->mutex);
  counter->runs++;
  if (status == DT_CANCELLED) counter->cancelled++;
  pthread_mutex_unlock(&counter->mutex);
}

static void count_done(void *user_data, dt_status status, const char *message) {
  (void)message;
  count(user_data, status);
}

static void count_instance(void *user_data, dt_status status, const char *message,
                           dt_instance *instance) {
  (void)message;
  dt_instance_free(instance);
  count(user_data, status);
}

static void count_string(void *user_data, dt_status status, const char *message,
                         const char *value) {
  (void)message, (void)value;
  count(user_data, status);
}

static void count_page(void *user_data, dt_status status, const char *message,
                       dt_instance_page *page) {
  (void)message;
  dt_instance_page_free(page);
  count(user_data, status);
}

static void count_history(void *user_data, dt_status status, const char *message,
                          dt_history *history) {
  (void)message;
  dt_history_free(history);
  count(user_data, status);
}

static void count_numbers(void *user_data, dt_status status, const char *message, int first,
                          int second) {
  (void)message, (void)first, (void)second;
  count(user_data, status);
}

static void freeing_a_client_cancels_its_calls_and_waits_for_their_callbacks(void) {
  dt_client *client = client_to_nowhere(1, 1);
  completion_count counter;
  dt_start_options start;
  dt_purge_filter filter;
  int started = 0;
  int runs;
  int i;

  memset(&counter, 0, sizeof counter);
  pthread_mutex_init(&counter.mutex, NULL);
  CHECK_OK(dt_start_options_init(&start, DT_START_OPTIONS_VERSION));
  start.name = "Echo";
  CHECK_OK(dt_purge_filter_init(&filter, DT_PURGE_FILTER_VERSION));
  for (i = 0; i < 4; ++i) {
    CHECK_OK(dt_client_ping_async(client, NULL, count_done, &counter));
    CHECK_OK(dt_client_wait_for_instance_completion_async(client, "id", 1, NULL, count_instance,
                                                          &counter));
    CHECK_OK(
        dt_client_schedule_new_orchestration_async(client, &start, NULL, count_string, &counter));
    CHECK_OK(dt_client_query_instances_page_async(client, NULL, NULL, count_page, &counter));
    CHECK_OK(dt_client_purge_instances_async(client, &filter, NULL, count_numbers, &counter));
    CHECK_OK(dt_client_get_history_async(client, "id", NULL, count_history, &counter));
    CHECK_OK(dt_client_clean_entity_storage_async(client, NULL, NULL, count_numbers, &counter));
    started += 7;
  }
  tu_sleep_ms(100);

  dt_client_free(client);
  pthread_mutex_lock(&counter.mutex);
  runs = counter.runs;
  pthread_mutex_unlock(&counter.mutex);
  CHECK(runs == started);
  /* Nothing more may arrive after the free returned. */
  tu_sleep_ms(300);
  CHECK(counter.runs == started);
  CHECK(counter.cancelled > 0);
  pthread_mutex_destroy(&counter.mutex);
}

static void freeing_a_client_cancels_calls_that_carry_a_signal_of_their_own(void) {
  dt_client *client = client_to_nowhere(1, 0);
  dt_cancellation *kept = NULL;
  dt_cancellation *released = NULL;
  dt_call_options kept_call;
  dt_call_options released_call;
  completion_count counter;
  int i;

  memset(&counter, 0, sizeof counter);
  pthread_mutex_init(&counter.mutex, NULL);
  CHECK_OK(dt_cancellation_new(&kept));
  CHECK_OK(dt_cancellation_new(&released));
  CHECK_OK(dt_call_options_init(&kept_call, DT_CALL_OPTIONS_VERSION));
  kept_call.cancellation = kept;
  CHECK_OK(dt_call_options_init(&released_call, DT_CALL_OPTIONS_VERSION));
  released_call.cancellation = released;
  for (i = 0; i < 3; ++i) {
    CHECK_OK(dt_client_ping_async(client, &kept_call, count_done, &counter));
    CHECK_OK(dt_client_wait_for_instance_start_async(client, "id", 0, &released_call,
                                                     count_instance, &counter));
  }
  /* A signal may go before its calls end; the freeing of the client still reaches them. */
  dt_cancellation_free(released);
  tu_sleep_ms(100);

  dt_client_free(client);
  pthread_mutex_lock(&counter.mutex);
  CHECK(counter.runs == 6 && counter.cancelled == 6);
  pthread_mutex_unlock(&counter.mutex);
  /* The signals were never fired, and firing one now reaches nothing. */
  CHECK(dt_cancellation_is_cancelled(kept) == 0);
  CHECK_OK(dt_cancellation_cancel(kept));
  tu_sleep_ms(100);
  CHECK(counter.runs == 6);
  dt_cancellation_free(kept);
  pthread_mutex_destroy(&counter.mutex);
}

typedef struct first_calls {
  dt_client *client;
  pthread_barrier_t *start;
  completion_count *counter;
} first_calls;

static void *start_first_calls(void *argument) {
  first_calls *plan = argument;
  int i;

  pthread_barrier_wait(plan->start);
  for (i = 0; i < 5; ++i) {
    CHECK_OK(dt_client_ping_async(plan->client, NULL, count_done, plan->counter));
  }
  return NULL;
}

static void threads_may_start_the_first_calls_of_a_client_at_once(void) {
  enum { kRounds = 10, kThreads = 4 };
  completion_count counter;
  int round;

  memset(&counter, 0, sizeof counter);
  pthread_mutex_init(&counter.mutex, NULL);
  for (round = 0; round < kRounds; ++round) {
    pthread_barrier_t start;
    pthread_t threads[kThreads];
    first_calls plan;
    int t;

    plan.client = client_to_nowhere(1, 0);
    plan.start = &start;
    plan.counter = &counter;
    CHECK(pthread_barrier_init(&start, NULL, kThreads) == 0);
    for (t = 0; t < kThreads; ++t) {
      CHECK(pthread_create(&threads[t], NULL, start_first_calls, &plan) == 0);
    }
    for (t = 0; t < kThreads; ++t) pthread_join(threads[t], NULL);
    pthread_barrier_destroy(&start);
    dt_client_free(plan.client);
    pthread_mutex_lock(&counter.mutex);
    CHECK(counter.runs == (round + 1) * kThreads * 5);
    pthread_mutex_unlock(&counter.mutex);
  }
  pthread_mutex_destroy(&counter.mutex);
}

typedef struct self_freeing {
  dt_client *client;
  tu_waiter waiter;
} self_freeing;

static void free_own_client(void *user_data, dt_status status, const char *message) {
  self_freeing *state = user_data;

  dt_client_free(state->client);
  state->client = NULL;
  tu_on_done(&state->waiter, status, message);
}

static void a_callback_may_free_its_own_client(void) {
  self_freeing state;
  completion_count counter;
  dt_call_options short_call;
  int runs = 0;
  int waited;

  memset(&counter, 0, sizeof counter);
  pthread_mutex_init(&counter.mutex, NULL);
  state.client = client_to_nowhere(1, 0);
  tu_waiter_init(&state.waiter);
  /* A second call keeps retrying until the first one's callback frees the client. */
  CHECK_OK(dt_client_wait_for_instance_start_async(state.client, "id", 0, NULL, count_instance,
                                                   &counter));
  CHECK_OK(dt_call_options_init(&short_call, DT_CALL_OPTIONS_VERSION));
  short_call.timeout_ms = 300;
  CHECK_OK(dt_client_ping_async(state.client, &short_call, free_own_client, &state));
  CHECK(tu_waiter_wait(&state.waiter, 20000) != DT_OK);
  CHECK(state.client == NULL);
  tu_waiter_destroy(&state.waiter);
  /* Freed from a callback, the client does not wait: the other call ends soon after. */
  for (waited = 0; waited < 20000 && runs == 0; waited += 10) {
    tu_sleep_ms(10);
    pthread_mutex_lock(&counter.mutex);
    runs = counter.runs;
    pthread_mutex_unlock(&counter.mutex);
  }
  CHECK(runs == 1 && counter.cancelled == 1);
  pthread_mutex_destroy(&counter.mutex);
}

static void calls_without_a_callback_drop_their_outcome(void) {
  dt_client *client = client_to_nowhere(0, 0);
  int i;

  for (i = 0; i < 5; ++i) {
    CHECK_OK(dt_client_raise_event_async(client, "id", "event", "1", NULL, NULL, NULL));
    CHECK_OK(dt_client_get_instance_async(client, "id", 1, NULL, NULL, NULL));
    CHECK_OK(dt_client_query_instances_page_async(client, NULL, NULL, NULL, NULL));
  }
  dt_client_free(client);
}

/* --- Early failures through callbacks -------------------------------------------------------- */

typedef struct expectation {
  const char *call;
  dt_status expected;
  const char *fragment;
} expectation;

static void expect_callback(tu_waiter *waiter, expectation expected) {
  dt_status status = tu_waiter_wait(waiter, 20000);

  if (status != expected.expected || strstr(waiter->message, expected.fragment) == NULL) {
    char detail[1400];

    snprintf(detail, sizeof detail, "completed with %s \"%s\", expected %s mentioning \"%s\"",
             dt_status_name(status), waiter->message, dt_status_name(expected.expected),
             expected.fragment);
    tu_fail(__FILE__, __LINE__, expected.call, detail);
  }
  tu_waiter_destroy(waiter);
  tu_waiter_init(waiter);
}

static void every_async_call_reports_invalid_input_through_its_callback(void) {
  dt_client *client = client_to_nowhere(0, 0);
  dt_client *entities = client_to_nowhere(0, 1);
  dt_cancellation *cancelled = NULL;
  dt_call_options call;
  dt_start_options start;
  dt_instance_query query;
  dt_instance_id_query id_query;
  dt_entity_query entity_query;
  tu_waiter w;
  expectation empty_id = {"", DT_INVALID_ARGUMENT, "instance id must not be empty"};
  expectation no_entities = {"", DT_FAILED_PRECONDITION, "entity support is not enabled"};

  tu_waiter_init(&w);
  CHECK_OK(dt_cancellation_new(&cancelled));
  CHECK_OK(dt_cancellation_cancel(cancelled));
  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  call.cancellation = cancelled;
  CHECK_OK(dt_client_ping_async(client, &call, tu_on_done, &w));
  expect_callback(&w, (expectation){"ping", DT_CANCELLED, "cancelled"});

  CHECK_OK(dt_start_options_init(&start, DT_START_OPTIONS_VERSION));
  start.name = "";
  CHECK_OK(dt_client_schedule_new_orchestration_async(client, &start, NULL, tu_on_string, &w));
  expect_callback(&w, (expectation){"schedule", DT_INVALID_ARGUMENT, "orchestration name"});
  CHECK(w.has_text == 0);

  CHECK_OK(dt_client_get_instance_async(client, "", 0, NULL, tu_on_instance, &w));
  empty_id.call = "get_instance";
  expect_callback(&w, empty_id);
  CHECK_OK(dt_client_wait_for_instance_start_async(client, "", 0, NULL, tu_on_instance, &w));
  empty_id.call = "wait_for_instance_start";
  expect_callback(&w, empty_id);
  CHECK_OK(dt_client_wait_for_instance_completion_async(client, "", 0, NULL, tu_on_instance, &w));
  empty_id.call = "wait_for_instance_completion";
  expect_callback(&w, empty_id);
  CHECK_OK(dt_client_raise_event_async(client, "", "event", NULL, NULL, tu_on_done, &w));
  empty_id.call = "raise_event";
  expect_callback(&w, empty_id);
  CHECK_OK(dt_client_terminate_async(client, "", NULL, NULL, tu_on_done, &w));
  empty_id.call = "terminate";
  expect_callback(&w, empty_id);
  CHECK_OK(dt_client_suspend_async(client, "", "why", NULL, tu_on_done, &w));
  empty_id.call = "suspend";
  expect_callback(&w, empty_id);
  CHECK_OK(dt_client_resume_async(client, "", NULL, NULL, tu_on_done, &w));
  empty_id.call = "resume";
  expect_callback(&w, empty_id);
  CHECK_OK(dt_client_purge_instance_async(client, "", 0, NULL, tu_on_numbers, &w));
  empty_id.call = "purge_instance";
  expect_callback(&w, empty_id);
  CHECK_OK(dt_client_restart_instance_async(client, "", 0, NULL, tu_on_string, &w));
  empty_id.call = "restart_instance";
  expect_callback(&w, empty_id);
  CHECK_OK(dt_client_rewind_instance_async(client, "", NULL, NULL, tu_on_done, &w));
  empty_id.call = "rewind_instance";
  expect_callback(&w, empty_id);
  CHECK_OK(dt_client_get_history_async(client, "", NULL, tu_on_history, &w));
  empty_id.call = "get_history";
  expect_callback(&w, empty_id);

  CHECK_OK(dt_instance_query_init(&query, DT_INSTANCE_QUERY_VERSION));
  query.page_size = -1;
  CHECK_OK(dt_client_query_instances_page_async(client, &query, NULL, tu_on_instance_page, &w));
  expect_callback(&w, (expectation){"query_instances_page", DT_INVALID_ARGUMENT, "page size"});
  CHECK_OK(dt_instance_id_query_init(&id_query, DT_INSTANCE_ID_QUERY_VERSION));
  id_query.page_size = -1;
  CHECK_OK(dt_client_list_instance_ids_page_async(client, &id_query, NULL, tu_on_id_page, &w));
  expect_callback(&w, (expectation){"list_instance_ids_page", DT_INVALID_ARGUMENT, "page size"});

  CHECK_OK(dt_client_signal_entity_async(client, "@counter@a", "add", NULL, NULL, tu_on_done, &w));
  no_entities.call = "signal_entity";
  expect_callback(&w, no_entities);
  CHECK_OK(dt_client_get_entity_async(client, "@counter@a", 0, NULL, tu_on_entity, &w));
  no_entities.call = "get_entity";
  expect_callback(&w, no_entities);
  CHECK_OK(dt_client_query_entities_page_async(client, NULL, NULL, tu_on_entity_page, &w));
  no_entities.call = "query_entities_page";
  expect_callback(&w, no_entities);
  CHECK_OK(dt_client_clean_entity_storage_async(client, NULL, NULL, tu_on_numbers, &w));
  no_entities.call = "clean_entity_storage";
  expect_callback(&w, no_entities);

  CHECK_OK(dt_entity_query_init(&entity_query, DT_ENTITY_QUERY_VERSION));
  entity_query.page_size = -3;
  CHECK_OK(
      dt_client_query_entities_page_async(entities, &entity_query, NULL, tu_on_entity_page, &w));
  expect_callback(&w, (expectation){"query_entities_page", DT_INVALID_ARGUMENT, "page size"});
  /* Input the library checks itself is refused at once, and the callback never runs. */
  CHECK_ERROR(dt_client_purge_instances_async(client, NULL, NULL, tu_on_numbers, &w),
              DT_INVALID_ARGUMENT, "purge filter must not be NULL");

  tu_waiter_destroy(&w);
  dt_cancellation_free(cancelled);
  dt_client_free(entities);
  dt_client_free(client);
}

/* --- Iterators and streams ---------------------------------------------------------------------
 */

static void iterators_and_streams_report_transport_errors_and_outlive_their_client(void) {
  dt_client *client = client_to_nowhere(0, 1);
  dt_instance_iter *instances = NULL;
  dt_instance_id_iter *ids = NULL;
  dt_entity_iter *entities = NULL;
  dt_history_stream *stream = NULL;
  dt_instance *instance = NULL;
  dt_history_event *event = NULL;
  dt_entity *entity = NULL;
  char *id = NULL;
  dt_status opened;

  CHECK_OK(dt_client_query_instances(&instances, client, NULL, NULL));
  CHECK_OK(dt_client_list_instance_ids(&ids, client, NULL, NULL));
  CHECK_OK(dt_client_query_entities(&entities, client, NULL, NULL));
  CHECK(dt_instance_iter_pages_fetched(instances) == 0);
  opened = dt_client_stream_history(&stream, client, "id", NULL);
  dt_client_free(client);

  CHECK_STATUS(dt_instance_iter_next(&instance, instances), DT_UNAVAILABLE);
  CHECK(instance == NULL);
  /* The walk has ended; it reports the end from now on. */
  CHECK_OK(dt_instance_iter_next(&instance, instances));
  CHECK(instance == NULL);
  CHECK_STATUS(dt_instance_id_iter_next(&id, ids), DT_UNAVAILABLE);
  CHECK(id == NULL);
  CHECK(dt_instance_id_iter_pages_fetched(ids) == 0);
  CHECK_STATUS(dt_entity_iter_next(&entity, entities), DT_UNAVAILABLE);
  CHECK(dt_entity_iter_pages_fetched(entities) == 0);
  if (opened == DT_OK) {
    CHECK_STATUS(dt_history_stream_next(&event, stream), DT_UNAVAILABLE);
    CHECK(event == NULL);
  } else {
    CHECK(opened == DT_UNAVAILABLE && stream == NULL);
  }

  dt_history_stream_free(stream);
  dt_entity_iter_free(entities);
  dt_instance_id_iter_free(ids);
  dt_instance_iter_free(instances);
}

int main(void) {
  RUN(blocking_calls_to_an_absent_sidecar_fail_as_unavailable);
  RUN(a_deadline_already_past_is_exceeded_without_sending);
  RUN(a_blocking_call_returns_cancelled_when_its_signal_fires);
  RUN(an_async_call_is_cancelled_by_its_signal_and_completes_once);
  RUN(freeing_a_client_cancels_its_calls_and_waits_for_their_callbacks);
  RUN(freeing_a_client_cancels_calls_that_carry_a_signal_of_their_own);
  RUN(threads_may_start_the_first_calls_of_a_client_at_once);
  RUN(a_callback_may_free_its_own_client);
  RUN(calls_without_a_callback_drop_their_outcome);
  RUN(every_async_call_reports_invalid_input_through_its_callback);
  RUN(iterators_and_streams_report_transport_errors_and_outlive_their_client);
  return 0;
}
