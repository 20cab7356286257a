#include "common/logging.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>

namespace durabletask {
namespace {

struct SinkHolder {
  std::mutex mutex;
  std::shared_ptr<const LogSink> sink;
  std::atomic<int> min_level{static_cast<int>(LogLevel::kWarning)};
};

SinkHolder& Holder() {
  static SinkHolder* holder = new SinkHolder();  // never destroyed: logging may run at exit
  return *holder;
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return "trace";
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "?";
}

}  // namespace

void SetLogSink(LogSink sink, LogLevel min_level) {
  SinkHolder& holder = Holder();
  std::shared_ptr<const LogSink> installed;
  if (sink) installed = std::make_shared<const LogSink>(std::move(sink));
  std::lock_guard<std::mutex> lock(holder.mutex);
  holder.sink = std::move(installed);
  holder.min_level.store(static_cast<int>(holder.sink ? min_level : LogLevel::kWarning),
                         std::memory_order_relaxed);
}

namespace internal {

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= Holder().min_level.load(std::memory_order_relaxed);
}

void Log(LogLevel level, const std::string& category, const std::string& message) {
  if (!LogEnabled(level)) return;
  SinkHolder& holder = Holder();
  std::shared_ptr<const LogSink> sink;
  {
    std::lock_guard<std::mutex> lock(holder.mutex);
    sink = holder.sink;
  }
  if (sink) {
    (*sink)(level, category, message);
  } else {
    std::fprintf(stderr, "durabletask %s [%s] %s\n", LevelName(level), category.c_str(),
                 message.c_str());
  }
}

}  // namespace internal
}  // namespace durabletask
