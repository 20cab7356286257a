/*
 * Bad input, each case with its code and a readable message. No sidecar is needed: every
 * case is refused before anything is sent.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* Nothing listens here; the cases below never get as far as connecting. */
#define NOWHERE "127.0.0.1:1"

static dt_client *offline_client(void) {
  dt_options *options = tu_options_for(NOWHERE, "errors");
  dt_client *client = NULL;

  CHECK_OK(dt_options_set_retry(options, 1, 0, 0, 1.0));
  CHECK_OK(dt_client_create(&client, options));
  dt_options_free(options);
  return client;
}

static int callback_runs;

static void count_done(void *user_data, dt_status status, const char *message) {
  (void)user_data, (void)status, (void)message;
  callback_runs++;
}

static void null_handles_are_refused_with_invalid_argument(void) {
  dt_instance *instance = NULL;
  dt_client *client = NULL;
  dt_history_event *event = NULL;

  CHECK_ERROR(dt_client_ping(NULL, NULL), DT_INVALID_ARGUMENT, "client must not be NULL");
  CHECK_ERROR(dt_client_ping_async(NULL, NULL, count_done, NULL), DT_INVALID_ARGUMENT,
              "client must not be NULL");
  CHECK_ERROR(dt_client_get_instance(&instance, NULL, "id", 0, NULL), DT_INVALID_ARGUMENT,
              "client");
  CHECK(instance == NULL);
  CHECK_ERROR(dt_client_raise_event(NULL, "id", "event", NULL, NULL), DT_INVALID_ARGUMENT,
              "client");
  CHECK_ERROR(dt_factory_create_client(&client, NULL, "hub"), DT_INVALID_ARGUMENT,
              "factory must not be NULL");
  CHECK_ERROR(dt_factory_builder_use_grpc(NULL, NULL), DT_INVALID_ARGUMENT, "builder");
  CHECK_ERROR(dt_options_set_address(NULL, "localhost:1"), DT_INVALID_ARGUMENT,
              "options must not be NULL");
  CHECK_ERROR(dt_cancellation_cancel(NULL), DT_INVALID_ARGUMENT, "cancellation");
  CHECK_ERROR(dt_instance_iter_next(&instance, NULL), DT_INVALID_ARGUMENT, "iterator");
  CHECK_ERROR(dt_history_stream_next(&event, NULL), DT_INVALID_ARGUMENT, "history stream");
  CHECK(client == NULL && event == NULL);
  CHECK_ERROR(dt_token_result_set(NULL, "token", 0), DT_INVALID_ARGUMENT, "token result");
  CHECK(callback_runs == 0);
}

static void getters_of_null_handles_return_nothing_and_say_why(void) {
  CHECK(dt_instance_name(NULL) == NULL);
  CHECK_LAST_ERROR(DT_INVALID_ARGUMENT, "instance must not be NULL");
  CHECK(dt_instance_runtime_status(NULL) == DT_RUNTIME_STATUS_INVALID);
  CHECK(dt_instance_tag_count(NULL) == 0);
  CHECK(dt_client_task_hub(NULL) == NULL);
  CHECK_LAST_ERROR(DT_INVALID_ARGUMENT, "client");
  CHECK(dt_options_get_address(NULL) == NULL);
  CHECK(dt_options_get_retry_max_attempts(NULL) == -1);
  CHECK(dt_factory_open_channel_count(NULL) == -1);
  CHECK(dt_health_report_state(NULL) == DT_HEALTH_INVALID);
  CHECK(dt_metrics_clients_created(NULL) == 0);
  CHECK_LAST_ERROR(DT_INVALID_ARGUMENT, "metrics");
  CHECK(dt_failure_inner(NULL) == NULL);
  CHECK(dt_history_event_get_kind(NULL) == DT_HISTORY_EVENT_UNKNOWN);
  CHECK(dt_cancellation_is_cancelled(NULL) == 0);
  CHECK(dt_caching_factory_size(NULL) == 0);
  CHECK(dt_provider_name_at(NULL, 0) == NULL);

  /* A call that succeeds clears what the previous one left. */
  CHECK_STR(dt_status_name(DT_OK), "ok");
  CHECK(dt_runtime_status_is_terminal(DT_RUNTIME_STATUS_COMPLETED) == 1);
  CHECK(dt_options_get_address(NULL) == NULL);
  {
    char *id = NULL;

    CHECK_OK(dt_new_instance_id(&id));
    CHECK(dt_last_error_code() == DT_OK);
    CHECK_STR(dt_last_error_message(), "");
    dt_string_free(id);
  }
}

