/*
 * durabletask-native: the C API of the Durable Task client library.
 *
 * One header, C99, usable from C++. Every symbol starts with `dt_`. Build a program with
 * `cc app.c $(pkg-config --cflags --libs durabletask)`.
 *
 * Quick start: a client for a task hub named at run time, one event raised, errors read
 * from the last error.
 *
 *   dt_factory_builder *builder = NULL;
 *   dt_options *options = NULL;
 *   dt_factory *factory = NULL;
 *   dt_client *client = NULL;
 *
 *   dt_factory_builder_new(&builder);
 *   dt_options_new(&options);
 *   dt_options_set_address(options, "localhost:4001");
 *   dt_factory_builder_use_grpc(builder, options);
 *   dt_factory_builder_build_factory(&factory, builder);
 *
 *   if (dt_factory_create_client(&client, factory, hub_from_request) != DT_OK ||
 *       dt_client_raise_event(client, instance_id, "approved", "{\"by\":\"ada\"}", NULL) != DT_OK)
 *     fprintf(stderr, "%s: %s\n", dt_status_name(dt_last_error_code()), dt_last_error_message());
 *
 *   dt_client_free(client);
 *   dt_factory_free(factory);
 *   dt_options_free(options);
 *   dt_factory_builder_free(builder);
 *
 * The factory is made once and shared by every thread; clients are cheap (no network I/O
 * to make one) and share the factory's connections. Each call returns a status that a
 * real program checks; examples/c/raise_event.c is a complete program.
 *
 * Conventions that hold for every function unless its own block says otherwise:
 *
 * Errors. A function that can fail returns a dt_status. DT_OK means success; any other
 * code means failure, and dt_last_error_code() / dt_last_error_message() then describe
 * it on the calling thread. Every function clears the calling thread's last error when
 * it starts, so that after a call the last error belongs to that call, with two
 * exceptions that leave it as it was (unless they fail themselves): the free functions,
 * so that cleaning up before reporting an error does not erase it, and the pure lookups
 * (dt_version, dt_version_numbers and the *_name / *_is_terminal functions), so that
 * they can be used while reporting one. Functions that return a value directly
 * (getters) return NULL, 0 or the documented "invalid" value when their handle is NULL or
 * not valid, and set the last error to DT_INVALID_ARGUMENT. No C++ exception ever leaves
 * the library; running out of memory is reported as DT_RESOURCE_EXHAUSTED.
 *
 * Thread safety. Each function's block, or the block of its group, says what may run
 * concurrently. Throughout: the last error is per thread; values handed over (instances,
 * pages, entities, history, failures, metrics, health reports) are read-only, so their
 * getters may be called from any number of threads at once; and a free function must
 * not run while another thread still uses the handle it frees.
 *
 * Ownership. Output parameters come first. What comes out through an output parameter
 * belongs to the caller, who releases it with the matching free function; on failure
 * the outputs are reset (NULL for handles and strings). A pointer returned directly is
 * borrowed: its block says how long it stays valid. Every handle type a caller can own
 * has one free function, which accepts NULL and does nothing then (dt_failure and
 * dt_token_result are only ever borrowed).
 *
 * Strings. Every string is UTF-8 and NUL-terminated. Text that is not UTF-8 in a name,
 * an instance id or a payload is refused with DT_INVALID_ARGUMENT. Strings the library
 * hands over through a `char **` output are released with dt_string_free().
 *
 * Handles. Each handle carries a marker that the library checks on entry and destroys
 * when the handle is freed, so that using a freed handle usually fails with
 * DT_INVALID_ARGUMENT instead of crashing. The check is best-effort: memory that has
 * been reused may pass it. Never use a handle after freeing it.
 *
 * Times are milliseconds since the Unix epoch (UTC) in an int64_t; 0 means "not set"
 * (in inputs) or "not reported" (in outputs). Durations are milliseconds; 0 means "none"
 * or "the default", as each field says.
 *
 * Booleans are `int`: 0 is false, any other value is true.
 *
 * Option structs (dt_call_options, dt_start_options, ...) begin with a `version` field
 * and have an init function. Initialize them with their init function and the
 * `_VERSION` macro of the header you compile against; fields are only ever appended,
 * so a program built against an older header keeps working with a newer library.
 *
 * Callbacks. Asynchronous calls, token providers, log sinks and configuration callbacks
 * all receive the `void *user_data` given when they were registered, as their first
 * argument. Where the library keeps a callback beyond the call that registers it, the
 * registration also takes a dt_free_cb that the library calls once, when it no longer
 * needs user_data (it may be NULL). A registration that fails never calls it.
 *
 * Asynchronous calls (the `_async` functions). A return of DT_OK means the call was
 * started: its completion callback then runs exactly once, on a library thread (never
 * on the thread that started the call, and possibly before the starting function has
 * returned). Any other return means the call was not started and the callback will not
 * run. Errors found while preparing a started call (an invalid instance id, an oversize
 * payload) are reported through the callback. Callbacks should return promptly: they
 * run on threads that also deliver other results. The error message given to a callback
 * is never NULL ("" on success) and, like every string argument of a callback, is
 * borrowed until the callback returns. Result handles given to a callback belong to the
 * callback's receiver, exactly as if they had come out of the blocking call: free them
 * (or keep them) as you would those. The completion callback may be NULL, in which case
 * the outcome is dropped and any result handle is freed by the library.
 * dt_client_free(), called outside a callback, cancels the calls started through that
 * client handle and waits until their callbacks have run: no callback of a client fires
 * after dt_client_free() returns. A callback may start other asynchronous calls and may
 * free a client, its own included (it then cannot wait, see dt_client_free); it should
 * not make blocking calls, which would hold up a library thread.
 */
#ifndef DURABLETASK_C_H_
#define DURABLETASK_C_H_

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(DT_BUILDING_CAPI)
#define DT_EXPORT __declspec(dllexport)
#else
#define DT_EXPORT __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define DT_EXPORT __attribute__((visibility("default")))
#else
#define DT_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * Version
 */

/* The version of this header. Compare with dt_version() for the library actually loaded. */
#define DT_VERSION_MAJOR 0
#define DT_VERSION_MINOR 1
#define DT_VERSION_PATCH 0
#define DT_VERSION_STRING "0.1.0"
/* One number that grows with each release: 0xMMmmpp. */
#define DT_VERSION_NUMBER ((DT_VERSION_MAJOR << 16) | (DT_VERSION_MINOR << 8) | DT_VERSION_PATCH)

/*
 * The version of the loaded library, "major.minor.patch".
 *
 * Returns: a static string, valid for the life of the process.
 * Thread safety: may be called from any thread at any time.
 */
DT_EXPORT const char *dt_version(void);

/*
 * The version of the loaded library as numbers.
 *
 * major, minor, patch: where to store each part; any of them may be NULL.
 * Thread safety: may be called from any thread at any time.
 */
DT_EXPORT void dt_version_numbers(int *major, int *minor, int *patch);

/* ---------------------------------------------------------------------------------------
 * Status codes and the last error
 */

/*
 * The outcome of a call. Codes 0 to 16 have the meaning of the gRPC status codes of the
 * same number, so an answer of the sidecar keeps its meaning; codes from 100 up are
 * raised by this library before anything is sent.
 */
typedef enum dt_status {
  DT_OK = 0,
  DT_CANCELLED = 1,
  DT_UNKNOWN = 2,
  DT_INVALID_ARGUMENT = 3,
  DT_DEADLINE_EXCEEDED = 4,
  DT_NOT_FOUND = 5,
  DT_ALREADY_EXISTS = 6,
  DT_PERMISSION_DENIED = 7,
  DT_RESOURCE_EXHAUSTED = 8,
  DT_FAILED_PRECONDITION = 9,
  DT_ABORTED = 10,
  DT_OUT_OF_RANGE = 11,
  DT_UNIMPLEMENTED = 12,
  DT_INTERNAL = 13,
  DT_UNAVAILABLE = 14,
  DT_DATA_LOSS = 15,
  DT_UNAUTHENTICATED = 16,
  /* The factory has no transport: dt_factory_builder_use_grpc() was never called. */
  DT_NOT_CONFIGURED = 100
} dt_status;

/*
 * The code of the last failed call on this thread, DT_OK when the last call succeeded.
 * This function does not change the last error.
 *
 * Thread safety: may be called from any thread; each thread sees its own last error.
 */
DT_EXPORT dt_status dt_last_error_code(void);

/*
 * The message of the last failed call on this thread: what failed and for which task
 * hub or instance; never a token or a payload. "" when the last call succeeded. This
 * function does not change the last error.
 *
 * Returns: a string owned by the library, valid on this thread until its next call into
 * the library (other than dt_last_error_code / dt_last_error_message). Never NULL.
 * Thread safety: may be called from any thread; each thread sees its own last error.
 */
DT_EXPORT const char *dt_last_error_message(void);

/*
 * The stable lowercase name of a code ("not_found", "not_configured", ...); "unknown"
 * for a value that is not a dt_status.
 *
 * Returns: a static string.
 * Thread safety: may be called from any thread.
 */
DT_EXPORT const char *dt_status_name(dt_status status);

/* ---------------------------------------------------------------------------------------
 * Library-owned strings, callbacks common to several functions
 */

/*
 * Releases a string the library handed over through a `char **` output.
 *
 * text: the string, or NULL.
 * Thread safety: may be called from any thread; each string is freed once.
 */
DT_EXPORT void dt_string_free(char *text);

/*
 * Releases `user_data` once the library no longer needs it.
 *
 * Runs on whichever thread drops the library's last reference to the callback that
 * user_data belongs to; it must not call back into the object that is being released.
 */
typedef void (*dt_free_cb)(void *user_data);

