#define _POSIX_C_SOURCE 200809L

#include "test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *current_test = "(setup)";

void tu_begin(const char *name) {
  current_test = name;
  printf("--- %s\n", name);
  fflush(stdout);
}

void tu_fail(const char *file, int line, const char *what, const char *detail) {
  fprintf(stderr, "FAILED in %s at %s:%d: %s\n", current_test, file, line, what);
  if (detail != NULL) fprintf(stderr, "  %s\n", detail);
  fflush(stderr);
  /* A sidecar we started would otherwise outlive us until its stdin closes. */
  tu_sidecar_stop();
  exit(1);
}

void tu_expect(const char *file, int line, const char *text, dt_status actual, dt_status expected,
               const char *fragment) {
  char detail[2048];
  dt_status last = dt_last_error_code();
  const char *message = dt_last_error_message();

  if (actual != expected) {
    snprintf(detail, sizeof detail, "returned %s (%d), expected %s; last error: %s",
             dt_status_name(actual), (int)actual, dt_status_name(expected), message);
    tu_fail(file, line, text, detail);
  }
  if (expected == DT_OK) return;
  if (last != expected) {
    snprintf(detail, sizeof detail, "last error code is %s, expected %s", dt_status_name(last),
             dt_status_name(expected));
    tu_fail(file, line, text, detail);
  }
  if (message == NULL || message[0] == '\0') {
    tu_fail(file, line, text, "the last error has no message");
  }
  if (fragment != NULL && strstr(message, fragment) == NULL) {
    snprintf(detail, sizeof detail, "message \"%s\" does not mention \"%s\"", message, fragment);
    tu_fail(file, line, text, detail);
  }
}

void tu_expect_str(const char *file, int line, const char *text, const char *actual,
                   const char *expected) {
  char detail[2048];

  if (actual == NULL && expected == NULL) return;
  if (actual == NULL || expected == NULL || strcmp(actual, expected) != 0) {
    snprintf(detail, sizeof detail, "is \"%s\", expected \"%s\"",
             actual == NULL ? "(null)" : actual, expected == NULL ? "(null)" : expected);
    tu_fail(file, line, text, detail);
  }
}

char *tu_repeat(char fill, size_t length) {
  char *text = malloc(length + 1);

  if (text == NULL) tu_fail(__FILE__, __LINE__, "malloc", NULL);
  memset(text, fill, length);
  text[length] = '\0';
  return text;
}

const char *tu_unique(const char *prefix) {
  static char buffer[128];
  static unsigned counter;
  char *random_id = NULL;

  if (dt_new_instance_id(&random_id) != DT_OK) tu_fail(__FILE__, __LINE__, "unique id", NULL);
  snprintf(buffer, sizeof buffer, "%s-%u-%.8s", prefix, ++counter, random_id);
  dt_string_free(random_id);
  return buffer;
}

void tu_sleep_ms(int milliseconds) {
  struct timespec delay;

  delay.tv_sec = milliseconds / 1000;
  delay.tv_nsec = (long)(milliseconds % 1000) * 1000000L;
  while (nanosleep(&delay, &delay) != 0 && errno == EINTR) {
  }
}