static void a_handle_of_another_type_is_refused(void) {
  dt_options *options = NULL;

  CHECK_OK(dt_options_new(&options));
  CHECK_ERROR(dt_client_ping((dt_client *)options, NULL), DT_INVALID_ARGUMENT,
              "not a valid handle");
  CHECK(dt_instance_name((const dt_instance *)options) == NULL);
  CHECK_LAST_ERROR(DT_INVALID_ARGUMENT, "not a valid handle");
  dt_options_free(options);
}

static void null_output_parameters_are_refused(void) {
  dt_client *client = offline_client();
  dt_factory_builder *builder = NULL;

  CHECK_ERROR(dt_options_new(NULL), DT_INVALID_ARGUMENT, "options_out must not be NULL");
  CHECK_ERROR(dt_factory_builder_new(NULL), DT_INVALID_ARGUMENT, "builder_out");
  CHECK_ERROR(dt_cancellation_new(NULL), DT_INVALID_ARGUMENT, "cancellation_out");
  CHECK_ERROR(dt_new_instance_id(NULL), DT_INVALID_ARGUMENT, "id_out");
  CHECK_ERROR(dt_client_create(NULL, NULL), DT_INVALID_ARGUMENT, "client_out");
  CHECK_ERROR(dt_client_get_instance(NULL, client, "id", 0, NULL), DT_INVALID_ARGUMENT,
              "instance_out must not be NULL");
  CHECK_ERROR(dt_client_wait_for_instance_start(NULL, client, "id", 0, NULL), DT_INVALID_ARGUMENT,
              "instance_out");
  CHECK_ERROR(dt_client_wait_for_instance_completion(NULL, client, "id", 0, NULL),
              DT_INVALID_ARGUMENT, "instance_out");
  CHECK_ERROR(dt_client_query_instances_page(NULL, client, NULL, NULL), DT_INVALID_ARGUMENT,
              "page_out");
  CHECK_ERROR(dt_client_query_instances(NULL, client, NULL, NULL), DT_INVALID_ARGUMENT, "iter_out");
  CHECK_ERROR(dt_client_list_instance_ids_page(NULL, client, NULL, NULL), DT_INVALID_ARGUMENT,
              "page_out");
  CHECK_ERROR(dt_client_list_instance_ids(NULL, client, NULL, NULL), DT_INVALID_ARGUMENT,
              "iter_out");
  CHECK_ERROR(dt_client_get_history(NULL, client, "id", NULL), DT_INVALID_ARGUMENT, "history_out");
  CHECK_ERROR(dt_client_stream_history(NULL, client, "id", NULL), DT_INVALID_ARGUMENT,
              "stream_out");
  CHECK_ERROR(dt_client_get_entity(NULL, client, "@a@b", 0, NULL), DT_INVALID_ARGUMENT,
              "entity_out");
  CHECK_ERROR(dt_client_query_entities_page(NULL, client, NULL, NULL), DT_INVALID_ARGUMENT,
              "page_out");
  CHECK_ERROR(dt_client_query_entities(NULL, client, NULL, NULL), DT_INVALID_ARGUMENT, "iter_out");
  CHECK_ERROR(dt_client_get_options(NULL, client), DT_INVALID_ARGUMENT, "options_out");

  CHECK_OK(dt_factory_builder_new(&builder));
  CHECK_ERROR(dt_factory_builder_build_factory(NULL, builder), DT_INVALID_ARGUMENT, "factory_out");
  CHECK_ERROR(dt_factory_builder_build_provider(NULL, builder), DT_INVALID_ARGUMENT,
              "provider_out");
  dt_factory_builder_free(builder);
  dt_client_free(client);
}

static void required_strings_must_not_be_null(void) {
  dt_client *client = offline_client();
  dt_start_options start;

  CHECK_ERROR(dt_client_raise_event(client, NULL, "event", NULL, NULL), DT_INVALID_ARGUMENT,
              "instance_id must not be NULL");
  CHECK_ERROR(dt_client_raise_event(client, "id", NULL, NULL, NULL), DT_INVALID_ARGUMENT,
              "event_name must not be NULL");
  CHECK_ERROR(dt_client_signal_entity(client, "@a@b", NULL, NULL, NULL), DT_INVALID_ARGUMENT,
              "operation must not be NULL");
  CHECK_OK(dt_start_options_init(&start, DT_START_OPTIONS_VERSION));
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, client, &start, NULL), DT_INVALID_ARGUMENT,
              "name must not be NULL");
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, client, NULL, NULL), DT_INVALID_ARGUMENT,
              "start options must not be NULL");
  CHECK_ERROR(dt_options_apply_connection_string(NULL, NULL), DT_INVALID_ARGUMENT, "options");
  dt_client_free(client);
}