/*
 * A new random instance id: 32 lowercase hexadecimal digits.
 *
 * id_out: receives the id; free it with dt_string_free().
 * Returns: DT_OK, or DT_INVALID_ARGUMENT when id_out is NULL.
 * Thread safety: may be called from any thread.
 */
DT_EXPORT dt_status dt_new_instance_id(char **id_out);

/* ---------------------------------------------------------------------------------------
 * Logging
 */

typedef enum dt_log_level {
  DT_LOG_TRACE = 0,
  DT_LOG_DEBUG = 1,
  DT_LOG_INFO = 2,
  DT_LOG_WARNING = 3,
  DT_LOG_ERROR = 4
} dt_log_level;

/*
 * Receives one log line. `category` is "client", "channel", "factory", "token", ...;
 * `message` names the task hub or instance involved and never holds a payload, a token
 * or a connection-string secret. Both strings are borrowed until the callback returns.
 * Called from any thread, possibly from several at once, and possibly while the library
 * holds internal locks: it must not call back into the library.
 */
typedef void (*dt_log_cb)(void *user_data, dt_log_level level, const char *category,
                          const char *message);

/*
 * Sends the library's log lines at `min_level` and above to `callback`. Without a
 * callback the library is silent below warnings and writes warnings and errors to
 * stderr; passing a NULL callback restores that.
 *
 * callback: the sink, or NULL for the default.
 * user_data: passed to the callback.
 * free_user_data: called with user_data once this sink has been replaced and no line is
 *   being delivered to it any more; may be NULL.
 * min_level: the least severe level delivered.
 * Returns: DT_OK, or DT_INVALID_ARGUMENT for a level out of range.
 * Thread safety: process-wide; may be called from any thread at any time.
 */
DT_EXPORT dt_status dt_set_log_callback(dt_log_cb callback, void *user_data,
                                        dt_free_cb free_user_data, dt_log_level min_level);

/* ---------------------------------------------------------------------------------------
 * Cancellation
 */

/* A cancellation signal that calls can observe. */
typedef struct dt_cancellation dt_cancellation;

/*
 * A new, not yet cancelled signal.
 *
 * cancellation_out: receives the handle; free it with dt_cancellation_free().
 * Thread safety: may be called from any thread.
 */
DT_EXPORT dt_status dt_cancellation_new(dt_cancellation **cancellation_out);

/*
 * Cancels every call observing this signal, now and later: a blocking call returns
 * DT_CANCELLED, an asynchronous call completes with DT_CANCELLED (unless it finished
 * first). Cancelling twice does nothing more.
 *
 * Thread safety: may be called from any thread, including from callbacks.
 */
DT_EXPORT dt_status dt_cancellation_cancel(dt_cancellation *cancellation);

/*
 * Whether the signal has been cancelled: 1 if so, 0 if not or when the handle is not
 * valid.
 *
 * Thread safety: may be called from any thread.
 */
DT_EXPORT int dt_cancellation_is_cancelled(const dt_cancellation *cancellation);

/*
 * Releases the handle. Calls that observe it keep what they need; freeing it does not
 * cancel them.
 *
 * Thread safety: the handle must not be used by another thread during or after this call.
 */
DT_EXPORT void dt_cancellation_free(dt_cancellation *cancellation);

/* ---------------------------------------------------------------------------------------
 * Per-call options
 */

#define DT_CALL_OPTIONS_VERSION 1

/*
 * How one call behaves. Passing NULL where a `const dt_call_options *` is taken means
 * all defaults. The deadline of the call is the earlier of `deadline_unix_ms` and now +
 * `timeout_ms`; when both are 0, the client's default deadline applies (none unless set
 * with dt_options_set_default_deadline_ms). Options win in this order: per call, then
 * the client's options.
 */
typedef struct dt_call_options {
  unsigned int version;
  /* Relative deadline in milliseconds; 0 for none. */
  int64_t timeout_ms;
  /* Absolute deadline; 0 for none. */
  int64_t deadline_unix_ms;
  /* A signal that cancels the call; NULL for none. It may be freed while the call runs. */
  dt_cancellation *cancellation;
} dt_call_options;

/*
 * Fills `options` with the defaults of `version` (no deadline, no cancellation).
 *
 * version: DT_CALL_OPTIONS_VERSION.
 * Returns: DT_OK, or DT_INVALID_ARGUMENT for NULL or a version this library does not know.
 * Thread safety: the struct belongs to the caller.
 */
DT_EXPORT dt_status dt_call_options_init(dt_call_options *options, unsigned int version);

/* ---------------------------------------------------------------------------------------
 * Client options
 *
 * Where the sidecar is, which task hub to use, and how calls behave. A dt_options handle
 * is a value: functions that take one copy it. A handle given to
 * dt_factory_builder_use_grpc() or dt_client_create() is frozen afterwards: the library
 * has taken its copy, and later setters fail with DT_FAILED_PRECONDITION so that nobody
 * expects them to take effect (dt_options_clone gives an unfrozen copy).
 *
 * Setters check what they can check alone (NULL, UTF-8, printable ASCII for header
 * values, ranges, address syntax) and fail with DT_INVALID_ARGUMENT, leaving the options
 * unchanged. Checks that involve several settings (a token over plaintext, TLS material
 * without TLS) happen in dt_options_validate() and whenever a client is made.
 *
 * String getters return a string owned by the options, valid until the next change to
 * them or their free. Getters of a handle that is not valid return NULL, 0 or -1.
 *
 * Thread safety of every dt_options_* function: the getters (and dt_options_clone and
 * dt_options_validate) may be called from several threads at once; a setter or
 * dt_options_free must not run while any other thread uses the same handle. Distinct
 * handles are independent.
 */
typedef struct dt_options dt_options;

/*
 * New options with the library defaults: address "localhost:4001", no task hub (the
 * client's name is used), plaintext, no token, 10 attempts on UNAVAILABLE with backoff
 * from 50 ms to 250 ms, no default deadline, gRPC's message size limits.
 *
 * options_out: receives the handle; free it with dt_options_free().
 */
DT_EXPORT dt_status dt_options_new(dt_options **options_out);

/*
 * An unfrozen copy of `options`, token provider included.
 *
 * options_out: receives the copy; free it with dt_options_free().
 */
DT_EXPORT dt_status dt_options_clone(dt_options **options_out, const dt_options *options);

/* Releases the options. Clients and factories made from them keep their own copies. */
DT_EXPORT void dt_options_free(dt_options *options);

/*
 * Checks the options as a client would before being made: the address parses, TLS
 * material is complete and used with TLS, a token is not sent in plaintext unless
 * allowed, numbers are in range. Nothing is sent.
 *
 * Returns: DT_OK or DT_INVALID_ARGUMENT with a message naming the fault.
 */
DT_EXPORT dt_status dt_options_validate(const dt_options *options);

/*
 * Applies a Durable Task Scheduler connection string:
 * `Endpoint=https://...;TaskHub=...;Authentication=None`. Keys are case-insensitive.
 * Authentication kinds served: `None`, `AccessToken` (with `Token=...`) and `TokenFile`
 * (with `TokenFilePath=...`, read again at each refresh). Kinds that need an Azure
 * identity library (DefaultAzure, ManagedIdentity, ...) fail with DT_UNIMPLEMENTED;
 * register a token provider instead. The options are unchanged on failure.
 *
 * Returns: DT_OK; DT_INVALID_ARGUMENT for a malformed string, an unknown key, a missing
 *   Endpoint or Authentication, a malformed endpoint or an unknown authentication kind;
 *   DT_UNIMPLEMENTED for an Azure identity kind; DT_FAILED_PRECONDITION when frozen.
 *   Messages never repeat a secret.
 */
DT_EXPORT dt_status dt_options_apply_connection_string(dt_options *options,
                                                       const char *connection_string);

/*
 * New options: the defaults with a connection string applied (see
 * dt_options_apply_connection_string).
 *
 * options_out: receives the handle; free it with dt_options_free().
 */
DT_EXPORT dt_status dt_options_from_connection_string(dt_options **options_out,
                                                      const char *connection_string);

/*
 * The sidecar's address: `host:port`, `http://host:port`, `https://host[:port]` or
 * `unix:/path`. `http://` means plaintext, `https://` means TLS, a bare `host:port` uses
 * TLS only when dt_options_set_tls_enabled() says so.
 */
DT_EXPORT dt_status dt_options_set_address(dt_options *options, const char *address);
DT_EXPORT const char *dt_options_get_address(const dt_options *options);

/*
 * The task hub sent with every call (the `taskhub` header), at most 256 printable ASCII
 * characters. "" means: the client's name when the client comes from a factory ("default"
 * for the default name), otherwise no header.
 */
DT_EXPORT dt_status dt_options_set_task_hub(dt_options *options, const char *task_hub);
DT_EXPORT const char *dt_options_get_task_hub(const dt_options *options);

/* TLS for a bare `host:port` address (an `http://` address with TLS enabled is refused). */
DT_EXPORT dt_status dt_options_set_tls_enabled(dt_options *options, int enabled);
DT_EXPORT int dt_options_get_tls_enabled(const dt_options *options);

/* PEM bundle of trusted roots; NULL or "" means the system's roots. */
DT_EXPORT dt_status dt_options_set_tls_root_certificates(dt_options *options, const char *pem);
DT_EXPORT const char *dt_options_get_tls_root_certificates(const dt_options *options);

/*
 * Client certificate chain and private key (PEM) for mutual TLS: both or neither (NULL
 * or "" for both clears them).
 */
DT_EXPORT dt_status dt_options_set_tls_client_certificate(dt_options *options,
                                                          const char *certificate_chain_pem,
                                                          const char *private_key_pem);
DT_EXPORT const char *dt_options_get_tls_client_certificate_chain(const dt_options *options);
DT_EXPORT const char *dt_options_get_tls_client_private_key(const dt_options *options);

