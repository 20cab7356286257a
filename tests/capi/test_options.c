/*
 * Options, connection strings, the builder, factory, provider and caching factory, token
 * providers, logging, cancellation, names and versions: everything that works without a
 * sidecar.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define NOWHERE "127.0.0.1:1"

#ifndef DT_TEST_EXPECTED_VERSION
#error "the build passes the project version as DT_TEST_EXPECTED_VERSION"
#endif

static void the_version_is_the_project_version(void) {
  int major = -1;
  int minor = -1;
  int patch = -1;
  char joined[32];

  CHECK_STR(dt_version(), DT_TEST_EXPECTED_VERSION);
  CHECK_STR(DT_VERSION_STRING, DT_TEST_EXPECTED_VERSION);
  dt_version_numbers(&major, &minor, &patch);
  snprintf(joined, sizeof joined, "%d.%d.%d", major, minor, patch);
  CHECK_STR(joined, DT_VERSION_STRING);
  CHECK(DT_VERSION_NUMBER == ((major << 16) | (minor << 8) | patch));
  dt_version_numbers(NULL, NULL, NULL);
}

static void codes_and_enums_have_stable_names(void) {
  CHECK_STR(dt_status_name(DT_OK), "ok");
  CHECK_STR(dt_status_name(DT_INVALID_ARGUMENT), "invalid_argument");
  CHECK_STR(dt_status_name(DT_DEADLINE_EXCEEDED), "deadline_exceeded");
  CHECK_STR(dt_status_name(DT_UNAUTHENTICATED), "unauthenticated");
  CHECK_STR(dt_status_name(DT_NOT_CONFIGURED), "not_configured");
  CHECK_STR(dt_status_name((dt_status)57), "unknown");
  CHECK(DT_NOT_FOUND == 5 && DT_UNAVAILABLE == 14 && DT_NOT_CONFIGURED == 100);

  CHECK_STR(dt_runtime_status_name(DT_RUNTIME_STATUS_COMPLETED), "Completed");
  CHECK_STR(dt_runtime_status_name(DT_RUNTIME_STATUS_SUSPENDED), "Suspended");
  CHECK_STR(dt_runtime_status_name(DT_RUNTIME_STATUS_INVALID), "Unknown");
  CHECK(dt_runtime_status_is_terminal(DT_RUNTIME_STATUS_FAILED) == 1);
  CHECK(dt_runtime_status_is_terminal(DT_RUNTIME_STATUS_RUNNING) == 0);
  CHECK(dt_runtime_status_is_terminal((dt_runtime_status)99) == 0);

  CHECK_STR(dt_history_event_kind_name(DT_HISTORY_EVENT_EXECUTION_STARTED), "ExecutionStarted");
  CHECK_STR(dt_history_event_kind_name(DT_HISTORY_EVENT_EXECUTION_REWOUND), "ExecutionRewound");
  CHECK_STR(dt_history_event_kind_name((dt_history_event_kind)400), "Unknown");

  CHECK_STR(dt_health_state_name(DT_HEALTH_REACHABLE), "reachable");
  CHECK_STR(dt_health_state_name(DT_HEALTH_NOT_FOUND), "not_found");
  CHECK_STR(dt_health_state_name(DT_HEALTH_INVALID), "unknown");
}

static void new_instance_ids_are_32_lowercase_hex_digits(void) {
  char *first = NULL;
  char *second = NULL;
  size_t i;

  CHECK_OK(dt_new_instance_id(&first));
  CHECK_OK(dt_new_instance_id(&second));
  CHECK(strlen(first) == 32);
  for (i = 0; i < 32; ++i) CHECK(strchr("0123456789abcdef", first[i]) != NULL);
  CHECK(strcmp(first, second) != 0);
  dt_string_free(first);
  dt_string_free(second);
}

static void option_structs_start_from_the_documented_defaults(void) {
  dt_call_options call;
  dt_start_options start;
  dt_terminate_options terminate;
  dt_instance_query query;
  dt_instance_id_query id_query;
  dt_purge_filter purge;
  dt_signal_entity_options signal;
  dt_entity_query entity_query;
  dt_clean_entity_storage_options clean;

  memset(&call, 0xAB, sizeof call);
  CHECK_OK(dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION));
  CHECK(call.version == DT_CALL_OPTIONS_VERSION && call.timeout_ms == 0);
  CHECK(call.deadline_unix_ms == 0 && call.cancellation == NULL);

  memset(&start, 0xAB, sizeof start);
  CHECK_OK(dt_start_options_init(&start, DT_START_OPTIONS_VERSION));
  CHECK(start.name == NULL && start.input == NULL && start.instance_id == NULL);
  CHECK(start.tag_count == 0 && start.dedupe_status_count == 0 && start.start_at_unix_ms == 0);
  CHECK(start.orchestration_version == NULL);

  CHECK_OK(dt_terminate_options_init(&terminate, DT_TERMINATE_OPTIONS_VERSION));
  CHECK(terminate.output == NULL && terminate.recursive == 0);
  CHECK_OK(dt_instance_query_init(&query, DT_INSTANCE_QUERY_VERSION));
  CHECK(query.page_size == 100 && query.status_count == 0 && query.continuation_token == NULL);
  CHECK_OK(dt_instance_id_query_init(&id_query, DT_INSTANCE_ID_QUERY_VERSION));
  CHECK(id_query.page_size == 100 && id_query.last_instance_key == NULL);
  CHECK_OK(dt_purge_filter_init(&purge, DT_PURGE_FILTER_VERSION));
  CHECK(purge.status_count == 0 && purge.timeout_ms == 0);
  CHECK_OK(dt_signal_entity_options_init(&signal, DT_SIGNAL_ENTITY_OPTIONS_VERSION));
  CHECK(signal.input == NULL && signal.request_id == NULL);
  CHECK_OK(dt_entity_query_init(&entity_query, DT_ENTITY_QUERY_VERSION));
  CHECK(entity_query.page_size == 0 && entity_query.include_state == 0);
  CHECK_OK(dt_clean_entity_storage_options_init(&clean, DT_CLEAN_ENTITY_STORAGE_OPTIONS_VERSION));
  CHECK(clean.remove_empty_entities == 1 && clean.release_orphaned_locks == 1);
}

static void new_options_hold_the_library_defaults(void) {
  dt_options *options = NULL;

  CHECK_OK(dt_options_new(&options));
  CHECK_STR(dt_options_get_address(options), "localhost:4001");
  CHECK_STR(dt_options_get_task_hub(options), "");
  CHECK(dt_options_get_tls_enabled(options) == 0);
  CHECK_STR(dt_options_get_bearer_token(options), "");
  CHECK(dt_options_has_token_provider(options) == 0);
  CHECK(dt_options_get_token_refresh_margin_ms(options) == 300000);
  CHECK(dt_options_get_allow_insecure_credentials(options) == 0);
  CHECK(dt_options_get_enable_entity_support(options) == 0);
  CHECK(dt_options_get_default_deadline_ms(options) == 0);
  CHECK(dt_options_get_retry_max_attempts(options) == 10);
  CHECK(dt_options_get_retry_initial_backoff_ms(options) == 50);
  CHECK(dt_options_get_retry_max_backoff_ms(options) == 250);
  CHECK(dt_options_get_retry_backoff_multiplier(options) == 2.0);
  CHECK(dt_options_get_keepalive_time_ms(options) == 0);
  CHECK(dt_options_get_keepalive_timeout_ms(options) == 20000);
  CHECK(dt_options_get_max_send_message_size(options) == 0);
  CHECK(dt_options_get_max_receive_message_size(options) == 0);
  CHECK_OK(dt_options_validate(options));
  dt_options_free(options);
}

static void every_setter_is_read_back_by_its_getter(void) {
  dt_options *options = NULL;
  dt_options *copy = NULL;

  CHECK_OK(dt_options_new(&options));
  CHECK_OK(dt_options_set_address(options, "https://scheduler.example:8443"));
  CHECK_OK(dt_options_set_task_hub(options, "orders"));
  CHECK_OK(dt_options_set_tls_enabled(options, 1));
  CHECK_OK(dt_options_set_tls_root_certificates(options, "ROOTS"));
  CHECK_OK(dt_options_set_tls_client_certificate(options, "CHAIN", "KEY"));
  CHECK_OK(dt_options_set_tls_server_name_override(options, "sidecar.test"));
  CHECK_OK(dt_options_set_bearer_token(options, "token-1"));
  CHECK_OK(dt_options_set_token_refresh_margin_ms(options, 60000));
  CHECK_OK(dt_options_set_allow_insecure_credentials(options, 1));
  CHECK_OK(dt_options_set_user_agent_suffix(options, "my-app/2"));
  CHECK_OK(dt_options_set_default_version(options, "1.2"));
  CHECK_OK(dt_options_set_enable_entity_support(options, 1));
  CHECK_OK(dt_options_set_default_deadline_ms(options, 30000));
  CHECK_OK(dt_options_set_retry(options, 3, 10, 100, 1.5));
  CHECK_OK(dt_options_set_keepalive(options, 15000, 5000, 1));
  CHECK_OK(dt_options_set_max_send_message_size(options, 1 << 20));
  CHECK_OK(dt_options_set_max_receive_message_size(options, 8 << 20));

  CHECK_STR(dt_options_get_address(options), "https://scheduler.example:8443");
  CHECK_STR(dt_options_get_task_hub(options), "orders");
  CHECK(dt_options_get_tls_enabled(options) == 1);
  CHECK_STR(dt_options_get_tls_root_certificates(options), "ROOTS");
  CHECK_STR(dt_options_get_tls_client_certificate_chain(options), "CHAIN");
  CHECK_STR(dt_options_get_tls_client_private_key(options), "KEY");
  CHECK_STR(dt_options_get_tls_server_name_override(options), "sidecar.test");
  CHECK_STR(dt_options_get_bearer_token(options), "token-1");
  CHECK(dt_options_get_token_refresh_margin_ms(options) == 60000);
  CHECK(dt_options_get_allow_insecure_credentials(options) == 1);
  CHECK_STR(dt_options_get_user_agent_suffix(options), "my-app/2");
  CHECK_STR(dt_options_get_default_version(options), "1.2");
  CHECK(dt_options_get_enable_entity_support(options) == 1);
  CHECK(dt_options_get_default_deadline_ms(options) == 30000);
  CHECK(dt_options_get_retry_max_attempts(options) == 3);
  CHECK(dt_options_get_retry_initial_backoff_ms(options) == 10);
  CHECK(dt_options_get_retry_max_backoff_ms(options) == 100);
  CHECK(dt_options_get_retry_backoff_multiplier(options) == 1.5);
  CHECK(dt_options_get_keepalive_time_ms(options) == 15000);
  CHECK(dt_options_get_keepalive_timeout_ms(options) == 5000);
  CHECK(dt_options_get_keepalive_permit_without_calls(options) == 1);
  CHECK(dt_options_get_max_send_message_size(options) == (1 << 20));
  CHECK(dt_options_get_max_receive_message_size(options) == (8 << 20));
  CHECK_OK(dt_options_validate(options));

  /* A clone is a separate value. */
  CHECK_OK(dt_options_clone(&copy, options));
  CHECK_OK(dt_options_set_task_hub(copy, "invoices"));
  CHECK_STR(dt_options_get_task_hub(options), "orders");
  CHECK_STR(dt_options_get_task_hub(copy), "invoices");

  /* NULL clears the optional strings. */
  CHECK_OK(dt_options_set_bearer_token(options, NULL));
  CHECK_OK(dt_options_set_tls_client_certificate(options, NULL, NULL));
  CHECK_STR(dt_options_get_bearer_token(options), "");
  CHECK_STR(dt_options_get_tls_client_private_key(options), "");

  dt_options_free(copy);
  dt_options_free(options);
}

