/*
 * Many threads sharing one factory: each creates clients, starts asynchronous calls and
 * frees the client while those calls are still in flight. Every callback must have run
 * by the time dt_client_free returns, and none may run later (the memory it would write
 * to is gone by then, which AddressSanitizer and valgrind would report).
 *
 * With a sidecar the waits are real long polls; without one, calls to an absent sidecar
 * keep retrying until the free cancels them. Either way calls are in flight at the free.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define THREADS 8
#define ROUNDS 12
#define CALLS_PER_ROUND 4

static dt_factory *factory;
static dt_caching_factory *cache;
static const char *long_running_id = "no-such-instance";
static const char *hubs[] = {"alpha", "beta", "gamma", "default"};
/* Clients that stay alive across the scenario (the one that started the long wait). */
static unsigned long long other_live_clients;

typedef struct round_record {
  pthread_mutex_t mutex;
  int runs;
} round_record;

static void record_done(void *user_data, dt_status status, const char *message) {
  round_record *record = user_data;

  (void)status, (void)message;
  pthread_mutex_lock(&record->mutex);
  record->runs++;
  pthread_mutex_unlock(&record->mutex);
}

static void record_instance(void *user_data, dt_status status, const char *message,
                            dt_instance *instance) {
  dt_instance_free(instance);
  record_done(user_data, status, message);
}

static void *worker(void *argument) {
  int index = (int)(intptr_t)argument;
  int round;

  for (round = 0; round < ROUNDS; ++round) {
    round_record *record = calloc(1, sizeof *record);
    dt_client *client = NULL;
    dt_client *shared = NULL;
    const char *hub = hubs[(index + round) % 4];
    int runs;

    CHECK(record != NULL);
    pthread_mutex_init(&record->mutex, NULL);
    CHECK_OK(dt_factory_create_client(&client, factory, hub));
    CHECK_OK(dt_caching_factory_get_client(&shared, cache, hub));

    CHECK_OK(dt_client_ping_async(client, NULL, record_done, record));
    CHECK_OK(dt_client_wait_for_instance_completion_async(client, long_running_id, 0, NULL,
                                                          record_instance, record));
    CHECK_OK(
        dt_client_get_instance_async(shared, long_running_id, 1, NULL, record_instance, record));
    CHECK_OK(dt_client_raise_event_async(shared, long_running_id, "tick", "1", NULL, record_done,
                                         record));
    if (round % 3 == 1) tu_sleep_ms(round);

    /* Alternate which handle goes first: a shared client outlives its handle. */
    if (round % 2 == 0) {
      dt_client_free(client);
      dt_client_free(shared);
    } else {
      dt_client_free(shared);
      dt_client_free(client);
    }
    pthread_mutex_lock(&record->mutex);
    runs = record->runs;
    pthread_mutex_unlock(&record->mutex);
    if (runs != CALLS_PER_ROUND) {
      char detail[128];

      snprintf(detail, sizeof detail, "%d of %d callbacks had run when the frees returned", runs,
               CALLS_PER_ROUND);
      tu_fail(__FILE__, __LINE__, "callbacks after dt_client_free", detail);
    }
    pthread_mutex_destroy(&record->mutex);
    free(record);
  }
  return NULL;
}

static void threads_sharing_a_factory_free_clients_with_calls_in_flight(void) {
  pthread_t threads[THREADS];
  dt_metrics *metrics = NULL;
  intptr_t i;

  for (i = 0; i < THREADS; ++i) {
    CHECK(pthread_create(&threads[i], NULL, worker, (void *)i) == 0);
  }
  for (i = 0; i < THREADS; ++i) pthread_join(threads[i], NULL);

  CHECK_OK(dt_caching_factory_clear(cache));
  CHECK_OK(dt_factory_metrics(&metrics, factory));
  CHECK(dt_metrics_clients_created(metrics) >= THREADS * ROUNDS);
  CHECK(dt_metrics_clients_live(metrics) == other_live_clients);
  CHECK(dt_metrics_clients_created(metrics) ==
        dt_metrics_clients_disposed(metrics) + other_live_clients);
  dt_metrics_free(metrics);
}

int main(void) {
  const char *address = tu_sidecar_address();
  dt_factory_builder *builder = NULL;
  dt_options *base = NULL;
  dt_client *starter = NULL;
  char *started = NULL;

  CHECK_OK(dt_factory_builder_new(&builder));
  if (address != NULL) {
    base = tu_options_for(address, "");
  } else {
    printf("no sidecar: calls go to an absent one and retry until cancelled\n");
    base = tu_options_for("127.0.0.1:1", "");
    CHECK_OK(dt_options_set_retry(base, 1000000, 20, 20, 1.0));
  }
  CHECK_OK(dt_factory_builder_use_grpc(builder, base));
  CHECK_OK(dt_factory_builder_build_factory(&factory, builder));
  CHECK_OK(dt_caching_factory_new(&cache, factory, 3, 0));

  if (address != NULL) {
    dt_start_options start;

    CHECK_OK(dt_factory_create_client(&starter, factory, "alpha"));
    CHECK_OK(dt_start_options_init(&start, DT_START_OPTIONS_VERSION));
    start.name = "RunUntilTerminated";
    CHECK_OK(dt_client_schedule_new_orchestration(&started, starter, &start, NULL));
    long_running_id = started;
    other_live_clients = 1;
  }

  RUN(threads_sharing_a_factory_free_clients_with_calls_in_flight);

  if (starter != NULL) {
    CHECK_OK(dt_client_terminate(starter, started, NULL, NULL));
    dt_client_free(starter);
  }
  dt_string_free(started);
  dt_caching_factory_free(cache);
  dt_factory_free(factory);
  dt_factory_builder_free(builder);
  dt_options_free(base);
  tu_sidecar_stop();
  return 0;
}