/* The name checked against the server certificate, for tests and IP addresses; NULL clears. */
DT_EXPORT dt_status dt_options_set_tls_server_name_override(dt_options *options,
                                                            const char *server_name);
DT_EXPORT const char *dt_options_get_tls_server_name_override(const dt_options *options);

/*
 * A fixed bearer token sent as `authorization: Bearer <token>`; NULL or "" clears it.
 * Ignored while a token provider is set. Printable ASCII only.
 */
DT_EXPORT dt_status dt_options_set_bearer_token(dt_options *options, const char *token);
DT_EXPORT const char *dt_options_get_bearer_token(const dt_options *options);

/* Where a token provider puts its answer; valid only during the provider's call. */
typedef struct dt_token_result dt_token_result;

/*
 * Supplies a bearer token. Called when the cached token is missing or about to expire,
 * on the thread of the call that needs it (which may be a library thread); it may block,
 * and concurrent calls share one refresh. On success it calls dt_token_result_set() and
 * returns DT_OK. Any other return fails the calls that needed the token with that code
 * (the message given to dt_token_result_set_error(), if any, is included).
 */
typedef dt_status (*dt_token_cb)(void *user_data, dt_token_result *result);

/*
 * Gives the token a provider produced.
 *
 * token: printable ASCII, not empty; copied.
 * expires_at_unix_ms: when the token stops being valid; 0 for never.
 * Thread safety: only from within the provider call that received `result`.
 */
DT_EXPORT dt_status dt_token_result_set(dt_token_result *result, const char *token,
                                        int64_t expires_at_unix_ms);

/*
 * Says why a provider could not produce a token; used when it returns an error code.
 * The message must not contain secrets.
 *
 * Thread safety: only from within the provider call that received `result`.
 */
DT_EXPORT dt_status dt_token_result_set_error(dt_token_result *result, const char *message);

/*
 * Sets (or, with a NULL callback, removes) the token provider. It wins over a fixed
 * bearer token. The options, every copy of them and every client made from them share
 * the provider; free_user_data runs when the last of them is gone.
 */
DT_EXPORT dt_status dt_options_set_token_provider(dt_options *options, dt_token_cb callback,
                                                  void *user_data, dt_free_cb free_user_data);
/* 1 when a token provider is set. */
DT_EXPORT int dt_options_has_token_provider(const dt_options *options);

/* How long before expiry a token is refreshed; default 300000 (5 minutes). */
DT_EXPORT dt_status dt_options_set_token_refresh_margin_ms(dt_options *options, int64_t margin_ms);
DT_EXPORT int64_t dt_options_get_token_refresh_margin_ms(const dt_options *options);

/*
 * Permits a token over a plaintext channel (refused by default). This does not choose
 * plaintext; the address does.
 */
DT_EXPORT dt_status dt_options_set_allow_insecure_credentials(dt_options *options, int allow);
DT_EXPORT int dt_options_get_allow_insecure_credentials(const dt_options *options);

/* Appended to the library's user agent in the `x-user-agent` header; printable ASCII. */
DT_EXPORT dt_status dt_options_set_user_agent_suffix(dt_options *options, const char *suffix);
DT_EXPORT const char *dt_options_get_user_agent_suffix(const dt_options *options);

/* Version given to new orchestrations that do not name one; NULL or "" for none. */
DT_EXPORT dt_status dt_options_set_default_version(dt_options *options, const char *version);
DT_EXPORT const char *dt_options_get_default_version(const dt_options *options);

/* Entity operations fail with DT_FAILED_PRECONDITION unless this is set. */
DT_EXPORT dt_status dt_options_set_enable_entity_support(dt_options *options, int enable);
DT_EXPORT int dt_options_get_enable_entity_support(const dt_options *options);

/* Deadline of every call that gives none of its own; 0 (the default) for none. */
DT_EXPORT dt_status dt_options_set_default_deadline_ms(dt_options *options, int64_t deadline_ms);
DT_EXPORT int64_t dt_options_get_default_deadline_ms(const dt_options *options);

/*
 * Retries of calls answered UNAVAILABLE. `max_attempts` counts the first attempt (at
 * least 1); the backoff starts at `initial_backoff_ms`, grows by `backoff_multiplier`
 * (at least 1.0) and stops growing at `max_backoff_ms`.
 */
DT_EXPORT dt_status dt_options_set_retry(dt_options *options, int max_attempts,
                                         int64_t initial_backoff_ms, int64_t max_backoff_ms,
                                         double backoff_multiplier);
DT_EXPORT int dt_options_get_retry_max_attempts(const dt_options *options);
DT_EXPORT int64_t dt_options_get_retry_initial_backoff_ms(const dt_options *options);
DT_EXPORT int64_t dt_options_get_retry_max_backoff_ms(const dt_options *options);
DT_EXPORT double dt_options_get_retry_backoff_multiplier(const dt_options *options);

/*
 * HTTP/2 keepalive pings every `time_ms` (0, the default, sends none), each answered
 * within `timeout_ms`; `permit_without_calls` pings even when no call is in flight.
 */
DT_EXPORT dt_status dt_options_set_keepalive(dt_options *options, int64_t time_ms,
                                             int64_t timeout_ms, int permit_without_calls);
DT_EXPORT int64_t dt_options_get_keepalive_time_ms(const dt_options *options);
DT_EXPORT int64_t dt_options_get_keepalive_timeout_ms(const dt_options *options);
DT_EXPORT int dt_options_get_keepalive_permit_without_calls(const dt_options *options);

/*
 * Message size limits in bytes; 0 keeps gRPC's defaults (send: unlimited, receive:
 * 4 MiB). A payload larger than the send limit (4 MiB when 0) is refused before
 * anything is sent, with DT_INVALID_ARGUMENT.
 */
DT_EXPORT dt_status dt_options_set_max_send_message_size(dt_options *options, int bytes);
DT_EXPORT int dt_options_get_max_send_message_size(const dt_options *options);
DT_EXPORT dt_status dt_options_set_max_receive_message_size(dt_options *options, int bytes);
DT_EXPORT int dt_options_get_max_receive_message_size(const dt_options *options);

/* ---------------------------------------------------------------------------------------
 * Values that client operations return
 */

/* Runtime status of an orchestration; the numbering is the protocol's. */
typedef enum dt_runtime_status {
  /* Returned by getters given a handle that is not valid. */
  DT_RUNTIME_STATUS_INVALID = -1,
  DT_RUNTIME_STATUS_RUNNING = 0,
  DT_RUNTIME_STATUS_COMPLETED = 1,
  DT_RUNTIME_STATUS_CONTINUED_AS_NEW = 2,
  DT_RUNTIME_STATUS_FAILED = 3,
  DT_RUNTIME_STATUS_CANCELED = 4,
  DT_RUNTIME_STATUS_TERMINATED = 5,
  DT_RUNTIME_STATUS_PENDING = 6,
  DT_RUNTIME_STATUS_SUSPENDED = 7
} dt_runtime_status;

/*
 * "Running", "Completed", ... as the protocol names them; "Unknown" for other values.
 *
 * Returns: a static string.
 * Thread safety: may be called from any thread.
 */
DT_EXPORT const char *dt_runtime_status_name(dt_runtime_status status);

/*
 * 1 for Completed, Failed, Terminated and Canceled; 0 otherwise.
 *
 * Thread safety: may be called from any thread.
 */
DT_EXPORT int dt_runtime_status_is_terminal(dt_runtime_status status);

/*
 * Why an orchestration or activity failed. Always borrowed from the instance or history
 * event it came from, and valid as long as that object; failures form a chain through
 * dt_failure_inner(). Thread safety of every dt_failure_* function: read-only, may be
 * called from any number of threads at once.
 */
typedef struct dt_failure dt_failure;

DT_EXPORT const char *dt_failure_error_type(const dt_failure *failure);
DT_EXPORT const char *dt_failure_error_message(const dt_failure *failure);
/* NULL when the failure has no stack trace. */
DT_EXPORT const char *dt_failure_stack_trace(const dt_failure *failure);
DT_EXPORT int dt_failure_is_non_retriable(const dt_failure *failure);
/* The failure that caused this one, or NULL at the end of the chain. */
DT_EXPORT const dt_failure *dt_failure_inner(const dt_failure *failure);

/*
 * One orchestration instance as the sidecar reported it. Payloads (input, output,
 * custom status) are JSON text, present only when the call asked for them.
 *
 * Strings returned by the getters are owned by the instance and valid until it is
 * freed; NULL means absent. Thread safety of every dt_instance_* getter: read-only, may
 * be called from any number of threads at once (dt_instance_free has its own line).
 */
typedef struct dt_instance dt_instance;

/*
 * Releases an instance that came out of a call or an iterator. An instance borrowed from
 * a page is released with its page; freeing it here fails with DT_INVALID_ARGUMENT (set
 * as the last error) and does nothing.
 *
 * Thread safety: the instance must not be used during or after this call.
 */
DT_EXPORT void dt_instance_free(dt_instance *instance);