static void connection_strings_set_address_hub_and_credentials(void) {
  dt_options *options = NULL;

  CHECK_OK(dt_options_from_connection_string(
      &options, "Endpoint=http://localhost:8080;TaskHub=default;Authentication=None"));
  CHECK_STR(dt_options_get_address(options), "http://localhost:8080");
  CHECK_STR(dt_options_get_task_hub(options), "default");
  CHECK_STR(dt_options_get_bearer_token(options), "");
  dt_options_free(options);

  CHECK_OK(dt_options_new(&options));
  CHECK_OK(dt_options_apply_connection_string(
      options,
      " endpoint = https://my.scheduler.example ; TASKHUB = orders ; "
      "Authentication = AccessToken ; Token = abc.def "));
  CHECK_STR(dt_options_get_address(options), "https://my.scheduler.example");
  CHECK_STR(dt_options_get_task_hub(options), "orders");
  CHECK_STR(dt_options_get_bearer_token(options), "abc.def");
  CHECK_OK(dt_options_validate(options));

  CHECK_OK(dt_options_apply_connection_string(
      options, "Endpoint=https://x.example;Authentication=TokenFile;TokenFilePath=/nonexistent"));
  CHECK(dt_options_has_token_provider(options) == 1);
  dt_options_free(options);
}