static void empty_and_over_long_names_are_invalid_arguments(void) {
  dt_client *client = offline_client();
  dt_start_options start;
  char *long_id = tu_repeat('i', 1025);
  char *long_hub = tu_repeat('h', 257);
  dt_factory_builder *builder = NULL;
  dt_factory *factory = NULL;
  dt_client *other = NULL;
  dt_options *options = NULL;

  CHECK_ERROR(dt_client_raise_event(client, "", "event", NULL, NULL), DT_INVALID_ARGUMENT,
              "instance id must not be empty");
  CHECK_ERROR(dt_client_raise_event(client, "id", "", NULL, NULL), DT_INVALID_ARGUMENT,
              "event name must not be empty");
  CHECK_ERROR(dt_client_raise_event(client, long_id, "event", NULL, NULL), DT_INVALID_ARGUMENT,
              "the limit is 1024");
  CHECK_ERROR(dt_client_terminate(client, "", NULL, NULL), DT_INVALID_ARGUMENT,
              "must not be empty");
  CHECK_ERROR(dt_client_purge_instance(NULL, NULL, client, long_id, 0, NULL), DT_INVALID_ARGUMENT,
              "1024");

  CHECK_OK(dt_start_options_init(&start, DT_START_OPTIONS_VERSION));
  start.name = "";
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, client, &start, NULL), DT_INVALID_ARGUMENT,
              "orchestration name must not be empty");
  start.name = "Echo";
  start.instance_id = long_id;
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, client, &start, NULL), DT_INVALID_ARGUMENT,
              "instance id is 1025 bytes long");
  start.instance_id = "@counter@key";
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, client, &start, NULL), DT_INVALID_ARGUMENT,
              "reserved for entities");

  CHECK_OK(dt_options_new(&options));
  CHECK_ERROR(dt_options_set_task_hub(options, long_hub), DT_INVALID_ARGUMENT, "the limit is 256");
  CHECK_STR(dt_options_get_task_hub(options), "");
  CHECK_OK(dt_options_set_address(options, NOWHERE));
  CHECK_OK(dt_factory_builder_new(&builder));
  CHECK_OK(dt_factory_builder_use_grpc(builder, options));
  CHECK_ERROR(dt_factory_builder_add_client(builder, long_hub), DT_INVALID_ARGUMENT,
              "client name is 257 bytes long");
  CHECK_OK(dt_factory_builder_build_factory(&factory, builder));
  CHECK_ERROR(dt_factory_create_client(&other, factory, long_hub), DT_INVALID_ARGUMENT,
              "the limit is 256");
  CHECK(other == NULL);

  dt_factory_free(factory);
  dt_factory_builder_free(builder);
  dt_options_free(options);
  free(long_hub);
  free(long_id);
  dt_client_free(client);
}

static void invalid_utf8_is_an_invalid_argument_never_a_crash(void) {
  dt_client *client = offline_client();
  dt_options *options = NULL;
  dt_factory_builder *builder = NULL;
  dt_start_options start;
  const char *bad[] = {"\xff", "caf\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"};
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    CHECK_ERROR(dt_client_raise_event(client, bad[i], "event", NULL, NULL), DT_INVALID_ARGUMENT,
                "instance id is not valid UTF-8");
    CHECK_ERROR(dt_client_raise_event(client, "id", bad[i], NULL, NULL), DT_INVALID_ARGUMENT,
                "event name is not valid UTF-8");
    CHECK_ERROR(dt_client_raise_event(client, "id", "event", bad[i], NULL), DT_INVALID_ARGUMENT,
                "event payload is not valid UTF-8");
  }

  CHECK_OK(dt_start_options_init(&start, DT_START_OPTIONS_VERSION));
  start.name = "Echo";
  start.input = "\"\xfe\"";
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, client, &start, NULL), DT_INVALID_ARGUMENT,
              "input is not valid UTF-8");
  CHECK_ERROR(dt_client_suspend(client, "id", "\xff", NULL), DT_INVALID_ARGUMENT,
              "reason is not valid UTF-8");

  CHECK_OK(dt_options_new(&options));
  CHECK_ERROR(dt_options_set_address(options, "local\xffhost:1"), DT_INVALID_ARGUMENT, "UTF-8");
  CHECK_ERROR(dt_options_set_default_version(options, "\xff"), DT_INVALID_ARGUMENT, "UTF-8");
  CHECK_ERROR(dt_options_set_task_hub(options, "h\xc3\xa9"), DT_INVALID_ARGUMENT,
              "printable ASCII");
  CHECK_ERROR(dt_options_apply_connection_string(options, "Endpoint=\xff"), DT_INVALID_ARGUMENT,
              "UTF-8");

  CHECK_OK(dt_factory_builder_new(&builder));
  CHECK_ERROR(dt_factory_builder_add_client(builder, "\xff"), DT_INVALID_ARGUMENT,
              "client name is not valid UTF-8");

  dt_factory_builder_free(builder);
  dt_options_free(options);
  dt_client_free(client);
}

