/*
 * The motivating scenario from C: a task hub known only at run time, a client for it
 * from the factory, an event raised to one of its orchestration instances, the client
 * freed.
 *
 *   raise_event ADDRESS TASK_HUB INSTANCE_ID EVENT_NAME [PAYLOAD_JSON]
 *
 * ADDRESS is the sidecar's address (`localhost:4001`, `https://...`) or a Durable Task
 * Scheduler connection string (`Endpoint=...;Authentication=...`).
 *
 * Build it against the installed library:
 *   cc raise_event.c $(pkg-config --cflags --libs durabletask) -o raise_event
 */
#include <durabletask.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what) {
  fprintf(stderr, "raise_event: %s failed: %s (%s)\n", what, dt_last_error_message(),
          dt_status_name(dt_last_error_code()));
  return 1;
}

/* Builds the factory once; a real service keeps it for its whole life. */
static dt_factory *make_factory(const char *address) {
  dt_factory_builder *builder = NULL;
  dt_options *options = NULL;
  dt_factory *factory = NULL;
  dt_status status;

  if (dt_factory_builder_new(&builder) != DT_OK) return NULL;
  if (strncmp(address, "Endpoint=", 9) == 0) {
    status = dt_factory_builder_use_connection_string(builder, address);
  } else {
    status = dt_options_new(&options);
    if (status == DT_OK) status = dt_options_set_address(options, address);
    if (status == DT_OK) status = dt_factory_builder_use_grpc(builder, options);
    dt_options_free(options);
  }
  if (status == DT_OK) dt_factory_builder_build_factory(&factory, builder);
  dt_factory_builder_free(builder);
  return factory;
}

int main(int argc, char **argv) {
  dt_factory *factory;
  dt_client *client = NULL;
  dt_call_options call;
  const char *payload = argc > 5 ? argv[5] : NULL;
  int exit_code = 0;

  if (argc < 5 || argc > 6) {
    fprintf(stderr, "usage: %s ADDRESS TASK_HUB INSTANCE_ID EVENT_NAME [PAYLOAD_JSON]\n", argv[0]);
    return 2;
  }

  factory = make_factory(argv[1]);
  if (factory == NULL) return fail("building the client factory");

  /* The name picks the task hub: no configuration for it existed before this moment. */
  if (dt_factory_create_client(&client, factory, argv[2]) != DT_OK) {
    exit_code = fail("creating the client");
  } else {
    dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION);
    call.timeout_ms = 10000;
    if (dt_client_raise_event(client, argv[3], argv[4], payload, &call) != DT_OK) {
      exit_code = fail("raising the event");
    } else {
      printf("raised '%s' to instance '%s' in task hub '%s'\n", argv[4], argv[3],
             dt_client_task_hub(client));
    }
  }

  dt_client_free(client);
  dt_factory_free(factory);
  return exit_code;
}