/* --- Token providers ----------------------------------------------------------------------- */

typedef struct token_state {
  int calls;
  int freed;
  dt_status answer;
} token_state;

static dt_status give_token(void *user_data, dt_token_result *result) {
  token_state *state = user_data;

  state->calls++;
  if (state->answer != DT_OK) {
    CHECK_OK(dt_token_result_set_error(result, "no badge today"));
    return state->answer;
  }
  return dt_token_result_set(result, "issued-token", tu_now_ms() + 3600 * 1000);
}

static dt_status forget_token(void *user_data, dt_token_result *result) {
  (void)result;
  ((token_state *)user_data)->calls++;
  return DT_OK;
}

static void free_token_state(void *user_data) { ((token_state *)user_data)->freed++; }

static dt_client *token_client(token_state *state, dt_token_cb callback) {
  dt_options *options = tu_options_for("http://" NOWHERE, "secured");
  dt_client *client = NULL;

  CHECK_OK(dt_options_set_retry(options, 1, 0, 0, 1.0));
  CHECK_OK(dt_options_set_token_provider(options, callback, state, free_token_state));
  CHECK(dt_options_has_token_provider(options) == 1);
  CHECK_ERROR(dt_client_create(&client, options), DT_INVALID_ARGUMENT, "plaintext");
  CHECK_OK(dt_options_set_allow_insecure_credentials(options, 1));
  CHECK_OK(dt_client_create(&client, options));
  dt_options_free(options);
  /* The client still holds the provider. */
  CHECK(state->freed == 0);
  return client;
}