static void malformed_addresses_are_refused_naming_the_fault(void) {
  dt_options *options = NULL;
  const char *bad[][2] = {
      {"", "address must not be empty"},
      {"localhost", "port is missing"},
      {"ftp://host:1", "scheme 'ftp'"},
      {"host:99999", "out of range"},
      {"host:port", "not a number"},
      {"host:", "port is empty"},
      {"[::1", "lacks ']'"},
      {"http://host:1/path", "path is not allowed"},
      {"ho st:1", "the host holds ' '"},
  };
  size_t i;

  CHECK_OK(dt_options_new(&options));
  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    CHECK_ERROR(dt_options_set_address(options, bad[i][0]), DT_INVALID_ARGUMENT, bad[i][1]);
  }
  CHECK_STR(dt_options_get_address(options), "localhost:4001");
  CHECK_ERROR(dt_options_set_address(options, NULL), DT_INVALID_ARGUMENT, "address");
  dt_options_free(options);
}

static void malformed_connection_strings_are_refused_without_echoing_secrets(void) {
  dt_options *options = NULL;
  dt_factory_builder *builder = NULL;
  const char *bad[][2] = {
      {"", "connection string is empty"},
      {"   ", "connection string is empty"},
      {"Endpoint", "without '='"},
      {"Endpoint=http://localhost:1;Authentication=None;Colour=blue", "unknown key 'Colour'"},
      {"TaskHub=hub;Authentication=None", "lacks Endpoint"},
      {"Endpoint=http://localhost:1;TaskHub=hub", "lacks Authentication"},
      {"Endpoint=http://localhost:1;Endpoint=http://x:2;Authentication=None", "repeats key"},
      {"Endpoint=nowhere;Authentication=None", "Endpoint"},
      {"Endpoint=http://localhost:1;Authentication=AccessToken", "needs Token"},
      {"Endpoint=http://localhost:1;Authentication=None;Token=abc", "Authentication=None"},
  };
  size_t i;

  CHECK_OK(dt_options_new(&options));
  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    dt_options *parsed = NULL;

    CHECK_ERROR(dt_options_apply_connection_string(options, bad[i][0]), DT_INVALID_ARGUMENT,
                bad[i][1]);
    CHECK_ERROR(dt_options_from_connection_string(&parsed, bad[i][0]), DT_INVALID_ARGUMENT,
                bad[i][1]);
    CHECK(parsed == NULL);
  }

  /* A value without its key may be a secret: the message must not repeat it. */
  CHECK_ERROR(dt_options_apply_connection_string(
                  options, "Endpoint=http://localhost:1;Authentication=None;s3cr3t-value"),
              DT_INVALID_ARGUMENT, "Key=Value");
  CHECK(strstr(dt_last_error_message(), "s3cr3t") == NULL);
  CHECK_STR(dt_options_get_address(options), "localhost:4001");

  CHECK_OK(dt_factory_builder_new(&builder));
  CHECK_ERROR(dt_factory_builder_use_connection_string(builder, "Endpoint"), DT_INVALID_ARGUMENT,
              "Key=Value");
  CHECK_ERROR(dt_factory_builder_use_connection_string(builder, NULL), DT_INVALID_ARGUMENT,
              "connection_string must not be NULL");
  dt_factory_builder_free(builder);
  dt_options_free(options);
}