int64_t tu_now_ms(void) {
  struct timespec now;

  clock_gettime(CLOCK_REALTIME, &now);
  return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* --- Waiter ------------------------------------------------------------------------------ */

void tu_waiter_init(tu_waiter *waiter) {
  memset(waiter, 0, sizeof *waiter);
  pthread_mutex_init(&waiter->mutex, NULL);
  pthread_cond_init(&waiter->cond, NULL);
  waiter->caller = pthread_self();
  waiter->status = DT_UNKNOWN;
}

dt_status tu_waiter_wait(tu_waiter *waiter, int timeout_ms) {
  struct timespec until;
  dt_status status;
  int fired;

  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += timeout_ms / 1000;
  until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec += 1;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&waiter->mutex);
  while (waiter->fired == 0) {
    if (pthread_cond_timedwait(&waiter->cond, &waiter->mutex, &until) == ETIMEDOUT) break;
  }
  fired = waiter->fired;
  status = waiter->status;
  pthread_mutex_unlock(&waiter->mutex);

  if (fired == 0) tu_fail(__FILE__, __LINE__, "the completion callback did not run in time", NULL);
  /* Give a second, wrong run of the callback the chance to show itself. */
  tu_sleep_ms(5);
  pthread_mutex_lock(&waiter->mutex);
  fired = waiter->fired;
  pthread_mutex_unlock(&waiter->mutex);
  if (fired != 1) tu_fail(__FILE__, __LINE__, "the completion callback ran more than once", NULL);
  if (waiter->ran_on_caller) {
    tu_fail(__FILE__, __LINE__, "the completion callback ran on the calling thread", NULL);
  }
  if (waiter->null_message) {
    tu_fail(__FILE__, __LINE__, "the completion callback got a NULL message", NULL);
  }
  if (status != DT_OK && waiter->message[0] == '\0') {
    tu_fail(__FILE__, __LINE__, "a failed completion came without a message", NULL);
  }
  return status;
}

void tu_waiter_destroy(tu_waiter *waiter) {
  dt_instance_free(waiter->instance);
  dt_instance_page_free(waiter->instance_page);
  dt_instance_id_page_free(waiter->id_page);
  dt_entity_free(waiter->entity);
  dt_entity_page_free(waiter->entity_page);
  dt_history_free(waiter->history);
  pthread_mutex_destroy(&waiter->mutex);
  pthread_cond_destroy(&waiter->cond);
}

static tu_waiter *record(void *user_data, dt_status status, const char *message) {
  tu_waiter *waiter = user_data;

  pthread_mutex_lock(&waiter->mutex);
  waiter->fired++;
  waiter->status = status;
  if (pthread_equal(pthread_self(), waiter->caller)) waiter->ran_on_caller = 1;
  if (message == NULL) {
    waiter->null_message = 1;
  } else {
    snprintf(waiter->message, sizeof waiter->message, "%s", message);
  }
  return waiter;
}

static void signal_done(tu_waiter *waiter) {
  pthread_cond_broadcast(&waiter->cond);
  pthread_mutex_unlock(&waiter->mutex);
}

void tu_on_done(void *user_data, dt_status status, const char *message) {
  signal_done(record(user_data, status, message));
}

void tu_on_string(void *user_data, dt_status status, const char *message, const char *value) {
  tu_waiter *waiter = record(user_data, status, message);

  if (value != NULL) {
    snprintf(waiter->text, sizeof waiter->text, "%s", value);
    waiter->has_text = 1;
  }
  signal_done(waiter);
}

void tu_on_instance(void *user_data, dt_status status, const char *message, dt_instance *instance) {
  tu_waiter *waiter = record(user_data, status, message);

  waiter->instance = instance;
  signal_done(waiter);
}

void tu_on_instance_page(void *user_data, dt_status status, const char *message,
                         dt_instance_page *page) {
  tu_waiter *waiter = record(user_data, status, message);

  waiter->instance_page = page;
  signal_done(waiter);
}

void tu_on_id_page(void *user_data, dt_status status, const char *message,
                   dt_instance_id_page *page) {
  tu_waiter *waiter = record(user_data, status, message);

  waiter->id_page = page;
  signal_done(waiter);
}

void tu_on_entity(void *user_data, dt_status status, const char *message, dt_entity *entity) {
  tu_waiter *waiter = record(user_data, status, message);

  waiter->entity = entity;
  signal_done(waiter);
}

void tu_on_entity_page(void *user_data, dt_status status, const char *message,
                       dt_entity_page *page) {
  tu_waiter *waiter = record(user_data, status, message);

  waiter->entity_page = page;
  signal_done(waiter);
}

void tu_on_history(void *user_data, dt_status status, const char *message, dt_history *history) {
  tu_waiter *waiter = record(user_data, status, message);

  waiter->history = history;
  signal_done(waiter);
}

