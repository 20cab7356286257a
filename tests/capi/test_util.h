/*
 * What the C tests share: checks that report the failing expression with the library's
 * last error, a waiter for asynchronous completions, and the test sidecar.
 */
#ifndef DURABLETASK_TESTS_CAPI_TEST_UTIL_H_
#define DURABLETASK_TESTS_CAPI_TEST_UTIL_H_

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "durabletask.h"

/* Exit code that makes meson count a test as skipped. */
#define TU_SKIP 77

void tu_fail(const char *file, int line, const char *what, const char *detail);

#define CHECK(condition)                                             \
  do {                                                               \
    if (!(condition)) tu_fail(__FILE__, __LINE__, #condition, NULL); \
  } while (0)

/*
 * Checks that `expression` returns `expected`; for an error, also that the last error
 * has the same code and a message that is not empty, and (when `fragment` is not NULL)
 * that the message contains `fragment`.
 */
void tu_expect(const char *file, int line, const char *text, dt_status actual, dt_status expected,
               const char *fragment);

#define CHECK_OK(expression) tu_expect(__FILE__, __LINE__, #expression, (expression), DT_OK, NULL)
#define CHECK_STATUS(expression, expected) \
  tu_expect(__FILE__, __LINE__, #expression, (expression), (expected), NULL)
#define CHECK_ERROR(expression, expected, fragment) \
  tu_expect(__FILE__, __LINE__, #expression, (expression), (expected), (fragment))

/* Checks that the last error is `expected` with a message containing `fragment`. */
#define CHECK_LAST_ERROR(expected, fragment) \
  tu_expect(__FILE__, __LINE__, "last error", dt_last_error_code(), (expected), (fragment))

#define CHECK_STR(actual, expected) tu_expect_str(__FILE__, __LINE__, #actual, (actual), (expected))
void tu_expect_str(const char *file, int line, const char *text, const char *actual,
                   const char *expected);

/* Runs one scenario, printing its name so that a failure says which one. */
#define RUN(test)    \
  do {               \
    tu_begin(#test); \
    test();          \
  } while (0)
void tu_begin(const char *name);

/* A string of `length` copies of `fill`; free with free(). */
char *tu_repeat(char fill, size_t length);

/* A unique name with a prefix, for instance ids; valid until the next call on this thread. */
const char *tu_unique(const char *prefix);

void tu_sleep_ms(int milliseconds);
int64_t tu_now_ms(void);

/* ---------------------------------------------------------------------------------------
 * Waiting for an asynchronous completion
 */

typedef struct tu_waiter {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  int fired;
  /* The thread that started the call, which the callback must not run on. */
  pthread_t caller;
  int ran_on_caller;
  int null_message;
  dt_status status;
  char message[1024];
  /* What the callback received, by kind. */
  char text[1024];
  int has_text;
  dt_instance *instance;
  dt_instance_page *instance_page;
  dt_instance_id_page *id_page;
  dt_entity *entity;
  dt_entity_page *entity_page;
  dt_history *history;
  int first_number;
  int second_number;
} tu_waiter;

void tu_waiter_init(tu_waiter *waiter);
/* Waits for the callback; fails the test after `timeout_ms`. Returns the status. */
dt_status tu_waiter_wait(tu_waiter *waiter, int timeout_ms);
/* Frees any handle the callback received and the waiter's primitives. */
void tu_waiter_destroy(tu_waiter *waiter);

/* Completion callbacks that fill a tu_waiter given as user_data. */
void tu_on_done(void *user_data, dt_status status, const char *message);
void tu_on_string(void *user_data, dt_status status, const char *message, const char *value);
void tu_on_instance(void *user_data, dt_status status, const char *message, dt_instance *instance);
void tu_on_instance_page(void *user_data, dt_status status, const char *message,
                         dt_instance_page *page);
void tu_on_id_page(void *user_data, dt_status status, const char *message,
                   dt_instance_id_page *page);
void tu_on_entity(void *user_data, dt_status status, const char *message, dt_entity *entity);
void tu_on_entity_page(void *user_data, dt_status status, const char *message,
                       dt_entity_page *page);
void tu_on_history(void *user_data, dt_status status, const char *message, dt_history *history);
void tu_on_numbers(void *user_data, dt_status status, const char *message, int first, int second);

/* ---------------------------------------------------------------------------------------
 * The test sidecar
 */

/*
 * The address of a sidecar serving the task hubs "alpha", "beta", "gamma" and "default"
 * (and any hub whose name starts with "capi-"): DT_SIDECAR_ADDRESS when set, otherwise a
 * sidecar started from DT_SIDECAR_DLL. NULL when neither is available.
 */
const char *tu_sidecar_address(void);
/*
 * Starts a server that follows the sidecar's contract (prints `LISTENING host:port`,
 * exits when its stdin closes) and returns its address; NULL when it did not start.
 * One per test program.
 */
const char *tu_start_server(char *const argv[]);
/* Stops a sidecar started by tu_sidecar_address or tu_start_server. */
void tu_sidecar_stop(void);

/* Options for `hub` on the sidecar at `address`; free with dt_options_free. */
dt_options *tu_options_for(const char *address, const char *hub);

#endif /* DURABLETASK_TESTS_CAPI_TEST_UTIL_H_ */
