// The library's internal logging entry point; the sink is installed with SetLogSink.
#ifndef DURABLETASK_SRC_COMMON_LOGGING_H_
#define DURABLETASK_SRC_COMMON_LOGGING_H_

#include <string>

#include "durabletask/logging.h"

namespace durabletask::internal {

// True when a line at `level` would reach the sink; callers check it before building
// a message so that silent logging costs one atomic load.
bool LogEnabled(LogLevel level);

void Log(LogLevel level, const std::string& category, const std::string& message);

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_COMMON_LOGGING_H_
