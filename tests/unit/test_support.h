// Helpers shared by the unit tests: options aimed at the fake sidecar, a fixture with a
// client of it, a probe that records how a callback was invoked, status matchers and
// time helpers.
#ifndef DURABLETASK_TESTS_UNIT_TEST_SUPPORT_H_
#define DURABLETASK_TESTS_UNIT_TEST_SUPPORT_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "durabletask/durabletask.h"
#include "fake_sidecar.h"

namespace durabletask {

// Readable failures: gtest prints these instead of raw bytes.
inline void PrintTo(StatusCode code, std::ostream* out) { *out << StatusCodeName(code); }
inline void PrintTo(const Status& status, std::ostream* out) { *out << status.ToString(); }
template <typename T>
void PrintTo(const Result<T>& result, std::ostream* out) {
  *out << result.status().ToString();
}

namespace unit {

inline const Status& StatusOf(const Status& status) { return status; }
template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}

MATCHER_P(HasCode, code, std::string("has status ") + StatusCodeName(code)) {
  const Status& status = StatusOf(arg);
  *result_listener << "whose status is " << status.ToString();
  return status.code() == code;
}

MATCHER(IsOk, "is ok") {
  const Status& status = StatusOf(arg);
  *result_listener << "whose status is " << status.ToString();
  return status.ok();
}

// Options for a client of the fake: plaintext, task hub "hub", and retries that back off
// for a millisecond so fault-injection tests stay fast.
inline ClientOptions FakeOptions(const FakeSidecar& fake) {
  ClientOptions options;
  options.address = fake.address();
  options.task_hub = "hub";
  options.retry.initial_backoff = std::chrono::milliseconds(1);
  options.retry.max_backoff = std::chrono::milliseconds(2);
  return options;
}

// A client the test owns; a failure to create one is reported and yields nullptr.
inline std::unique_ptr<Client> MakeClient(const ClientOptions& options) {
  Result<std::unique_ptr<Client>> client = Client::Create(options);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  if (!client.ok()) return nullptr;
  return std::move(client).value();
}

// A test with one fake sidecar and one client of it (task hub "hub", entity support on).
class FakeClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClientOptions options = FakeOptions(fake_);
    options.enable_entity_support = true;
    client_ = MakeClient(options);
    ASSERT_NE(client_, nullptr);
  }

  FakeSidecar fake_;
  std::unique_ptr<Client> client_;
};

// Records every invocation of a completion callback: how often, on which thread, and
// the first value.
template <typename Value>
class Probe {
 public:
  std::function<void(Value)> Callback() const {
    std::shared_ptr<State> state = state_;
    return [state](Value value) {
      std::lock_guard<std::mutex> lock(state->mutex);
      ++state->count;
      state->thread = std::this_thread::get_id();
      if (!state->value) state->value.emplace(std::move(value));
      state->changed.notify_all();
    };
  }

  bool Wait(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const {
    std::unique_lock<std::mutex> lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [this] { return state_->count > 0; });
  }

  int count() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->count;
  }

  std::thread::id thread() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->thread;
  }

  // The first value; only meaningful after Wait() returned true.
  Value value() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return *state_->value;
  }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    int count = 0;
    std::thread::id thread;
    std::optional<Value> value;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

using StatusProbe = Probe<Status>;

// A fixed moment with sub-second precision, to prove timestamps travel exactly.
inline TimePoint At(long long seconds, long long nanos = 0) {
  return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds) +
                                                               std::chrono::nanoseconds(nanos)));
}

inline google::protobuf::Timestamp Stamp(long long seconds, int nanos = 0) {
  google::protobuf::Timestamp stamp;
  stamp.set_seconds(seconds);
  stamp.set_nanos(nanos);
  return stamp;
}

class Stopwatch {
 public:
  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start_);
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Installs a log sink for the lifetime of the object and restores the default after.
class CapturedLog {
 public:
  explicit CapturedLog(LogLevel level = LogLevel::kTrace) {
    std::shared_ptr<State> state = state_;
    SetLogSink(
        [state](LogLevel, const std::string& category, const std::string& message) {
          std::lock_guard<std::mutex> lock(state->mutex);
          state->lines.push_back(category + ": " + message);
        },
        level);
  }
  ~CapturedLog() { SetLogSink(nullptr); }

  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->lines;
  }

 private:
  struct State {
    std::mutex mutex;
    std::vector<std::string> lines;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace unit
}  // namespace durabletask

#endif  // DURABLETASK_TESTS_UNIT_TEST_SUPPORT_H_