static void a_token_provider_failure_fails_the_call_with_its_code_and_message(void) {
  token_state state = {0, 0, DT_PERMISSION_DENIED};
  dt_client *client = token_client(&state, give_token);

  CHECK_ERROR(dt_client_ping(client, NULL), DT_PERMISSION_DENIED, "no badge today");
  CHECK(state.calls == 1);
  dt_client_free(client);
  CHECK(state.freed == 1);
}

static void a_token_provider_that_gives_no_token_fails_the_call(void) {
  token_state state = {0, 0, DT_OK};
  dt_client *client = token_client(&state, forget_token);

  CHECK_ERROR(dt_client_ping(client, NULL), DT_UNAUTHENTICATED, "without calling");
  dt_client_free(client);
  CHECK(state.freed == 1);
}

static void a_token_is_fetched_once_and_reused(void) {
  token_state state = {0, 0, DT_OK};
  dt_client *client = token_client(&state, give_token);
  dt_call_options call;

  dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION);
  call.timeout_ms = 2000;
  /* Nothing listens, so the calls fail, but only after the token was attached. */
  CHECK(dt_client_ping(client, &call) != DT_OK);
  CHECK(dt_client_ping(client, &call) != DT_OK);
  CHECK(state.calls == 1);
  dt_client_free(client);
  CHECK(state.freed == 1);
}

/* --- Factory composition ------------------------------------------------------------------- */

typedef struct configure_trace {
  char steps[256];
  int freed;
} configure_trace;

static void note(configure_trace *trace, const char *step) {
  strncat(trace->steps, step, sizeof trace->steps - strlen(trace->steps) - 1);
}

static dt_status configure_all(void *user_data, dt_options *options) {
  note(user_data, "all;");
  /* Composition so far: the base options given to use_grpc. */
  CHECK_STR(dt_options_get_user_agent_suffix(options), "base");
  return dt_options_set_default_version(options, "v-all");
}

static dt_status configure_alpha(void *user_data, dt_options *options) {
  note(user_data, "alpha;");
  return dt_options_set_task_hub(options, "hub-a");
}

static dt_status configure_call(void *user_data, dt_options *options) {
  note(user_data, "call;");
  return dt_options_set_user_agent_suffix(options, "call");
}

static dt_status configure_late(void *user_data, dt_options *options) {
  note(user_data, "late;");
  return dt_options_set_default_deadline_ms(options, 1234);
}

static dt_status configure_bad_address(void *user_data, dt_options *options) {
  (void)user_data;
  return dt_options_set_address(options, "not an address");
}

