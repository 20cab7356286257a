// Where the library's log lines go. Silent below warnings unless a sink asks for more.
#ifndef DURABLETASK_LOGGING_H_
#define DURABLETASK_LOGGING_H_

#include <functional>
#include <string>

#include "durabletask/export.h"

namespace durabletask {

enum class LogLevel : int { kTrace = 0, kDebug = 1, kInfo = 2, kWarning = 3, kError = 4 };

// category: "client", "channel", "factory", "token", ...; message names the task hub or
// instance involved and never holds a payload, a token or a connection-string secret.
using LogSink = std::function<void(LogLevel level, const std::string& category,
                                   const std::string& message)>;

// Installs a process-wide sink receiving lines at `min_level` and above; an empty sink
// restores the default (warnings and errors to stderr). The sink may be called from any
// thread, concurrently.
//
// Thread safety: may be called at any time from any thread.
DT_API void SetLogSink(LogSink sink, LogLevel min_level = LogLevel::kWarning);

}  // namespace durabletask

#endif  // DURABLETASK_LOGGING_H_