static void unknown_authentication_kinds_are_refused(void) {
  dt_options *options = NULL;

  CHECK_OK(dt_options_new(&options));
  CHECK_ERROR(dt_options_apply_connection_string(
                  options, "Endpoint=https://x.example;TaskHub=h;Authentication=Kerberos"),
              DT_INVALID_ARGUMENT, "unknown authentication kind 'Kerberos'");
  CHECK_ERROR(dt_options_apply_connection_string(
                  options, "Endpoint=https://x.example;TaskHub=h;Authentication=ManagedIdentity"),
              DT_UNIMPLEMENTED, "Azure identity");
  CHECK_ERROR(dt_options_apply_connection_string(
                  options, "Endpoint=https://x.example;TaskHub=h;Authentication=DefaultAzure"),
              DT_UNIMPLEMENTED, "token_provider");
  CHECK_STR(dt_options_get_task_hub(options), "");
  dt_options_free(options);
}

static void options_changed_after_use_are_refused(void) {
  dt_options *options = tu_options_for(NOWHERE, "used");
  dt_options *copy = NULL;
  dt_client *client = NULL;
  dt_factory_builder *builder = NULL;
  dt_factory *factory = NULL;

  CHECK_OK(dt_client_create(&client, options));
  CHECK_ERROR(dt_options_set_task_hub(options, "other"), DT_FAILED_PRECONDITION, "already used");
  CHECK_ERROR(dt_options_set_retry(options, 3, 10, 10, 2.0), DT_FAILED_PRECONDITION,
              "dt_options_clone");
  CHECK_ERROR(dt_options_apply_connection_string(options,
                                                 "Endpoint=http://localhost:1;Authentication=None"),
              DT_FAILED_PRECONDITION, "already used");
  CHECK_STR(dt_options_get_task_hub(options), "used");

  CHECK_OK(dt_options_clone(&copy, options));
  CHECK_OK(dt_options_set_task_hub(copy, "other"));
  CHECK_STR(dt_options_get_task_hub(copy), "other");

  CHECK_OK(dt_factory_builder_new(&builder));
  CHECK_OK(dt_factory_builder_use_grpc(builder, copy));
  CHECK_ERROR(dt_options_set_address(copy, "localhost:2"), DT_FAILED_PRECONDITION, "already used");
  CHECK_OK(dt_factory_builder_build_factory(&factory, builder));
  CHECK_ERROR(dt_factory_builder_add_client(builder, "late"), DT_FAILED_PRECONDITION,
              "configure before building");
  CHECK_ERROR(dt_factory_builder_use_grpc(builder, NULL), DT_FAILED_PRECONDITION, "already built");

  dt_factory_free(factory);
  dt_factory_builder_free(builder);
  dt_options_free(copy);
  dt_client_free(client);
  dt_options_free(options);
}

static void freeing_null_does_nothing(void) {
  dt_call_options call;

  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  dt_string_free(NULL);
  dt_cancellation_free(NULL);
  dt_options_free(NULL);
  dt_instance_free(NULL);
  dt_instance_page_free(NULL);
  dt_instance_id_page_free(NULL);
  dt_entity_free(NULL);
  dt_entity_page_free(NULL);
  dt_history_event_free(NULL);
  dt_history_free(NULL);
  dt_instance_iter_free(NULL);
  dt_instance_id_iter_free(NULL);
  dt_entity_iter_free(NULL);
  dt_history_stream_free(NULL);
  dt_client_free(NULL);
  dt_factory_builder_free(NULL);
  dt_factory_free(NULL);
  dt_health_report_free(NULL);
  dt_metrics_free(NULL);
  dt_provider_free(NULL);
  dt_caching_factory_free(NULL);
  CHECK(dt_last_error_code() == DT_OK);
}

static void cleaning_up_keeps_the_error_being_reported(void) {
  dt_options *options = NULL;
  char *id = NULL;

  CHECK_OK(dt_options_new(&options));
  CHECK_OK(dt_new_instance_id(&id));
  CHECK_ERROR(dt_options_set_address(options, "nowhere"), DT_INVALID_ARGUMENT, "port");
  dt_string_free(id);
  dt_options_free(options);
  dt_client_free(NULL);
  /* The lookups used while printing an error leave it alone too. */
  CHECK(strcmp(dt_status_name(dt_last_error_code()), "invalid_argument") == 0);
  CHECK(dt_version() != NULL);
  CHECK_LAST_ERROR(DT_INVALID_ARGUMENT, "address 'nowhere' is malformed");
}