void tu_on_numbers(void *user_data, dt_status status, const char *message, int first, int second) {
  tu_waiter *waiter = record(user_data, status, message);

  waiter->first_number = first;
  waiter->second_number = second;
  signal_done(waiter);
}

/* --- Sidecar ----------------------------------------------------------------------------- */

static pid_t sidecar_pid = -1;
static int sidecar_stdin = -1;
static int sidecar_stdout = -1;
static char sidecar_address[512];

/* Reads the sidecar's stdout until its LISTENING line or the timeout. */
static int read_listening_line(int fd, int timeout_ms, char *address, size_t size) {
  char line[512];
  size_t used = 0;
  int64_t give_up = tu_now_ms() + timeout_ms;

  while (tu_now_ms() < give_up) {
    struct pollfd ready;
    ssize_t got;
    char *newline;

    ready.fd = fd;
    ready.events = POLLIN;
    if (poll(&ready, 1, 200) <= 0) continue;
    got = read(fd, line + used, sizeof line - 1 - used);
    if (got <= 0) return 0;
    used += (size_t)got;
    line[used] = '\0';
    while ((newline = strchr(line, '\n')) != NULL) {
      *newline = '\0';
      if (strncmp(line, "LISTENING ", 10) == 0) {
        snprintf(address, size, "%s", line + 10);
        return 1;
      }
      used -= (size_t)(newline + 1 - line);
      memmove(line, newline + 1, used + 1);
    }
    if (used == sizeof line - 1) used = 0;
  }
  return 0;
}

const char *tu_start_server(char *const argv[]) {
  int to_child[2];
  int from_child[2];

  if (sidecar_pid > 0) tu_fail(__FILE__, __LINE__, "one server per test program", NULL);
  if (pipe(to_child) != 0 || pipe(from_child) != 0) return NULL;
  sidecar_pid = fork();
  if (sidecar_pid < 0) return NULL;
  if (sidecar_pid == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    close(to_child[0]);
    close(to_child[1]);
    close(from_child[0]);
    close(from_child[1]);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  sidecar_stdin = to_child[1];
  sidecar_stdout = from_child[0];
  /* The server is told to stop by closing its stdin; no other child may hold it open. */
  fcntl(sidecar_stdin, F_SETFD, FD_CLOEXEC);
  fcntl(sidecar_stdout, F_SETFD, FD_CLOEXEC);

  if (!read_listening_line(sidecar_stdout, 120000, sidecar_address, sizeof sidecar_address)) {
    fprintf(stderr, "%s did not announce its port\n", argv[0]);
    tu_sidecar_stop();
    return NULL;
  }
  return sidecar_address;
}

const char *tu_sidecar_address(void) {
  const char *given = getenv("DT_SIDECAR_ADDRESS");
  const char *dll = getenv("DT_SIDECAR_DLL");

  if (given != NULL && given[0] != '\0') return given;
  if (sidecar_pid > 0) return sidecar_address;
  if (dll == NULL || dll[0] == '\0' || access(dll, R_OK) != 0) return NULL;
  {
    char *argv[] = {"dotnet",       NULL,    "--port", "0", "--hubs", "alpha,beta,gamma,default",
                    "--hub-prefix", "capi-", NULL};

    argv[1] = (char *)dll;
    return tu_start_server(argv);
  }
}

void tu_sidecar_stop(void) {
  int waited;

  if (sidecar_pid <= 0) return;
  close(sidecar_stdin);
  for (waited = 0; waited < 15000; waited += 50) {
    if (waitpid(sidecar_pid, NULL, WNOHANG) == sidecar_pid) break;
    tu_sleep_ms(50);
  }
  if (waited >= 15000) {
    kill(sidecar_pid, SIGKILL);
    waitpid(sidecar_pid, NULL, 0);
  }
  close(sidecar_stdout);
  sidecar_pid = -1;
}

dt_options *tu_options_for(const char *address, const char *hub) {
  dt_options *options = NULL;

  CHECK_OK(dt_options_new(&options));
  CHECK_OK(dt_options_set_address(options, address));
  CHECK_OK(dt_options_set_task_hub(options, hub));
  return options;
}