DT_EXPORT const char *dt_instance_name(const dt_instance *instance);
DT_EXPORT const char *dt_instance_id(const dt_instance *instance);
/* NULL when the sidecar did not report it. */
DT_EXPORT const char *dt_instance_execution_id(const dt_instance *instance);
DT_EXPORT dt_runtime_status dt_instance_runtime_status(const dt_instance *instance);
/* Unix milliseconds, 0 when not reported. */
DT_EXPORT int64_t dt_instance_created_at(const dt_instance *instance);
DT_EXPORT int64_t dt_instance_last_updated_at(const dt_instance *instance);
DT_EXPORT int64_t dt_instance_completed_at(const dt_instance *instance);
DT_EXPORT int64_t dt_instance_scheduled_start_at(const dt_instance *instance);
/* JSON text, NULL when absent or not fetched. */
DT_EXPORT const char *dt_instance_input(const dt_instance *instance);
DT_EXPORT const char *dt_instance_output(const dt_instance *instance);
DT_EXPORT const char *dt_instance_custom_status(const dt_instance *instance);
/* The failure of a failed instance (borrowed from the instance), NULL otherwise. */
DT_EXPORT const dt_failure *dt_instance_failure(const dt_instance *instance);
/* Tags, in ascending order of name. */
DT_EXPORT size_t dt_instance_tag_count(const dt_instance *instance);
/*
 * The tag at `index` (below dt_instance_tag_count).
 *
 * name_out, value_out: receive borrowed strings, valid while the instance lives; either
 *   may be NULL.
 * Returns: DT_OK, or DT_OUT_OF_RANGE for an index past the end.
 */
DT_EXPORT dt_status dt_instance_tag_at(const char **name_out, const char **value_out,
                                       const dt_instance *instance, size_t index);
/* The tag value for `name`, NULL when there is no such tag. */
DT_EXPORT const char *dt_instance_tag(const dt_instance *instance, const char *name);
/* NULL when the instance has no version. */
DT_EXPORT const char *dt_instance_version(const dt_instance *instance);
/* The parent orchestration of a sub-orchestration, NULL otherwise. */
DT_EXPORT const char *dt_instance_parent_instance_id(const dt_instance *instance);

/*
 * One page of instances. Items are borrowed from the page. Thread safety of every
 * dt_instance_page_* function: the getters may be called from any number of threads at
 * once; dt_instance_page_free must not run while another thread uses the page.
 */
typedef struct dt_instance_page dt_instance_page;

/* Releases the page and every instance borrowed from it. */
DT_EXPORT void dt_instance_page_free(dt_instance_page *page);
DT_EXPORT size_t dt_instance_page_count(const dt_instance_page *page);
/* The item at `index`, borrowed from the page; NULL (DT_OUT_OF_RANGE) past the end. */
DT_EXPORT const dt_instance *dt_instance_page_at(const dt_instance_page *page, size_t index);
/*
 * The token that fetches the next page (pass it as the query's continuation_token),
 * NULL on the last page. Owned by the page.
 */
DT_EXPORT const char *dt_instance_page_continuation_token(const dt_instance_page *page);

/*
 * One page of instance ids. Thread safety of every dt_instance_id_page_* function: as
 * dt_instance_page.
 */
typedef struct dt_instance_id_page dt_instance_id_page;

DT_EXPORT void dt_instance_id_page_free(dt_instance_id_page *page);
DT_EXPORT size_t dt_instance_id_page_count(const dt_instance_id_page *page);
/* The id at `index`, owned by the page; NULL (DT_OUT_OF_RANGE) past the end. */
DT_EXPORT const char *dt_instance_id_page_at(const dt_instance_id_page *page, size_t index);
/* The key that fetches the next page (the query's last_instance_key), NULL on the last. */
DT_EXPORT const char *dt_instance_id_page_continuation_token(const dt_instance_id_page *page);

/*
 * An entity (entity ids look like `@name@key`). Strings are owned by the entity; NULL
 * means absent. Thread safety of every dt_entity_* function: the getters may be called
 * from any number of threads at once; dt_entity_free must not run while another thread
 * uses the entity.
 */
typedef struct dt_entity dt_entity;

/*
 * Releases an entity that came out of a call or an iterator. An entity borrowed from a
 * page is released with its page; freeing it here fails with DT_INVALID_ARGUMENT.
 */
DT_EXPORT void dt_entity_free(dt_entity *entity);
DT_EXPORT const char *dt_entity_id(const dt_entity *entity);
/* Unix milliseconds, 0 when not reported. */
DT_EXPORT int64_t dt_entity_last_modified_at(const dt_entity *entity);
DT_EXPORT int dt_entity_backlog_queue_size(const dt_entity *entity);
/* The orchestration that holds the entity's lock, NULL when unlocked. */
DT_EXPORT const char *dt_entity_locked_by(const dt_entity *entity);
/* JSON text, NULL when absent or not fetched. */
DT_EXPORT const char *dt_entity_state(const dt_entity *entity);

/*
 * One page of entities. Thread safety of every dt_entity_page_* function: as
 * dt_instance_page.
 */
typedef struct dt_entity_page dt_entity_page;

DT_EXPORT void dt_entity_page_free(dt_entity_page *page);
DT_EXPORT size_t dt_entity_page_count(const dt_entity_page *page);
DT_EXPORT const dt_entity *dt_entity_page_at(const dt_entity_page *page, size_t index);
DT_EXPORT const char *dt_entity_page_continuation_token(const dt_entity_page *page);

/* The kind of a history event. */
typedef enum dt_history_event_kind {
  DT_HISTORY_EVENT_UNKNOWN = 0,
  DT_HISTORY_EVENT_EXECUTION_STARTED,
  DT_HISTORY_EVENT_EXECUTION_COMPLETED,
  DT_HISTORY_EVENT_EXECUTION_TERMINATED,
  DT_HISTORY_EVENT_TASK_SCHEDULED,
  DT_HISTORY_EVENT_TASK_COMPLETED,
  DT_HISTORY_EVENT_TASK_FAILED,
  DT_HISTORY_EVENT_SUB_ORCHESTRATION_CREATED,
  DT_HISTORY_EVENT_SUB_ORCHESTRATION_COMPLETED,
  DT_HISTORY_EVENT_SUB_ORCHESTRATION_FAILED,
  DT_HISTORY_EVENT_TIMER_CREATED,
  DT_HISTORY_EVENT_TIMER_FIRED,
  DT_HISTORY_EVENT_ORCHESTRATOR_STARTED,
  DT_HISTORY_EVENT_ORCHESTRATOR_COMPLETED,
  DT_HISTORY_EVENT_EVENT_SENT,
  DT_HISTORY_EVENT_EVENT_RAISED,
  DT_HISTORY_EVENT_GENERIC,
  DT_HISTORY_EVENT_HISTORY_STATE,
  DT_HISTORY_EVENT_CONTINUE_AS_NEW,
  DT_HISTORY_EVENT_EXECUTION_SUSPENDED,
  DT_HISTORY_EVENT_EXECUTION_RESUMED,
  DT_HISTORY_EVENT_EXECUTION_REWOUND
} dt_history_event_kind;

/*
 * "ExecutionStarted", "TaskCompleted", ...; "Unknown" for other values.
 *
 * Returns: a static string.
 * Thread safety: may be called from any thread.
 */
DT_EXPORT const char *dt_history_event_kind_name(dt_history_event_kind kind);

/*
 * One event of an orchestration's history, flattened: fields that its kind does not
 * carry are empty (NULL, 0). Strings are owned by the event. Thread safety of every
 * dt_history_event_* function: the getters may be called from any number of threads at
 * once; dt_history_event_free must not run while another thread uses the event.
 */
typedef struct dt_history_event dt_history_event;

/*
 * Releases an event read from a dt_history_stream. An event borrowed from a dt_history
 * is released with it; freeing it here fails with DT_INVALID_ARGUMENT.
 */
DT_EXPORT void dt_history_event_free(dt_history_event *event);
DT_EXPORT int dt_history_event_id(const dt_history_event *event);
DT_EXPORT dt_history_event_kind dt_history_event_get_kind(const dt_history_event *event);
/* Unix milliseconds, 0 when not reported. */
DT_EXPORT int64_t dt_history_event_timestamp(const dt_history_event *event);
/* Orchestration, activity, event or sub-orchestration name; "" when the kind has none. */
DT_EXPORT const char *dt_history_event_name(const dt_history_event *event);
/* Input, result, event data or reason as the kind has it (JSON text); NULL when absent. */
DT_EXPORT const char *dt_history_event_payload(const dt_history_event *event);
/* Target of a sub-orchestration or sent event; "" when the kind has none. */
DT_EXPORT const char *dt_history_event_instance_id(const dt_history_event *event);
DT_EXPORT int dt_history_event_task_scheduled_id(const dt_history_event *event);
/* When a timer fires, Unix milliseconds; 0 when the kind has none. */
DT_EXPORT int64_t dt_history_event_fire_at(const dt_history_event *event);
/* The status an ExecutionCompleted event reports; DT_RUNTIME_STATUS_INVALID when none. */
DT_EXPORT dt_runtime_status dt_history_event_runtime_status(const dt_history_event *event);
/* The failure a failed task or orchestration reports (borrowed), NULL otherwise. */
DT_EXPORT const dt_failure *dt_history_event_failure(const dt_history_event *event);

/* A whole history. Thread safety of every dt_history_* function: as dt_instance_page. */
typedef struct dt_history dt_history;

/* Releases the history and every event borrowed from it. */
DT_EXPORT void dt_history_free(dt_history *history);
DT_EXPORT size_t dt_history_count(const dt_history *history);
/* The event at `index`, borrowed from the history; NULL (DT_OUT_OF_RANGE) past the end. */
DT_EXPORT const dt_history_event *dt_history_at(const dt_history *history, size_t index);

/* ---------------------------------------------------------------------------------------
 * Inputs of client operations
 */

#define DT_START_OPTIONS_VERSION 1

/* What a new orchestration starts with. Strings are borrowed for the duration of the call. */
typedef struct dt_start_options {
  unsigned int version;
  /* The orchestration's name; required. */
  const char *name;
  /* JSON text; NULL for no input. */
  const char *input;
  /* NULL or "" for a new random id (32 lowercase hexadecimal digits). */
  const char *instance_id;
  /* When to start; 0 for now. */
  int64_t start_at_unix_ms;
  /* `tag_count` tag names and values, parallel arrays; NULL when tag_count is 0. */
  const char *const *tag_names;
  const char *const *tag_values;
  size_t tag_count;
  /* NULL or "" for the client's default version. */
  const char *orchestration_version;
  /*
   * An existing instance in one of these statuses makes the start fail with
   * DT_ALREADY_EXISTS; in any other status it is replaced. None leaves the sidecar's
   * own rule.
   */
  const dt_runtime_status *dedupe_statuses;
  size_t dedupe_status_count;
} dt_start_options;