static dt_status configure_refuse(void *user_data, dt_options *options) {
  (void)user_data, (void)options;
  return DT_PERMISSION_DENIED;
}

static void release_trace(void *user_data) { ((configure_trace *)user_data)->freed++; }

static dt_factory_builder *composing_builder(configure_trace *trace) {
  dt_factory_builder *builder = NULL;
  dt_options *base = tu_options_for(NOWHERE, "");

  CHECK_OK(dt_options_set_user_agent_suffix(base, "base"));
  CHECK_OK(dt_options_set_retry(base, 1, 0, 0, 1.0));
  CHECK_OK(dt_factory_builder_new(&builder));
  CHECK_OK(dt_factory_builder_use_grpc(builder, base));
  dt_options_free(base);
  CHECK_OK(dt_factory_builder_configure(builder, "alpha", configure_alpha, trace, release_trace));
  CHECK_OK(dt_factory_builder_configure_all(builder, configure_all, trace, release_trace));
  CHECK_OK(
      dt_factory_builder_configure(builder, "broken", configure_bad_address, trace, release_trace));
  CHECK_OK(dt_factory_builder_configure(builder, "refused", configure_refuse, NULL, NULL));
  CHECK_OK(dt_factory_builder_set_channel_idle_timeout_ms(builder, 0));
  return builder;
}

static void options_compose_in_the_documented_order(void) {
  configure_trace trace = {"", 0};
  dt_factory_builder *builder = composing_builder(&trace);
  dt_factory *factory = NULL;
  dt_client *alpha = NULL;
  dt_client *beta = NULL;
  dt_client *default_client = NULL;
  dt_options *options = NULL;

  CHECK_OK(dt_factory_builder_build_factory(&factory, builder));
  CHECK_OK(dt_factory_create_client_with(&alpha, factory, "alpha", configure_call, &trace));
  /* For all names first, then for the name, then the per-call callback. */
  CHECK_STR(trace.steps, "all;alpha;call;");
  CHECK_STR(dt_client_name(alpha), "alpha");
  CHECK_STR(dt_client_task_hub(alpha), "hub-a");
  CHECK_OK(dt_client_get_options(&options, alpha));
  CHECK_STR(dt_options_get_default_version(options), "v-all");
  CHECK_STR(dt_options_get_user_agent_suffix(options), "call");
  /* A copy handed out is not frozen. */
  CHECK_OK(dt_options_set_task_hub(options, "mine"));
  dt_options_free(options);

  /* Without configuration of its own, a name is its task hub; no name is "default". */
  CHECK_OK(dt_factory_create_client(&beta, factory, "beta"));
  CHECK_STR(dt_client_task_hub(beta), "beta");
  CHECK_OK(dt_factory_create_client(&default_client, factory, NULL));
  CHECK_STR(dt_client_name(default_client), "");
  CHECK_STR(dt_client_task_hub(default_client), "default");
  CHECK_OK(dt_factory_resolve_options(&options, factory, ""));
  CHECK_STR(dt_options_get_task_hub(options), "default");
  dt_options_free(options);

  /* Configuration added at run time reaches later clients only. */
  CHECK_OK(dt_factory_configure_all(factory, configure_late, &trace, release_trace));
  CHECK_OK(dt_factory_resolve_options(&options, factory, "gamma"));
  CHECK(dt_options_get_default_deadline_ms(options) == 1234);
  dt_options_free(options);
  CHECK_OK(dt_client_get_options(&options, beta));
  CHECK(dt_options_get_default_deadline_ms(options) == 0);
  dt_options_free(options);
  CHECK_OK(dt_factory_configure(factory, "beta", configure_alpha, &trace, release_trace));
  CHECK_OK(dt_factory_resolve_options(&options, factory, "beta"));
  CHECK_STR(dt_options_get_task_hub(options), "hub-a");
  dt_options_free(options);

  dt_client_free(default_client);
  dt_client_free(beta);
  dt_client_free(alpha);
  dt_factory_free(factory);
  CHECK(trace.freed == 2);
  dt_factory_builder_free(builder);
  /* Every registration's user data is released once its last holder is gone. */
  CHECK(trace.freed == 5);
}