static void oversize_payloads_are_refused_before_sending(void) {
  dt_options *options = tu_options_for(NOWHERE, "sizes");
  dt_client *client = NULL;
  dt_client *default_client = NULL;
  dt_start_options start;
  dt_terminate_options terminate;
  tu_waiter waiter;
  char *payload = tu_repeat('x', 2048);
  char *huge = NULL;

  payload[0] = '"';
  payload[2047] = '"';
  CHECK_OK(dt_options_set_max_send_message_size(options, 1024));
  CHECK_OK(dt_client_create(&client, options));
  CHECK_ERROR(dt_client_raise_event(client, "id", "event", payload, NULL), DT_INVALID_ARGUMENT,
              "exceeds the limit of 1024 bytes");

  CHECK_OK(dt_start_options_init(&start, DT_START_OPTIONS_VERSION));
  start.name = "Echo";
  start.input = payload;
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, client, &start, NULL), DT_INVALID_ARGUMENT,
              "exceeds the limit");
  CHECK_OK(dt_terminate_options_init(&terminate, DT_TERMINATE_OPTIONS_VERSION));
  terminate.output = payload;
  CHECK_ERROR(dt_client_terminate(client, "id", &terminate, NULL), DT_INVALID_ARGUMENT,
              "output of 2048 bytes");

  /* The asynchronous form reports the same through its callback. */
  tu_waiter_init(&waiter);
  CHECK_OK(dt_client_raise_event_async(client, "id", "event", payload, NULL, tu_on_done, &waiter));
  CHECK(tu_waiter_wait(&waiter, 10000) == DT_INVALID_ARGUMENT);
  CHECK(strstr(waiter.message, "exceeds the limit") != NULL);
  tu_waiter_destroy(&waiter);

  /* Without a limit of its own, a client refuses what gRPC's peers would: over 4 MiB. */
  dt_options_free(options);
  options = tu_options_for(NOWHERE, "sizes");
  CHECK_OK(dt_client_create(&default_client, options));
  huge = tu_repeat('y', 4 * 1024 * 1024 + 1);
  CHECK_ERROR(dt_client_raise_event(default_client, "id", "event", huge, NULL), DT_INVALID_ARGUMENT,
              "exceeds the limit of 4194304 bytes");

  free(huge);
  free(payload);
  dt_client_free(default_client);
  dt_client_free(client);
  dt_options_free(options);
}

static void struct_versions_this_library_does_not_know_are_refused(void) {
  dt_client *client = offline_client();
  dt_call_options call;
  dt_start_options start;
  dt_instance_query query;

  CHECK_ERROR(dt_call_options_init(&call, 0), DT_INVALID_ARGUMENT, "version 0");
  CHECK_ERROR(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION + 1), DT_INVALID_ARGUMENT,
              "not supported");
  CHECK_ERROR(dt_call_options_init(NULL, DT_CALL_OPTIONS_VERSION), DT_INVALID_ARGUMENT,
              "options must not be NULL");
  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  call.version = 99;
  CHECK_ERROR(dt_client_ping(client, &call), DT_INVALID_ARGUMENT, "dt_call_options version 99");
  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  call.timeout_ms = -5;
  CHECK_ERROR(dt_client_ping(client, &call), DT_INVALID_ARGUMENT, "must not be negative");

  memset(&start, 0, sizeof start);
  start.name = "Echo";
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, client, &start, NULL), DT_INVALID_ARGUMENT,
              "_init");
  CHECK_ERROR(dt_start_options_init(&start, 7), DT_INVALID_ARGUMENT, "dt_start_options");

  CHECK_OK(dt_instance_query_init(&query, DT_INSTANCE_QUERY_VERSION));
  query.version = 0;
  CHECK_ERROR(dt_client_query_instances_page_async(client, &query, NULL, NULL, NULL),
              DT_INVALID_ARGUMENT, "dt_instance_query version 0");
  dt_client_free(client);
}