/* Fills `options` with the defaults of `version`. Thread safety: the struct is the caller's. */
DT_EXPORT dt_status dt_start_options_init(dt_start_options *options, unsigned int version);

#define DT_TERMINATE_OPTIONS_VERSION 1

typedef struct dt_terminate_options {
  unsigned int version;
  /* JSON text recorded as the output; NULL for none. */
  const char *output;
  /* Also terminate sub-orchestrations. */
  int recursive;
} dt_terminate_options;

/* Fills `options` with the defaults of `version`. Thread safety: the struct is the caller's. */
DT_EXPORT dt_status dt_terminate_options_init(dt_terminate_options *options, unsigned int version);

#define DT_INSTANCE_QUERY_VERSION 1

/* Filters of an instance query. Unset fields do not filter. */
typedef struct dt_instance_query {
  unsigned int version;
  int64_t created_from_unix_ms;
  int64_t created_to_unix_ms;
  const dt_runtime_status *statuses;
  size_t status_count;
  const char *const *task_hub_names;
  size_t task_hub_name_count;
  /* NULL or "" for no prefix. */
  const char *instance_id_prefix;
  int fetch_inputs_and_outputs;
  /* Instances per page; default 100. */
  int page_size;
  /* Where to resume (a page's continuation token); NULL or "" to start at the beginning. */
  const char *continuation_token;
} dt_instance_query;

/* Fills `query` with the defaults of `version`. Thread safety: the struct is the caller's. */
DT_EXPORT dt_status dt_instance_query_init(dt_instance_query *query, unsigned int version);

#define DT_INSTANCE_ID_QUERY_VERSION 1

/* Filters for listing the ids of completed instances. */
typedef struct dt_instance_id_query {
  unsigned int version;
  const dt_runtime_status *statuses;
  size_t status_count;
  int64_t completed_from_unix_ms;
  int64_t completed_to_unix_ms;
  /* Ids per page; default 100. */
  int page_size;
  /* Where to resume (a page's continuation token); NULL or "" for the beginning. */
  const char *last_instance_key;
} dt_instance_id_query;

/* Fills `query` with the defaults of `version`. Thread safety: the struct is the caller's. */
DT_EXPORT dt_status dt_instance_id_query_init(dt_instance_id_query *query, unsigned int version);

#define DT_PURGE_FILTER_VERSION 1

typedef struct dt_purge_filter {
  unsigned int version;
  int64_t created_from_unix_ms;
  int64_t created_to_unix_ms;
  const dt_runtime_status *statuses;
  size_t status_count;
  /* The sidecar's time budget for the purge; 0 for its default. */
  int64_t timeout_ms;
} dt_purge_filter;

/* Fills `filter` with the defaults of `version`. Thread safety: the struct is the caller's. */
DT_EXPORT dt_status dt_purge_filter_init(dt_purge_filter *filter, unsigned int version);

#define DT_SIGNAL_ENTITY_OPTIONS_VERSION 1

typedef struct dt_signal_entity_options {
  unsigned int version;
  /* JSON text; NULL for no input. */
  const char *input;
  /* When to deliver the signal; 0 for now. */
  int64_t scheduled_time_unix_ms;
  /* NULL or "" for a new random id. */
  const char *request_id;
} dt_signal_entity_options;

/* Fills `options` with the defaults of `version`. Thread safety: the struct is the caller's. */
DT_EXPORT dt_status dt_signal_entity_options_init(dt_signal_entity_options *options,
                                                  unsigned int version);

#define DT_ENTITY_QUERY_VERSION 1

typedef struct dt_entity_query {
  unsigned int version;
  /* NULL or "" for all entities. */
  const char *instance_id_starts_with;
  int64_t last_modified_from_unix_ms;
  int64_t last_modified_to_unix_ms;
  int include_state;
  int include_transient;
  /* 0 (the default) leaves the page size to the sidecar. */
  int page_size;
  /* Where to resume; NULL or "" for the beginning. */
  const char *continuation_token;
} dt_entity_query;

/* Fills `query` with the defaults of `version`. Thread safety: the struct is the caller's. */
DT_EXPORT dt_status dt_entity_query_init(dt_entity_query *query, unsigned int version);

#define DT_CLEAN_ENTITY_STORAGE_OPTIONS_VERSION 1

typedef struct dt_clean_entity_storage_options {
  unsigned int version;
  /* Both default to 1. */
  int remove_empty_entities;
  int release_orphaned_locks;
} dt_clean_entity_storage_options;

/* Fills `options` with the defaults of `version`. Thread safety: the struct is the caller's. */
DT_EXPORT dt_status dt_clean_entity_storage_options_init(dt_clean_entity_storage_options *options,
                                                         unsigned int version);

/* ---------------------------------------------------------------------------------------
 * Completion callbacks of the asynchronous calls (see the conventions at the top)
 */

/* Completion of a call without a result. */
typedef void (*dt_done_cb)(void *user_data, dt_status status, const char *error_message);

/* Completion with a string (an instance id), borrowed until the callback returns; NULL on error. */
typedef void (*dt_string_cb)(void *user_data, dt_status status, const char *error_message,
                             const char *value);

/*
 * Completion with an instance, owned by the receiver. NULL on error, and also with
 * DT_OK when no such instance exists.
 */
typedef void (*dt_instance_cb)(void *user_data, dt_status status, const char *error_message,
                               dt_instance *instance);

/* Completion with a page, owned by the receiver; NULL on error. */
typedef void (*dt_instance_page_cb)(void *user_data, dt_status status, const char *error_message,
                                    dt_instance_page *page);
typedef void (*dt_instance_id_page_cb)(void *user_data, dt_status status, const char *error_message,
                                       dt_instance_id_page *page);
typedef void (*dt_entity_page_cb)(void *user_data, dt_status status, const char *error_message,
                                  dt_entity_page *page);

/*
 * Completion of a purge: how many instances were deleted, and whether the purge is
 * complete (1, 0, or -1 when the sidecar did not say). Both 0 on error.
 */
typedef void (*dt_purge_cb)(void *user_data, dt_status status, const char *error_message,
                            int deleted_instance_count, int is_complete);

/* Completion with a history, owned by the receiver; NULL on error. */
typedef void (*dt_history_cb)(void *user_data, dt_status status, const char *error_message,
                              dt_history *history);

/*
 * Completion with an entity, owned by the receiver. NULL on error, and also with DT_OK
 * when no such entity exists.
 */
typedef void (*dt_entity_cb)(void *user_data, dt_status status, const char *error_message,
                             dt_entity *entity);

/* Completion of an entity storage clean-up, with its totals (both 0 on error). */
typedef void (*dt_clean_entity_storage_cb)(void *user_data, dt_status status,
                                           const char *error_message, int empty_entities_removed,
                                           int orphaned_locks_released);

/* ---------------------------------------------------------------------------------------
 * Iterators and streams
 *
 * An iterator walks a paged listing, fetching the next page when the current one is
 * used up; the call options given when it was made apply to each page (a timeout is a
 * timeout per page). An error ends the walk and is returned by the next call. An
 * iterator or stream keeps the connection it needs alive: it stays usable after the
 * client handle that made it is freed, and must itself be freed.
 *
 * Thread safety of every iterator and stream function: not thread-safe; use one iterator
 * from one thread at a time (different iterators may be used concurrently).
 */

typedef struct dt_instance_iter dt_instance_iter;

/*
 * The next instance.
 *
 * instance_out: receives the next instance (free it with dt_instance_free), or NULL
 *   after the last one.
 * Returns: DT_OK (also at the end), or the error that ended the walk.
 */
DT_EXPORT dt_status dt_instance_iter_next(dt_instance **instance_out, dt_instance_iter *iter);
/* Pages fetched so far; 0 when the handle is not valid. */
DT_EXPORT int dt_instance_iter_pages_fetched(const dt_instance_iter *iter);
DT_EXPORT void dt_instance_iter_free(dt_instance_iter *iter);

typedef struct dt_instance_id_iter dt_instance_id_iter;

/*
 * The next instance id.
 *
 * id_out: receives the id (free it with dt_string_free), or NULL after the last one.
 * Returns: DT_OK (also at the end), or the error that ended the walk.
 */
DT_EXPORT dt_status dt_instance_id_iter_next(char **id_out, dt_instance_id_iter *iter);
DT_EXPORT int dt_instance_id_iter_pages_fetched(const dt_instance_id_iter *iter);
DT_EXPORT void dt_instance_id_iter_free(dt_instance_id_iter *iter);

typedef struct dt_entity_iter dt_entity_iter;

/*
 * The next entity.
 *
 * entity_out: receives the entity (free it with dt_entity_free), or NULL after the last.
 * Returns: DT_OK (also at the end), or the error that ended the walk.
 */
DT_EXPORT dt_status dt_entity_iter_next(dt_entity **entity_out, dt_entity_iter *iter);
DT_EXPORT int dt_entity_iter_pages_fetched(const dt_entity_iter *iter);
DT_EXPORT void dt_entity_iter_free(dt_entity_iter *iter);

/* An orchestration's history as the sidecar streams it, read event by event. */
typedef struct dt_history_stream dt_history_stream;

/*
 * The next event, waiting for the sidecar when none is buffered.
 *
 * event_out: receives the event (free it with dt_history_event_free), or NULL at the
 *   end of the stream.
 * Returns: DT_OK (also at the end), or the error that ended the stream.
 */