static void a_failing_configure_callback_fails_the_creation_with_its_code(void) {
  configure_trace trace = {"", 0};
  dt_factory_builder *builder = composing_builder(&trace);
  dt_factory *factory = NULL;
  dt_client *client = NULL;
  dt_options *options = NULL;
  dt_health_report *report = NULL;
  dt_caching_factory *cache = NULL;
  dt_provider *provider = NULL;

  CHECK_OK(dt_factory_builder_build_factory(&factory, builder));
  CHECK_ERROR(dt_factory_create_client(&client, factory, "broken"), DT_INVALID_ARGUMENT,
              "a configure callback failed: address 'not an address' is malformed");
  CHECK(client == NULL);
  CHECK_ERROR(dt_factory_create_client(&client, factory, "refused"), DT_PERMISSION_DENIED,
              "returned permission_denied");
  CHECK_ERROR(dt_factory_resolve_options(&options, factory, "refused"), DT_PERMISSION_DENIED,
              "configure callback failed");
  CHECK(options == NULL);

  CHECK_OK(dt_factory_check_health(&report, factory, "refused", 1000));
  CHECK(dt_health_report_state(report) == DT_HEALTH_UNREACHABLE);
  CHECK(strstr(dt_health_report_reason(report), "configure callback failed") != NULL);
  dt_health_report_free(report);

  CHECK_OK(dt_caching_factory_new(&cache, factory, 4, 0));
  CHECK_ERROR(dt_caching_factory_get_client(&client, cache, "broken"), DT_INVALID_ARGUMENT,
              "configure callback failed");
  CHECK(dt_caching_factory_size(cache) == 0);
  dt_caching_factory_free(cache);

  /* Other names are unaffected. */
  CHECK_OK(dt_factory_create_client(&client, factory, "alpha"));
  dt_client_free(client);

  dt_factory_builder_free(builder);
  builder = composing_builder(&trace);
  CHECK_OK(dt_factory_builder_add_client(builder, "alpha"));
  CHECK_OK(dt_factory_builder_add_client(builder, "refused"));
  CHECK_ERROR(dt_factory_builder_build_provider(&provider, builder), DT_PERMISSION_DENIED,
              "configure callback failed");
  CHECK(provider == NULL);

  dt_factory_builder_free(builder);
  dt_factory_free(factory);
}

static void a_provider_builds_its_registered_clients_up_front(void) {
  configure_trace trace = {"", 0};
  dt_factory_builder *builder = composing_builder(&trace);
  dt_provider *provider = NULL;
  dt_client *alpha = NULL;
  dt_client *again = NULL;
  dt_client *default_client = NULL;

  CHECK_OK(dt_factory_builder_add_client(builder, "alpha"));
  CHECK_OK(dt_factory_builder_add_client(builder, NULL));
  CHECK_OK(dt_factory_builder_add_client(builder, "alpha"));
  CHECK_OK(dt_factory_builder_build_provider(&provider, builder));
  CHECK(dt_provider_name_count(provider) == 2);
  CHECK_STR(dt_provider_name_at(provider, 0), "");
  CHECK_STR(dt_provider_name_at(provider, 1), "alpha");
  CHECK_OK(dt_provider_get_client(&alpha, provider, "alpha"));
  CHECK_OK(dt_provider_get_client(&again, provider, "alpha"));
  CHECK(alpha == again);
  CHECK_STR(dt_client_task_hub(alpha), "hub-a");
  CHECK_OK(dt_provider_get_client(&default_client, provider, NULL));
  CHECK_STR(dt_client_task_hub(default_client), "default");
  dt_provider_free(provider);
  dt_factory_builder_free(builder);
}

