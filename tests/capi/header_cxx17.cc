/*
 * The public header compiled as C++17 with -Wall -Wextra -pedantic -Werror. The program
 * names every public type and every option struct, so that a construct C++ does not
 * allow fails the build.
 */
#include <cstdio>
#include <cstring>

#include "durabletask.h"

int main(void) {
  dt_call_options call;
  dt_start_options start;
  dt_terminate_options terminate;
  dt_instance_query query;
  dt_instance_id_query id_query;
  dt_purge_filter purge;
  dt_signal_entity_options signal;
  dt_entity_query entity_query;
  dt_clean_entity_storage_options clean;
  dt_status status = DT_NOT_CONFIGURED;
  dt_runtime_status runtime = DT_RUNTIME_STATUS_SUSPENDED;
  dt_history_event_kind kind = DT_HISTORY_EVENT_EXECUTION_REWOUND;
  dt_health_state health = DT_HEALTH_NOT_FOUND;
  dt_log_level level = DT_LOG_ERROR;
  dt_done_cb done = nullptr;
  dt_string_cb string_done = nullptr;
  dt_instance_cb instance_done = nullptr;
  dt_instance_page_cb page_done = nullptr;
  dt_instance_id_page_cb id_page_done = nullptr;
  dt_entity_page_cb entity_page_done = nullptr;
  dt_purge_cb purge_done = nullptr;
  dt_history_cb history_done = nullptr;
  dt_entity_cb entity_done = nullptr;
  dt_clean_entity_storage_cb clean_done = nullptr;
  dt_configure_cb configure = nullptr;
  dt_token_cb token = nullptr;
  dt_log_cb log = nullptr;
  dt_free_cb release = nullptr;
  dt_factory_builder *builder = nullptr;
  dt_factory *factory = nullptr;
  dt_provider *provider = nullptr;
  dt_caching_factory *cache = nullptr;
  dt_client *client = nullptr;
  dt_options *options = nullptr;
  dt_cancellation *cancellation = nullptr;
  dt_instance *instance = nullptr;
  dt_instance_page *page = nullptr;
  dt_instance_id_page *id_page = nullptr;
  dt_instance_iter *iter = nullptr;
  dt_instance_id_iter *id_iter = nullptr;
  dt_entity *entity = nullptr;
  dt_entity_page *entity_page = nullptr;
  dt_entity_iter *entity_iter = nullptr;
  dt_history *history = nullptr;
  dt_history_event *event = nullptr;
  dt_history_stream *stream = nullptr;
  dt_failure *failure = nullptr;
  dt_metrics *metrics = nullptr;
  dt_health_report *report = nullptr;
  dt_token_result *token_result = nullptr;

  memset(&call, 0, sizeof call);
  (void)start, (void)terminate, (void)query, (void)id_query, (void)purge, (void)signal;
  (void)entity_query, (void)clean, (void)status, (void)runtime, (void)kind, (void)health;
  (void)level, (void)done, (void)string_done, (void)instance_done, (void)page_done;
  (void)id_page_done, (void)entity_page_done, (void)purge_done, (void)history_done;
  (void)entity_done, (void)clean_done, (void)configure, (void)token, (void)log, (void)release;
  (void)builder, (void)factory, (void)provider, (void)cache, (void)client, (void)options;
  (void)cancellation, (void)instance, (void)page, (void)id_page, (void)iter, (void)id_iter;
  (void)entity, (void)entity_page, (void)entity_iter, (void)history, (void)event, (void)stream;
  (void)failure, (void)metrics, (void)report, (void)token_result;

  if (dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION) != DT_OK) return 1;
  printf("durabletask %s (header %s, 0x%06x)\n", dt_version(), DT_VERSION_STRING,
         (unsigned)DT_VERSION_NUMBER);
  return strcmp(dt_version(), DT_VERSION_STRING) == 0 ? 0 : 1;
}