DT_EXPORT dt_status dt_history_stream_next(dt_history_event **event_out, dt_history_stream *stream);
/* Releases the stream, cancelling it if unfinished. */
DT_EXPORT void dt_history_stream_free(dt_history_stream *stream);

/* ---------------------------------------------------------------------------------------
 * Client
 *
 * The client of one task hub: one blocking function and one `_async` function per
 * client-side call of the sidecar protocol.
 *
 * Cost: making a client does no network I/O. Clients of one factory share connections
 * when their address, TLS settings and channel arguments are equal.
 *
 * Thread safety of every dt_client_* call (blocking or asynchronous): a client may be
 * used from any number of threads at once. It must not be freed while a blocking call
 * on it is running on another thread (asynchronous calls may be in flight: freeing
 * cancels them).
 *
 * Blocking calls wait for the answer, the deadline, or cancellation (see
 * dt_call_options); `call` may be NULL for defaults. Required strings must not be NULL.
 * Errors seen in the answer come with a message naming the call, the subject and the
 * task hub.
 */
typedef struct dt_client dt_client;

/*
 * A client with a connection of its own, outside any factory. The options are copied and
 * validated, and frozen once the client is made; nothing is sent. The task hub is the
 * options' task hub (no header when it is "").
 *
 * client_out: receives the client; free it with dt_client_free().
 * Returns: DT_OK, or DT_INVALID_ARGUMENT naming what is wrong with the options.
 */
DT_EXPORT dt_status dt_client_create(dt_client **client_out, dt_options *options);

/*
 * Releases a client. Cancels the asynchronous calls started through this handle and
 * waits until their callbacks have run; no callback of this handle runs after it
 * returns. Called from a completion callback (on a library thread), it cannot wait
 * without risking a deadlock, since gRPC may queue the cancelled calls' completions
 * behind that very thread: it then cancels the calls and returns at once, their
 * callbacks follow soon with DT_CANCELLED, and the client is released after the last of
 * them. The handle must not be used after this call either way. A client borrowed from a
 * provider is released with the provider: freeing it here fails with DT_INVALID_ARGUMENT
 * and does nothing.
 *
 * Thread safety: no blocking call may be running on the client; the handle must not be
 * used after this call.
 */
DT_EXPORT void dt_client_free(dt_client *client);

/* The client's name ("" for the default name); owned by the client, valid while it lives. */
DT_EXPORT const char *dt_client_name(const dt_client *client);

/* The task hub the client sends with every call; owned by the client, valid while it lives. */
DT_EXPORT const char *dt_client_task_hub(const dt_client *client);

/*
 * A copy of the options the client was made with, after composition.
 *
 * options_out: receives the copy; free it with dt_options_free().
 */
DT_EXPORT dt_status dt_client_get_options(dt_options **options_out, const dt_client *client);

/* Hello: DT_OK when the sidecar answers for this client's task hub (DT_NOT_FOUND when it
 * does not know the hub). */
DT_EXPORT dt_status dt_client_ping(dt_client *client, const dt_call_options *call);
DT_EXPORT dt_status dt_client_ping_async(dt_client *client, const dt_call_options *call,
                                         dt_done_cb done, void *user_data);

/*
 * Starts a new orchestration.
 *
 * instance_id_out: receives the instance id the sidecar confirmed; free it with
 *   dt_string_free(). May be NULL when the caller does not need it.
 * start: the orchestration; `name` is required.
 * Returns: DT_OK; DT_INVALID_ARGUMENT for an empty or over-long name or id, invalid
 *   UTF-8, an id starting with '@' (reserved for entities), an oversize input;
 *   DT_ALREADY_EXISTS when the id is taken by an instance in a deduplicated status.
 */
DT_EXPORT dt_status dt_client_schedule_new_orchestration(char **instance_id_out, dt_client *client,
                                                         const dt_start_options *start,
                                                         const dt_call_options *call);
DT_EXPORT dt_status dt_client_schedule_new_orchestration_async(dt_client *client,
                                                               const dt_start_options *start,
                                                               const dt_call_options *call,
                                                               dt_string_cb done, void *user_data);

/*
 * The state of an instance.
 *
 * instance_out: receives the instance (free it with dt_instance_free), or NULL with DT_OK
 *   when no such instance exists.
 * include_payloads: also fetch input, output and custom status.
 */
DT_EXPORT dt_status dt_client_get_instance(dt_instance **instance_out, dt_client *client,
                                           const char *instance_id, int include_payloads,
                                           const dt_call_options *call);
DT_EXPORT dt_status dt_client_get_instance_async(dt_client *client, const char *instance_id,
                                                 int include_payloads, const dt_call_options *call,
                                                 dt_instance_cb done, void *user_data);

/*
 * Waits until the instance has started (or already finished). The sidecar's long poll is
 * re-issued when it ends early, so the wait ends only at the caller's deadline, on
 * cancellation, or when the state is reached.
 *
 * instance_out: as dt_client_get_instance.
 */
DT_EXPORT dt_status dt_client_wait_for_instance_start(dt_instance **instance_out, dt_client *client,
                                                      const char *instance_id, int include_payloads,
                                                      const dt_call_options *call);
DT_EXPORT dt_status dt_client_wait_for_instance_start_async(dt_client *client,
                                                            const char *instance_id,
                                                            int include_payloads,
                                                            const dt_call_options *call,
                                                            dt_instance_cb done, void *user_data);

/* Waits until the instance has finished; otherwise as dt_client_wait_for_instance_start. */
DT_EXPORT dt_status dt_client_wait_for_instance_completion(dt_instance **instance_out,
                                                           dt_client *client,
                                                           const char *instance_id,
                                                           int include_payloads,
                                                           const dt_call_options *call);
DT_EXPORT dt_status dt_client_wait_for_instance_completion_async(
    dt_client *client, const char *instance_id, int include_payloads, const dt_call_options *call,
    dt_instance_cb done, void *user_data);

/*
 * Raises an event for an instance.
 *
 * payload: JSON text, or NULL for none.
 * Returns: DT_OK; DT_INVALID_ARGUMENT for an empty, over-long or non-UTF-8 id or name, or
 *   an oversize payload; DT_NOT_FOUND when the sidecar knows no such instance.
 */
DT_EXPORT dt_status dt_client_raise_event(dt_client *client, const char *instance_id,
                                          const char *event_name, const char *payload,
                                          const dt_call_options *call);
DT_EXPORT dt_status dt_client_raise_event_async(dt_client *client, const char *instance_id,
                                                const char *event_name, const char *payload,
                                                const dt_call_options *call, dt_done_cb done,
                                                void *user_data);

/* Terminates an instance. terminate: NULL for no output, not recursive. */
DT_EXPORT dt_status dt_client_terminate(dt_client *client, const char *instance_id,
                                        const dt_terminate_options *terminate,
                                        const dt_call_options *call);
DT_EXPORT dt_status dt_client_terminate_async(dt_client *client, const char *instance_id,
                                              const dt_terminate_options *terminate,
                                              const dt_call_options *call, dt_done_cb done,
                                              void *user_data);

/* Suspends an instance. reason: NULL or "" for none. */
DT_EXPORT dt_status dt_client_suspend(dt_client *client, const char *instance_id,
                                      const char *reason, const dt_call_options *call);
DT_EXPORT dt_status dt_client_suspend_async(dt_client *client, const char *instance_id,
                                            const char *reason, const dt_call_options *call,
                                            dt_done_cb done, void *user_data);

/* Resumes a suspended instance. reason: NULL or "" for none. */
DT_EXPORT dt_status dt_client_resume(dt_client *client, const char *instance_id, const char *reason,
                                     const dt_call_options *call);
DT_EXPORT dt_status dt_client_resume_async(dt_client *client, const char *instance_id,
                                           const char *reason, const dt_call_options *call,
                                           dt_done_cb done, void *user_data);

/*
 * One page of instances matching `query` (NULL for all, 100 per page).
 *
 * page_out: receives the page; free it with dt_instance_page_free().
 */
DT_EXPORT dt_status dt_client_query_instances_page(dt_instance_page **page_out, dt_client *client,
                                                   const dt_instance_query *query,
                                                   const dt_call_options *call);
DT_EXPORT dt_status dt_client_query_instances_page_async(dt_client *client,
                                                         const dt_instance_query *query,
                                                         const dt_call_options *call,
                                                         dt_instance_page_cb done, void *user_data);

/*
 * All instances matching `query`, fetched page by page as the iterator advances. Nothing
 * is sent until the first dt_instance_iter_next().
 *
 * iter_out: receives the iterator; free it with dt_instance_iter_free().
 */
DT_EXPORT dt_status dt_client_query_instances(dt_instance_iter **iter_out, dt_client *client,
                                              const dt_instance_query *query,
                                              const dt_call_options *call);

/*
 * One page of the ids of completed instances matching `query` (NULL for all).
 *
 * page_out: receives the page; free it with dt_instance_id_page_free().
 */
DT_EXPORT dt_status dt_client_list_instance_ids_page(dt_instance_id_page **page_out,
                                                     dt_client *client,
                                                     const dt_instance_id_query *query,
                                                     const dt_call_options *call);
DT_EXPORT dt_status dt_client_list_instance_ids_page_async(dt_client *client,
                                                           const dt_instance_id_query *query,
                                                           const dt_call_options *call,
                                                           dt_instance_id_page_cb done,
                                                           void *user_data);

/* All ids matching `query`, page by page. iter_out: free it with dt_instance_id_iter_free(). */
DT_EXPORT dt_status dt_client_list_instance_ids(dt_instance_id_iter **iter_out, dt_client *client,
                                                const dt_instance_id_query *query,
                                                const dt_call_options *call);