static void a_caching_factory_shares_clients_and_evicts_the_least_recent(void) {
  configure_trace trace = {"", 0};
  dt_factory_builder *builder = composing_builder(&trace);
  dt_factory *factory = NULL;
  dt_caching_factory *cache = NULL;
  dt_client *first = NULL;
  dt_client *second = NULL;
  dt_client *other = NULL;
  dt_client *third = NULL;

  CHECK_OK(dt_factory_builder_build_factory(&factory, builder));
  CHECK_ERROR(dt_caching_factory_new(&cache, factory, 0, 0), DT_INVALID_ARGUMENT, "capacity");
  CHECK_OK(dt_caching_factory_new(&cache, factory, 2, 0));
  /* The cache shares the factory; the handle may go. */
  dt_factory_free(factory);

  CHECK_OK(dt_caching_factory_get_client(&first, cache, "alpha"));
  CHECK_OK(dt_caching_factory_get_client(&second, cache, "alpha"));
  CHECK(first != second);
  CHECK(dt_caching_factory_size(cache) == 1);
  CHECK_OK(dt_caching_factory_get_client(&other, cache, "beta"));
  CHECK_OK(dt_caching_factory_get_client(&third, cache, "gamma"));
  CHECK(dt_caching_factory_size(cache) == 2);
  CHECK(dt_caching_factory_evictions(cache) == 1);
  /* An evicted client stays usable through the handles given out. */
  CHECK_STR(dt_client_task_hub(first), "hub-a");

  CHECK_OK(dt_caching_factory_clear(cache));
  CHECK(dt_caching_factory_size(cache) == 0);
  dt_caching_factory_free(cache);
  CHECK_STR(dt_client_task_hub(third), "gamma");

  dt_client_free(first);
  dt_client_free(second);
  dt_client_free(other);
  dt_client_free(third);
  dt_factory_builder_free(builder);
}

static void metrics_count_clients_channels_and_calls(void) {
  configure_trace trace = {"", 0};
  dt_factory_builder *builder = composing_builder(&trace);
  dt_factory *factory = NULL;
  dt_client *alpha = NULL;
  dt_client *beta = NULL;
  dt_metrics *metrics = NULL;
  dt_call_options call;
  size_t i;
  int found_hello = 0;
  int closed = -1;

  CHECK_OK(dt_factory_builder_build_factory(&factory, builder));
  CHECK_OK(dt_factory_create_client(&alpha, factory, "alpha"));
  CHECK_OK(dt_factory_create_client(&beta, factory, "beta"));
  /* Equal address and channel settings: one shared channel. */
  CHECK(dt_factory_open_channel_count(factory) == 1);
  dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION);
  call.timeout_ms = 2000;
  CHECK(dt_client_ping(alpha, &call) != DT_OK);

  CHECK_OK(dt_factory_metrics(&metrics, factory));
  CHECK(dt_metrics_clients_created(metrics) == 2);
  CHECK(dt_metrics_clients_live(metrics) == 2);
  CHECK(dt_metrics_clients_disposed(metrics) == 0);
  CHECK(dt_metrics_channels_opened(metrics) == 1);
  CHECK(dt_metrics_channels_open(metrics) == 1);
  CHECK(dt_metrics_channels_closed(metrics) == 0);
  CHECK(dt_metrics_retries(metrics) == 0);
  for (i = 0; i < dt_metrics_call_entry_count(metrics); ++i) {
    const char *rpc = NULL;
    const char *code = NULL;
    uint64_t count = 0;

    CHECK_OK(dt_metrics_call_entry_at(&rpc, &code, &count, metrics, i));
    if (strcmp(rpc, "Hello") == 0) {
      found_hello = 1;
      CHECK(count == 1);
      CHECK(dt_metrics_calls(metrics, "Hello", code) == 1);
    }
  }
  CHECK(found_hello);
  CHECK(dt_metrics_calls(metrics, "RaiseEvent", "ok") == 0);
  CHECK_ERROR(dt_metrics_call_entry_at(NULL, NULL, NULL, metrics, 99), DT_OUT_OF_RANGE,
              "past the end");
  dt_metrics_free(metrics);

  dt_client_free(alpha);
  dt_client_free(beta);
  CHECK_OK(dt_factory_metrics(&metrics, factory));
  CHECK(dt_metrics_clients_disposed(metrics) == 2);
  CHECK(dt_metrics_clients_live(metrics) == 0);
  dt_metrics_free(metrics);

  /* With an idle timeout of zero, the unused channel goes at once or on request. */
  CHECK_OK(dt_factory_close_idle_channels(&closed, factory));
  CHECK(closed >= 0);
  CHECK(dt_factory_open_channel_count(factory) == 0);
  CHECK_OK(dt_factory_set_channel_idle_timeout_ms(factory, 60000));
  CHECK_ERROR(dt_factory_set_channel_idle_timeout_ms(factory, -1), DT_INVALID_ARGUMENT, "negative");

  dt_factory_free(factory);
  dt_factory_builder_free(builder);
}