static void values_out_of_range_are_refused(void) {
  dt_client *client = offline_client();
  dt_options *options = NULL;
  dt_instance_query query;
  dt_instance_iter *iter = NULL;
  dt_start_options start;
  dt_runtime_status statuses[] = {DT_RUNTIME_STATUS_RUNNING, (dt_runtime_status)42};
  const char *names[] = {"a", "a"};
  const char *values[] = {"1", "2"};

  CHECK_OK(dt_instance_query_init(&query, DT_INSTANCE_QUERY_VERSION));
  query.statuses = statuses;
  query.status_count = 2;
  CHECK_ERROR(dt_client_query_instances_page_async(client, &query, NULL, NULL, NULL),
              DT_INVALID_ARGUMENT, "statuses[1] is 42");
  query.status_count = 1;
  query.statuses = NULL;
  CHECK_ERROR(dt_client_query_instances(&iter, client, &query, NULL), DT_INVALID_ARGUMENT,
              "statuses must not be NULL when its count is 1");
  CHECK(iter == NULL);

  CHECK_OK(dt_start_options_init(&start, DT_START_OPTIONS_VERSION));
  start.name = "Echo";
  start.tag_names = names;
  start.tag_values = values;
  start.tag_count = 2;
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, client, &start, NULL), DT_INVALID_ARGUMENT,
              "tag 'a' is given twice");
  start.tag_values = NULL;
  CHECK_ERROR(dt_client_schedule_new_orchestration(NULL, client, &start, NULL), DT_INVALID_ARGUMENT,
              "tag_values must not be NULL");

  CHECK_OK(dt_options_new(&options));
  CHECK_ERROR(dt_options_set_retry(options, 0, 10, 10, 2.0), DT_INVALID_ARGUMENT, "at least 1");
  CHECK_ERROR(dt_options_set_retry(options, 3, 10, 10, 0.5), DT_INVALID_ARGUMENT, "multiplier");
  CHECK_ERROR(dt_options_set_retry(options, 3, -1, 10, 2.0), DT_INVALID_ARGUMENT, "negative");
  CHECK_ERROR(dt_options_set_default_deadline_ms(options, -1), DT_INVALID_ARGUMENT, "negative");
  CHECK_ERROR(dt_options_set_max_send_message_size(options, -1), DT_INVALID_ARGUMENT, "negative");
  CHECK_ERROR(dt_options_set_keepalive(options, -1, 0, 0), DT_INVALID_ARGUMENT, "negative");
  CHECK_ERROR(dt_options_set_tls_client_certificate(options, "chain", NULL), DT_INVALID_ARGUMENT,
              "both");
  CHECK_ERROR(dt_options_set_bearer_token(options, "line\nbreak"), DT_INVALID_ARGUMENT,
              "printable ASCII");
  CHECK_ERROR(dt_set_log_callback(NULL, NULL, NULL, (dt_log_level)9), DT_INVALID_ARGUMENT,
              "log level 9");
  dt_options_free(options);
  dt_client_free(client);
}

static void options_that_conflict_fail_validation_and_client_creation(void) {
  dt_options *options = tu_options_for("http://127.0.0.1:1", "conflict");
  dt_client *client = NULL;

  CHECK_OK(dt_options_set_bearer_token(options, "abc"));
  CHECK_ERROR(dt_options_validate(options), DT_INVALID_ARGUMENT, "plaintext");
  CHECK_ERROR(dt_client_create(&client, options), DT_INVALID_ARGUMENT,
              "allow_insecure_credentials");
  CHECK(client == NULL);
  /* A refused handle is not frozen: it can be fixed and used. */
  CHECK_OK(dt_options_set_allow_insecure_credentials(options, 1));
  CHECK_OK(dt_options_validate(options));

  CHECK_OK(dt_options_set_tls_enabled(options, 1));
  CHECK_ERROR(dt_options_validate(options), DT_INVALID_ARGUMENT, "TLS is enabled");
  CHECK_OK(dt_options_set_tls_enabled(options, 0));
  CHECK_OK(dt_options_set_tls_root_certificates(options, "-----BEGIN CERTIFICATE-----"));
  CHECK_ERROR(dt_options_validate(options), DT_INVALID_ARGUMENT, "TLS material");
  dt_options_free(options);
}

static void entity_calls_need_entity_support_and_well_formed_ids(void) {
  dt_client *client = offline_client();
  dt_options *options = tu_options_for(NOWHERE, "entities");
  dt_client *entities = NULL;
  tu_waiter waiter;

  CHECK_ERROR(dt_client_signal_entity(client, "@counter@a", "add", NULL, NULL),
              DT_FAILED_PRECONDITION, "entity support is not enabled");
  CHECK_ERROR(dt_client_clean_entity_storage(NULL, NULL, client, NULL, NULL),
              DT_FAILED_PRECONDITION, "enable_entity_support");
  tu_waiter_init(&waiter);
  CHECK_OK(dt_client_get_entity_async(client, "@counter@a", 1, NULL, tu_on_entity, &waiter));
  CHECK(tu_waiter_wait(&waiter, 10000) == DT_FAILED_PRECONDITION);
  CHECK(waiter.entity == NULL);
  tu_waiter_destroy(&waiter);

  CHECK_OK(dt_options_set_enable_entity_support(options, 1));
  CHECK_OK(dt_client_create(&entities, options));
  CHECK_ERROR(dt_client_signal_entity(entities, "counter", "add", NULL, NULL), DT_INVALID_ARGUMENT,
              "not of the form @name@key");
  CHECK_ERROR(dt_client_signal_entity(entities, "@@key", "add", NULL, NULL), DT_INVALID_ARGUMENT,
              "@name@key");
  dt_client_free(entities);
  dt_options_free(options);
  dt_client_free(client);
}

