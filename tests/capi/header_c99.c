/*
 * The public header compiled with -Wall -Wextra -pedantic -Werror, as C99 here and as
 * C++17 by header_cxx17.cc, which includes this file. The program names every public
 * type and every option struct, so that a construct either language does not allow
 * fails the build.
 */
#include <stdio.h>
#include <string.h>

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
  dt_done_cb done = NULL;
  dt_string_cb string_done = NULL;
  dt_instance_cb instance_done = NULL;
  dt_instance_page_cb page_done = NULL;
  dt_instance_id_page_cb id_page_done = NULL;
  dt_entity_page_cb entity_page_done = NULL;
  dt_purge_cb purge_done = NULL;
  dt_history_cb history_done = NULL;
  dt_entity_cb entity_done = NULL;
  dt_clean_entity_storage_cb clean_done = NULL;
  dt_configure_cb configure = NULL;
  dt_token_cb token = NULL;
  dt_log_cb log = NULL;
  dt_free_cb release = NULL;
  dt_factory_builder *builder = NULL;
  dt_factory *factory = NULL;
  dt_provider *provider = NULL;
  dt_caching_factory *cache = NULL;
  dt_client *client = NULL;
  dt_options *options = NULL;
  dt_cancellation *cancellation = NULL;
  dt_instance *instance = NULL;
  dt_instance_page *page = NULL;
  dt_instance_id_page *id_page = NULL;
  dt_instance_iter *iter = NULL;
  dt_instance_id_iter *id_iter = NULL;
  dt_entity *entity = NULL;
  dt_entity_page *entity_page = NULL;
  dt_entity_iter *entity_iter = NULL;
  dt_history *history = NULL;
  dt_history_event *event = NULL;
  dt_history_stream *stream = NULL;
  dt_failure *failure = NULL;
  dt_metrics *metrics = NULL;
  dt_health_report *report = NULL;
  dt_token_result *token_result = NULL;

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