static void an_unreachable_sidecar_is_reported_not_returned_as_an_error(void) {
  configure_trace trace = {"", 0};
  dt_factory_builder *builder = composing_builder(&trace);
  dt_factory *factory = NULL;
  dt_health_report *report = NULL;

  CHECK_OK(dt_factory_builder_build_factory(&factory, builder));
  CHECK_OK(dt_factory_check_health(&report, factory, "alpha", 1500));
  CHECK(dt_health_report_state(report) == DT_HEALTH_UNREACHABLE);
  CHECK_STR(dt_health_report_task_hub(report), "hub-a");
  CHECK_STR(dt_health_report_address(report), NOWHERE);
  CHECK(strlen(dt_health_report_reason(report)) > 0);
  dt_health_report_free(report);
  CHECK_ERROR(dt_factory_check_health(&report, factory, "alpha", -1), DT_INVALID_ARGUMENT,
              "negative");
  dt_factory_free(factory);
  dt_factory_builder_free(builder);
}

/* --- Logging and cancellation -------------------------------------------------------------- */

typedef struct log_capture {
  pthread_mutex_t mutex;
  int lines;
  int mentions_hub;
  int freed;
} log_capture;

static void capture_line(void *user_data, dt_log_level level, const char *category,
                         const char *message) {
  log_capture *capture = user_data;

  pthread_mutex_lock(&capture->mutex);
  capture->lines++;
  if (level == DT_LOG_DEBUG && strcmp(category, "client") == 0 &&
      strstr(message, "'logged-hub'") != NULL) {
    capture->mentions_hub = 1;
  }
  pthread_mutex_unlock(&capture->mutex);
}

static void release_capture(void *user_data) { ((log_capture *)user_data)->freed++; }

static void a_log_callback_receives_lines_at_its_level_until_replaced(void) {
  log_capture capture;
  dt_options *options = tu_options_for(NOWHERE, "logged-hub");
  dt_client *client = NULL;
  int waited;

  memset(&capture, 0, sizeof capture);
  pthread_mutex_init(&capture.mutex, NULL);
  CHECK_OK(dt_set_log_callback(capture_line, &capture, release_capture, DT_LOG_DEBUG));
  CHECK_OK(dt_client_create(&client, options));
  dt_client_free(client);
  CHECK(capture.mentions_hub == 1);

  CHECK_OK(dt_set_log_callback(NULL, NULL, NULL, DT_LOG_WARNING));
  /* A line being delivered on another thread may hold the old sink a moment longer. */
  for (waited = 0; capture.freed == 0 && waited < 2000; waited += 10) tu_sleep_ms(10);
  CHECK(capture.freed == 1);
  capture.lines = 0;
  CHECK_OK(dt_client_create(&client, options));
  dt_client_free(client);
  CHECK(capture.lines == 0);

  pthread_mutex_destroy(&capture.mutex);
  dt_options_free(options);
}

static void a_cancellation_signal_is_cancelled_once(void) {
  dt_cancellation *cancellation = NULL;

  CHECK_OK(dt_cancellation_new(&cancellation));
  CHECK(dt_cancellation_is_cancelled(cancellation) == 0);
  CHECK_OK(dt_cancellation_cancel(cancellation));
  CHECK(dt_cancellation_is_cancelled(cancellation) == 1);
  CHECK_OK(dt_cancellation_cancel(cancellation));
  dt_cancellation_free(cancellation);
}

int main(void) {
  RUN(the_version_is_the_project_version);
  RUN(codes_and_enums_have_stable_names);
  RUN(new_instance_ids_are_32_lowercase_hex_digits);
  RUN(option_structs_start_from_the_documented_defaults);
  RUN(new_options_hold_the_library_defaults);
  RUN(every_setter_is_read_back_by_its_getter);
  RUN(connection_strings_set_address_hub_and_credentials);
  RUN(a_token_provider_failure_fails_the_call_with_its_code_and_message);
  RUN(a_token_provider_that_gives_no_token_fails_the_call);
  RUN(a_token_is_fetched_once_and_reused);
  RUN(options_compose_in_the_documented_order);
  RUN(a_failing_configure_callback_fails_the_creation_with_its_code);
  RUN(a_provider_builds_its_registered_clients_up_front);
  RUN(a_caching_factory_shares_clients_and_evicts_the_least_recent);
  RUN(metrics_count_clients_channels_and_calls);
  RUN(an_unreachable_sidecar_is_reported_not_returned_as_an_error);
  RUN(a_log_callback_receives_lines_at_its_level_until_replaced);
  RUN(a_cancellation_signal_is_cancelled_once);
  return 0;
}