static void a_borrowed_object_cannot_be_freed_on_its_own(void) {
  dt_factory_builder *builder = NULL;
  dt_provider *provider = NULL;
  dt_client *client = NULL;
  dt_options *options = tu_options_for(NOWHERE, "");

  CHECK_OK(dt_factory_builder_new(&builder));
  CHECK_OK(dt_factory_builder_use_grpc(builder, options));
  CHECK_OK(dt_factory_builder_add_client(builder, "alpha"));
  CHECK_OK(dt_factory_builder_build_provider(&provider, builder));
  CHECK_OK(dt_provider_get_client(&client, provider, "alpha"));
  dt_client_free(client);
  CHECK_LAST_ERROR(DT_INVALID_ARGUMENT, "belongs to its provider");
  /* Still usable: the free above did nothing. */
  CHECK_STR(dt_client_task_hub(client), "alpha");

  CHECK_ERROR(dt_provider_get_client(&client, provider, "beta"), DT_NOT_FOUND,
              "registered names: 'alpha'");
  CHECK(client == NULL);
  CHECK(dt_provider_name_at(provider, 5) == NULL);
  CHECK_LAST_ERROR(DT_OUT_OF_RANGE, "past the end");

  dt_provider_free(provider);
  dt_factory_builder_free(builder);
  dt_options_free(options);
}

static void a_factory_without_transport_is_not_configured(void) {
  dt_factory_builder *builder = NULL;
  dt_factory *factory = NULL;
  dt_client *client = NULL;
  dt_options *resolved = NULL;

  CHECK_OK(dt_factory_builder_new(&builder));
  CHECK_OK(dt_factory_builder_build_factory(&factory, builder));
  CHECK_ERROR(dt_factory_create_client(&client, factory, "hub"), DT_NOT_CONFIGURED, "UseGrpc");
  CHECK(client == NULL);
  CHECK_ERROR(dt_factory_resolve_options(&resolved, factory, "hub"), DT_NOT_CONFIGURED,
              "no transport");
  CHECK_ERROR(dt_factory_configure_all(factory, NULL, NULL, NULL), DT_INVALID_ARGUMENT,
              "configure callback must not be NULL");
  CHECK_ERROR(dt_factory_create_client_with(&client, factory, "hub", NULL, NULL),
              DT_INVALID_ARGUMENT, "configure callback");
  dt_factory_free(factory);
  dt_factory_builder_free(builder);
}

int main(void) {
  RUN(null_handles_are_refused_with_invalid_argument);
  RUN(getters_of_null_handles_return_nothing_and_say_why);
  RUN(a_handle_of_another_type_is_refused);
  RUN(null_output_parameters_are_refused);
  RUN(required_strings_must_not_be_null);
  RUN(empty_and_over_long_names_are_invalid_arguments);
  RUN(invalid_utf8_is_an_invalid_argument_never_a_crash);
  RUN(malformed_addresses_are_refused_naming_the_fault);
  RUN(malformed_connection_strings_are_refused_without_echoing_secrets);
  RUN(unknown_authentication_kinds_are_refused);
  RUN(options_changed_after_use_are_refused);
  RUN(freeing_null_does_nothing);
  RUN(cleaning_up_keeps_the_error_being_reported);
  RUN(oversize_payloads_are_refused_before_sending);
  RUN(struct_versions_this_library_does_not_know_are_refused);
  RUN(values_out_of_range_are_refused);
  RUN(options_that_conflict_fail_validation_and_client_creation);
  RUN(entity_calls_need_entity_support_and_well_formed_ids);
  RUN(a_borrowed_object_cannot_be_freed_on_its_own);
  RUN(a_factory_without_transport_is_not_configured);
  return 0;
}