/*
 * Purges one instance (and with `recursive`, its sub-orchestrations).
 *
 * deleted_instance_count_out: receives how many instances were deleted; may be NULL.
 * is_complete_out: receives 1, 0, or -1 when the sidecar did not say; may be NULL.
 */
DT_EXPORT dt_status dt_client_purge_instance(int *deleted_instance_count_out, int *is_complete_out,
                                             dt_client *client, const char *instance_id,
                                             int recursive, const dt_call_options *call);
DT_EXPORT dt_status dt_client_purge_instance_async(dt_client *client, const char *instance_id,
                                                   int recursive, const dt_call_options *call,
                                                   dt_purge_cb done, void *user_data);

/* Purges the instances matching `filter` (required); out-params as dt_client_purge_instance. */
DT_EXPORT dt_status dt_client_purge_instances(int *deleted_instance_count_out, int *is_complete_out,
                                              dt_client *client, const dt_purge_filter *filter,
                                              const dt_call_options *call);
DT_EXPORT dt_status dt_client_purge_instances_async(dt_client *client,
                                                    const dt_purge_filter *filter,
                                                    const dt_call_options *call, dt_purge_cb done,
                                                    void *user_data);

/*
 * Restarts an instance with its original input.
 *
 * instance_id_out: receives the id it runs under (new when restart_with_new_instance_id
 *   is set); free it with dt_string_free(). May be NULL.
 */
DT_EXPORT dt_status dt_client_restart_instance(char **instance_id_out, dt_client *client,
                                               const char *instance_id,
                                               int restart_with_new_instance_id,
                                               const dt_call_options *call);
DT_EXPORT dt_status dt_client_restart_instance_async(dt_client *client, const char *instance_id,
                                                     int restart_with_new_instance_id,
                                                     const dt_call_options *call, dt_string_cb done,
                                                     void *user_data);

/* Rewinds a failed instance. reason: NULL or "" for none. */
DT_EXPORT dt_status dt_client_rewind_instance(dt_client *client, const char *instance_id,
                                              const char *reason, const dt_call_options *call);
DT_EXPORT dt_status dt_client_rewind_instance_async(dt_client *client, const char *instance_id,
                                                    const char *reason, const dt_call_options *call,
                                                    dt_done_cb done, void *user_data);

/*
 * The whole history of an instance, collected from the sidecar's stream.
 *
 * history_out: receives the history; free it with dt_history_free().
 */
DT_EXPORT dt_status dt_client_get_history(dt_history **history_out, dt_client *client,
                                          const char *instance_id, const dt_call_options *call);
DT_EXPORT dt_status dt_client_get_history_async(dt_client *client, const char *instance_id,
                                                const dt_call_options *call, dt_history_cb done,
                                                void *user_data);

/*
 * Opens the history of an instance as a stream read event by event. The stream is not
 * retried on UNAVAILABLE (events already read would be delivered twice); the error is
 * returned by dt_history_stream_next() instead.
 *
 * stream_out: receives the stream; free it with dt_history_stream_free().
 */
DT_EXPORT dt_status dt_client_stream_history(dt_history_stream **stream_out, dt_client *client,
                                             const char *instance_id, const dt_call_options *call);

/*
 * Signals an entity (`@name@key`). Entity calls fail with DT_FAILED_PRECONDITION unless
 * entity support is enabled in the client's options.
 *
 * signal: NULL for no input, now, a random request id.
 */
DT_EXPORT dt_status dt_client_signal_entity(dt_client *client, const char *entity_id,
                                            const char *operation,
                                            const dt_signal_entity_options *signal,
                                            const dt_call_options *call);
DT_EXPORT dt_status dt_client_signal_entity_async(dt_client *client, const char *entity_id,
                                                  const char *operation,
                                                  const dt_signal_entity_options *signal,
                                                  const dt_call_options *call, dt_done_cb done,
                                                  void *user_data);

/*
 * The metadata of an entity.
 *
 * entity_out: receives the entity (free it with dt_entity_free), or NULL with DT_OK when
 *   no such entity exists.
 */
DT_EXPORT dt_status dt_client_get_entity(dt_entity **entity_out, dt_client *client,
                                         const char *entity_id, int include_state,
                                         const dt_call_options *call);
DT_EXPORT dt_status dt_client_get_entity_async(dt_client *client, const char *entity_id,
                                               int include_state, const dt_call_options *call,
                                               dt_entity_cb done, void *user_data);

/* One page of entities matching `query` (NULL for all). Free it with dt_entity_page_free(). */
DT_EXPORT dt_status dt_client_query_entities_page(dt_entity_page **page_out, dt_client *client,
                                                  const dt_entity_query *query,
                                                  const dt_call_options *call);
DT_EXPORT dt_status dt_client_query_entities_page_async(dt_client *client,
                                                        const dt_entity_query *query,
                                                        const dt_call_options *call,
                                                        dt_entity_page_cb done, void *user_data);

/* All entities matching `query`, page by page. Free the iterator with dt_entity_iter_free(). */
DT_EXPORT dt_status dt_client_query_entities(dt_entity_iter **iter_out, dt_client *client,
                                             const dt_entity_query *query,
                                             const dt_call_options *call);

/*
 * Cleans entity storage, repeating the call while the sidecar hands back a continuation
 * token, and returns the totals.
 *
 * empty_entities_removed_out, orphaned_locks_released_out: receive the totals; either
 *   may be NULL.
 * clean: NULL for the defaults (both actions on).
 */
DT_EXPORT dt_status dt_client_clean_entity_storage(int *empty_entities_removed_out,
                                                   int *orphaned_locks_released_out,
                                                   dt_client *client,
                                                   const dt_clean_entity_storage_options *clean,
                                                   const dt_call_options *call);
DT_EXPORT dt_status dt_client_clean_entity_storage_async(
    dt_client *client, const dt_clean_entity_storage_options *clean, const dt_call_options *call,
    dt_clean_entity_storage_cb done, void *user_data);

/* ---------------------------------------------------------------------------------------
 * Factory, builder, provider
 *
 * Options of a client made by a factory or provider are composed in this order, each
 * step seeing what the previous one left:
 *   1. the library defaults,
 *   2. the options given to dt_factory_builder_use_grpc (or its connection string),
 *   3. callbacks registered for all names, in registration order,
 *   4. callbacks registered for the client's name, in registration order,
 *   5. the callback given to dt_factory_create_client_with.
 * Then, if the task hub is still "", the client's name becomes its task hub (the default
 * name, "", becomes the hub "default").
 *
 * Names are client names, usually task hub names: UTF-8, at most 256 bytes; NULL and ""
 * both mean the default name.
 */

/*
 * Shapes the options of a client being made. `options` is valid only during the call
 * (keep no pointer to it) and may be changed with the dt_options_set_* functions. Runs
 * on the thread that makes the client. Returning anything but DT_OK makes the client
 * creation (or build) that ran it fail with that code and the message of the thread's
 * last error, so a failed setter can simply be returned.
 */
typedef dt_status (*dt_configure_cb)(void *user_data, dt_options *options);

/*
 * Configures a factory and a provider. Thread safety of every dt_factory_builder_*
 * function: a builder is used from one thread at a time (what it builds is thread-safe).
 * Once it has built something, further configuration fails with DT_FAILED_PRECONDITION
 * (it would not reach what was built); building again is allowed.
 */
typedef struct dt_factory_builder dt_factory_builder;

/* builder_out: receives the builder; free it with dt_factory_builder_free(). */
DT_EXPORT dt_status dt_factory_builder_new(dt_factory_builder **builder_out);

/* Releases the builder. Factories and providers it built are independent of it. */
DT_EXPORT void dt_factory_builder_free(dt_factory_builder *builder);

/*
 * Chooses the gRPC transport with these base options (NULL for the library defaults),
 * copied and frozen. Without a transport, creating clients fails with DT_NOT_CONFIGURED.
 */
DT_EXPORT dt_status dt_factory_builder_use_grpc(dt_factory_builder *builder, dt_options *options);

/*
 * dt_factory_builder_use_grpc with options parsed from a connection string. A bad
 * string fails here (see dt_options_apply_connection_string) and leaves the builder as
 * it was.
 */
DT_EXPORT dt_status dt_factory_builder_use_connection_string(dt_factory_builder *builder,
                                                             const char *connection_string);

/*
 * Registers a callback for the options of every client. The builder and everything it
 * builds share it; free_user_data runs when the last of them is gone.
 */
DT_EXPORT dt_status dt_factory_builder_configure_all(dt_factory_builder *builder,
                                                     dt_configure_cb configure, void *user_data,
                                                     dt_free_cb free_user_data);

/* As dt_factory_builder_configure_all, for the clients of one name only. */
DT_EXPORT dt_status dt_factory_builder_configure(dt_factory_builder *builder, const char *name,
                                                 dt_configure_cb configure, void *user_data,
                                                 dt_free_cb free_user_data);

/* Registers a name whose client the provider builds (registering a name twice is harmless). */
DT_EXPORT dt_status dt_factory_builder_add_client(dt_factory_builder *builder, const char *name);

/* Channels without clients that have been idle this long are closed; default 30000. */
DT_EXPORT dt_status dt_factory_builder_set_channel_idle_timeout_ms(dt_factory_builder *builder,
                                                                   int64_t timeout_ms);

/*
 * Hands out clients for any name at run time. Thread safety of every dt_factory_*
 * function: may be called from any number of threads at once, except dt_factory_free,
 * which must not run while another thread uses the factory.
 */
typedef struct dt_factory dt_factory;

/*
 * Builds a factory.
 *
 * factory_out: receives the factory; free it with dt_factory_free().
 */
DT_EXPORT dt_status dt_factory_builder_build_factory(dt_factory **factory_out,
                                                     dt_factory_builder *builder);

/*
 * Releases the factory. Clients it made stay usable (they keep the connections they
 * use).
 *
 * Thread safety: no other thread may be using the factory.
 */
