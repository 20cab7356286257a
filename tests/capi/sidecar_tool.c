/*
 * A helper for tests/capi/install_test.sh: starts an orchestration, or waits for one and
 * prints its output, on the sidecar at DT_SIDECAR_ADDRESS.
 *
 *   sidecar_tool start HUB NAME INPUT_JSON   prints the new instance id
 *   sidecar_tool wait HUB INSTANCE_ID        prints the output once it completes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "durabletask.h"

static int fail(const char *what) {
  fprintf(stderr, "sidecar_tool: %s: %s\n", what, dt_last_error_message());
  return 1;
}

int main(int argc, char **argv) {
  const char *address = getenv("DT_SIDECAR_ADDRESS");
  dt_options *options = NULL;
  dt_client *client = NULL;
  dt_call_options call;
  int exit_code = 0;

  if (argc < 4 || address == NULL) {
    fprintf(stderr, "usage: DT_SIDECAR_ADDRESS=... %s start HUB NAME INPUT | wait HUB ID\n",
            argv[0]);
    return 2;
  }
  if (dt_options_new(&options) != DT_OK || dt_options_set_address(options, address) != DT_OK ||
      dt_options_set_task_hub(options, argv[2]) != DT_OK ||
      dt_client_create(&client, options) != DT_OK) {
    dt_options_free(options);
    return fail("making the client");
  }
  dt_call_options_init(&call, DT_CALL_OPTIONS_VERSION);
  call.timeout_ms = 60000;

  if (strcmp(argv[1], "start") == 0 && argc == 5) {
    dt_start_options start;
    char *id = NULL;

    dt_start_options_init(&start, DT_START_OPTIONS_VERSION);
    start.name = argv[3];
    start.input = argv[4];
    if (dt_client_schedule_new_orchestration(&id, client, &start, &call) != DT_OK) {
      exit_code = fail("start");
    } else {
      printf("%s\n", id);
    }
    dt_string_free(id);
  } else if (strcmp(argv[1], "wait") == 0) {
    dt_instance *done = NULL;

    if (dt_client_wait_for_instance_completion(&done, client, argv[3], 1, &call) != DT_OK) {
      exit_code = fail("wait");
    } else if (done == NULL || dt_instance_output(done) == NULL) {
      fprintf(stderr, "sidecar_tool: instance '%s' has no output\n", argv[3]);
      exit_code = 1;
    } else {
      printf("%s\n", dt_instance_output(done));
    }
    dt_instance_free(done);
  } else {
    fprintf(stderr, "sidecar_tool: unknown command '%s'\n", argv[1]);
    exit_code = 2;
  }

  dt_client_free(client);
  dt_options_free(options);
  return exit_code;
}