DT_EXPORT void dt_factory_free(dt_factory *factory);

/*
 * A new client for `name`; no network I/O.
 *
 * client_out: receives the client; free it with dt_client_free().
 * Returns: DT_OK; DT_NOT_CONFIGURED without a transport; DT_INVALID_ARGUMENT for an
 *   over-long or non-UTF-8 name or options that do not validate; or the code a configure
 *   callback returned.
 * Thread safety: may be called from any number of threads at once.
 */
DT_EXPORT dt_status dt_factory_create_client(dt_client **client_out, dt_factory *factory,
                                             const char *name);

/*
 * As dt_factory_create_client, with `configure` applied last (step 5 of the composition
 * order). The callback runs before this function returns and is not kept.
 *
 * configure: required.
 */
DT_EXPORT dt_status dt_factory_create_client_with(dt_client **client_out, dt_factory *factory,
                                                  const char *name, dt_configure_cb configure,
                                                  void *user_data);

/*
 * The options a client of this name would get now (without a per-call callback).
 *
 * options_out: receives a copy; free it with dt_options_free().
 * Thread safety: may be called from any number of threads at once.
 */
DT_EXPORT dt_status dt_factory_resolve_options(dt_options **options_out, const dt_factory *factory,
                                               const char *name);

/*
 * Adds configuration at run time: later clients see it, existing clients keep what they
 * were made with. Callback ownership as dt_factory_builder_configure_all.
 *
 * Thread safety: may be called from any number of threads at once.
 */
DT_EXPORT dt_status dt_factory_configure_all(dt_factory *factory, dt_configure_cb configure,
                                             void *user_data, dt_free_cb free_user_data);
DT_EXPORT dt_status dt_factory_configure(dt_factory *factory, const char *name,
                                         dt_configure_cb configure, void *user_data,
                                         dt_free_cb free_user_data);

/* Closes channels without clients once idle this long. Thread safety: any thread. */
DT_EXPORT dt_status dt_factory_set_channel_idle_timeout_ms(dt_factory *factory, int64_t timeout_ms);

/*
 * Closes the unused channels that have been idle for the idle timeout, now.
 *
 * closed_out: receives how many were closed; may be NULL.
 * Thread safety: may be called from any thread.
 */
DT_EXPORT dt_status dt_factory_close_idle_channels(int *closed_out, dt_factory *factory);

/* The number of pooled channels open now; -1 when the handle is not valid. Any thread. */
DT_EXPORT int dt_factory_open_channel_count(const dt_factory *factory);

/* Whether a name's task hub answers. */
typedef enum dt_health_state {
  DT_HEALTH_INVALID = -1,
  DT_HEALTH_REACHABLE = 0,
  DT_HEALTH_UNREACHABLE = 1,
  /* The sidecar answered but does not know the task hub. */
  DT_HEALTH_NOT_FOUND = 2
} dt_health_state;

/* "reachable", "unreachable", "not_found"; "unknown" for other values. Static; any thread. */
DT_EXPORT const char *dt_health_state_name(dt_health_state state);

/*
 * The outcome of a health check; strings are owned by the report. Thread safety of every
 * dt_health_report_* function: the getters may be called from any number of threads at
 * once; dt_health_report_free must not run while another thread uses the report.
 */
typedef struct dt_health_report dt_health_report;

DT_EXPORT void dt_health_report_free(dt_health_report *report);
DT_EXPORT dt_health_state dt_health_report_state(const dt_health_report *report);
DT_EXPORT const char *dt_health_report_task_hub(const dt_health_report *report);
DT_EXPORT const char *dt_health_report_address(const dt_health_report *report);
/* "" when reachable; otherwise why not. */
DT_EXPORT const char *dt_health_report_reason(const dt_health_report *report);

/*
 * Sends Hello for a name's task hub and reports the outcome. A sidecar that cannot be
 * reached is a report, not an error.
 *
 * report_out: receives the report; free it with dt_health_report_free().
 * timeout_ms: how long to wait; 0 for 5000.
 * Returns: DT_OK with a report; an error only for bad arguments.
 * Thread safety: may be called from any number of threads at once.
 */
DT_EXPORT dt_status dt_factory_check_health(dt_health_report **report_out, dt_factory *factory,
                                            const char *name, int64_t timeout_ms);

/*
 * Counters of a factory, copied when taken; strings are owned by the snapshot. Thread
 * safety of every dt_metrics_* function: the getters may be called from any number of
 * threads at once; dt_metrics_free must not run while another thread uses the snapshot.
 */
typedef struct dt_metrics dt_metrics;

/*
 * A snapshot of the factory's counters (of every client and channel it made).
 *
 * metrics_out: receives the snapshot; free it with dt_metrics_free().
 * Thread safety: may be called from any thread.
 */
DT_EXPORT dt_status dt_factory_metrics(dt_metrics **metrics_out, const dt_factory *factory);
DT_EXPORT void dt_metrics_free(dt_metrics *metrics);
DT_EXPORT uint64_t dt_metrics_clients_created(const dt_metrics *metrics);
DT_EXPORT uint64_t dt_metrics_clients_disposed(const dt_metrics *metrics);
DT_EXPORT uint64_t dt_metrics_clients_live(const dt_metrics *metrics);
DT_EXPORT uint64_t dt_metrics_channels_opened(const dt_metrics *metrics);
DT_EXPORT uint64_t dt_metrics_channels_closed(const dt_metrics *metrics);
DT_EXPORT uint64_t dt_metrics_channels_open(const dt_metrics *metrics);
DT_EXPORT uint64_t dt_metrics_retries(const dt_metrics *metrics);
/* Finished calls, counted by RPC name ("RaiseEvent") and status name ("ok"). */
DT_EXPORT size_t dt_metrics_call_entry_count(const dt_metrics *metrics);
/*
 * One counter of finished calls.
 *
 * rpc_out, code_out: receive borrowed names, valid while the snapshot lives; may be NULL.
 * count_out: receives the count; may be NULL.
 * Returns: DT_OK, or DT_OUT_OF_RANGE past the end.
 */
DT_EXPORT dt_status dt_metrics_call_entry_at(const char **rpc_out, const char **code_out,
                                             uint64_t *count_out, const dt_metrics *metrics,
                                             size_t index);
/* The count of finished calls of one RPC with one status name; 0 when none. */
DT_EXPORT uint64_t dt_metrics_calls(const dt_metrics *metrics, const char *rpc, const char *code);

/*
 * Clients registered up front (dt_factory_builder_add_client), built once and owned by
 * the provider. Thread-safe: every function may be called from any number of threads.
 */
typedef struct dt_provider dt_provider;

/*
 * Builds every registered client; they share the provider's channels.
 *
 * provider_out: receives the provider; free it with dt_provider_free().
 * Returns: DT_OK, or the first failure, naming the client.
 */
DT_EXPORT dt_status dt_factory_builder_build_provider(dt_provider **provider_out,
                                                      dt_factory_builder *builder);

/*
 * Releases the provider and its clients, cancelling the asynchronous calls started
 * through them and waiting for their callbacks (from a callback: as dt_client_free).
 *
 * Thread safety: no other thread may be using the provider or its clients.
 */
DT_EXPORT void dt_provider_free(dt_provider *provider);

/*
 * The registered client of a name.
 *
 * client_out: receives a client borrowed from the provider, valid until the provider is
 *   freed; do not free it.
 * Returns: DT_OK, or DT_NOT_FOUND with a message listing the registered names.
 */
DT_EXPORT dt_status dt_provider_get_client(dt_client **client_out, const dt_provider *provider,
                                           const char *name);
DT_EXPORT size_t dt_provider_name_count(const dt_provider *provider);
/* A registered name, owned by the provider; NULL (DT_OUT_OF_RANGE) past the end. */
DT_EXPORT const char *dt_provider_name_at(const dt_provider *provider, size_t index);

/*
 * Hands out shared clients per name, keeping at most `capacity` (the least recently
 * used goes first) and dropping those unused for the idle timeout. Thread-safe.
 */
typedef struct dt_caching_factory dt_caching_factory;

/*
 * A caching factory over `factory` (which it shares: the factory handle may be freed).
 *
 * capacity: the most clients kept (at least 1).
 * idle_timeout_ms: drop clients unused this long; 0 never drops for idleness.
 * cache_out: receives the caching factory; free it with dt_caching_factory_free().
 */
DT_EXPORT dt_status dt_caching_factory_new(dt_caching_factory **cache_out, dt_factory *factory,
                                           size_t capacity, int64_t idle_timeout_ms);

/*
 * Releases the caching factory. Client handles it gave out stay usable.
 *
 * Thread safety: no other thread may be using the caching factory.
 */
DT_EXPORT void dt_caching_factory_free(dt_caching_factory *cache);

/*
 * The shared client of a name, made on first use.
 *
 * client_out: receives a new handle to the shared client; free it with dt_client_free().
 *   Freeing a handle cancels the asynchronous calls started through that handle only;
 *   the client itself lives while the cache or another handle holds it.
 * Thread safety: may be called from any number of threads at once.
 */
DT_EXPORT dt_status dt_caching_factory_get_client(dt_client **client_out, dt_caching_factory *cache,
                                                  const char *name);
/* The number of cached clients. Any thread. */
DT_EXPORT size_t dt_caching_factory_size(const dt_caching_factory *cache);
/* How many clients were evicted so far. Any thread. */
DT_EXPORT uint64_t dt_caching_factory_evictions(const dt_caching_factory *cache);
/* Drops every cached client (handles given out stay usable). Any thread. */
DT_EXPORT dt_status dt_caching_factory_clear(dt_caching_factory *cache);

#ifdef __cplusplus
}
#endif

#endif /* DURABLETASK_C_H_ */
