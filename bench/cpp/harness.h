// What every contender program shares: its command line, the closed-loop load drivers,
// latency summaries, memory readings, and results printed as JSON lines.
//
// A contender program is started once per scenario and contender by bench/run.py. It
// prints one JSON object per line on stdout and nothing else there; diagnostics go to
// stderr.
#ifndef DURABLETASK_BENCH_CPP_HARNESS_H_
#define DURABLETASK_BENCH_CPP_HARNESS_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace bench {

using SteadyClock = std::chrono::steady_clock;

double MicrosSince(SteadyClock::time_point start);

// `program <scenario> --name value ...`. Every option takes a value.
class Arguments {
 public:
  Arguments(int argc, char** argv);

  const std::string& scenario() const { return scenario_; }
  bool Has(const std::string& name) const;
  // The value of a required option; exits with a message when it is missing.
  std::string Text(const std::string& name) const;
  std::string Text(const std::string& name, const std::string& fallback) const;
  long long Number(const std::string& name, long long fallback) const;
  double Decimal(const std::string& name, double fallback) const;

 private:
  std::string program_;
  std::string scenario_;
  std::map<std::string, std::string> values_;
};

std::string ReadFile(const std::string& path);

// One flat JSON object, built field by field and printed as one line.
class JsonObject {
 public:
  JsonObject& Set(const std::string& key, const std::string& value);
  JsonObject& Set(const std::string& key, const char* value);
  JsonObject& Set(const std::string& key, double value);
  JsonObject& Set(const std::string& key, long long value);
  JsonObject& Set(const std::string& key, std::uint64_t value);
  JsonObject& Set(const std::string& key, int value);
  JsonObject& Set(const std::string& key, bool value);
  // `json` is inserted as it is; it must be valid JSON.
  JsonObject& SetRaw(const std::string& key, const std::string& json);

  std::string Text() const;
  // Prints the object as one line on stdout and flushes.
  void Emit() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Median, p99 and the rest of a set of samples (microseconds by convention).
struct Summary {
  size_t count = 0;
  double median = 0;
  double p90 = 0;
  double p99 = 0;
  double mean = 0;
  double min = 0;
  double max = 0;
};

// Percentiles by nearest rank: p99 of 200 samples is the 198th smallest.
Summary Summarize(std::vector<double> samples);
// The summary as a JSON object text.
std::string SummaryJson(const Summary& summary);

// Counts calls and errors; keeps the first error message for the report.
class Outcomes {
 public:
  void Record(bool ok, const std::string& error) {
    completed_.fetch_add(1, std::memory_order_relaxed);
    if (ok) return;
    errors_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(mutex_);
    if (first_error_.empty()) first_error_ = error.empty() ? "unknown error" : error;
  }
  std::uint64_t completed() const { return completed_.load(std::memory_order_relaxed); }
  std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  std::string first_error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_error_;
  }

 private:
  std::atomic<std::uint64_t> completed_{0};
  std::atomic<std::uint64_t> errors_{0};
  mutable std::mutex mutex_;
  std::string first_error_;
};

struct LoadResult {
  double seconds = 0;
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;
  std::string first_error;
  // CPU time (user and system, all threads) this process used in the measured window.
  // Unlike calls per second it hardly moves when other programs compete for the cores.
  double cpu_seconds = 0;

  double calls_per_second() const { return seconds > 0 ? calls / seconds : 0; }
  double cpu_us_per_call() const { return calls > 0 ? cpu_seconds * 1e6 / calls : 0; }
};

// Closed loop over a blocking call: `threads` threads each call `call` back to back. Only
// calls that finish inside the measured window (after the warm-up) count.
// `call` returns true on success and otherwise fills `error`.
LoadResult RunBlockingLoad(int threads, std::chrono::milliseconds warmup,
                           std::chrono::milliseconds measure,
                           const std::function<bool(std::string* error)>& call);

// Closed loop over a callback-style call: `inflight` calls are kept outstanding. The
// contender's `start_call` starts one call whose completion calls Finished() exactly
// once; Finished() starts the next call unless the run is ending.
class AsyncLoad {
 public:
  explicit AsyncLoad(std::function<void()> start_call) : start_call_(std::move(start_call)) {}

  LoadResult Run(int inflight, std::chrono::milliseconds warmup,
                 std::chrono::milliseconds measure);
  void Finished(bool ok, const std::string& error = std::string());

 private:
  std::function<void()> start_call_;
  Outcomes outcomes_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable drained_;
  int active_ = 0;
};

// Lets at most `limit` calls be outstanding; Acquire blocks while the limit is reached.
class InflightLimit {
 public:
  explicit InflightLimit(int limit) : available_(limit), limit_(limit) {}
  void Acquire();
  void Release();
  // Blocks until every acquired slot has been released.
  void WaitIdle();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int available_;
  const int limit_;
};

// One measured step of the new-hub scenario: create a client (or channel) for a hub
// never used before and raise one event through it.
struct HubCallTiming {
  double create_us = 0;  // making the client alone; 0 where the contender has no such step
  double total_us = 0;   // making the client plus the first call
  bool ok = false;
  std::string error;
};

// Runs `one` for `--warmup` hubs (not counted; the first of them shows the cold start
// with its connection set-up) and then for `--hubs` measured hubs, and emits the summary.
// Hub names are `--hub-prefix` followed by `w<i>` for warm-up hubs and `<i>` for the rest.
void RunNewHubScenario(const Arguments& arguments, const std::string& contender,
                       const std::function<HubCallTiming(const std::string& hub)>& one);

// The memory scenario: RSS and heap growth while `--clients` live clients are made on
// one endpoint whose channel the contender has already connected, then after one call
// through each, then once they are released. The contender supplies the three steps.
struct MemorySteps {
  // Makes the client of `hub` and keeps it alive.
  std::function<void(const std::string& hub)> create;
  // Raises one event through every live client, waiting for `limit` before each call and
  // recording every outcome.
  std::function<void(InflightLimit& limit, Outcomes& outcomes)> call_each;
  // Releases every client `create` made.
  std::function<void()> release;
};
void RunMemoryScenario(const Arguments& arguments, const std::string& contender,
                       const MemorySteps& steps);

// The many-hubs result line, with the outcomes every contender reports; contenders add
// what only they know before emitting it.
JsonObject ManyHubsLine(const Arguments& arguments, const std::string& contender,
                        long long hubs, long long events, int endpoints,
                        const Outcomes& outcomes, double wall_ms);

// Runs the scenario named on the command line, with the `--contender` given (empty when
// none is). Exits with a message for a scenario not in `scenarios`.
using Scenario = std::function<void(const Arguments& arguments, const std::string& contender)>;
int RunScenario(int argc, char** argv, const std::map<std::string, Scenario>& scenarios);

// A scenario result carrying what every line has.
JsonObject ResultLine(const std::string& scenario, const std::string& contender,
                      const Arguments& arguments);

// Emits the throughput result of one run.
void EmitThroughput(const Arguments& arguments, const std::string& contender, int inflight,
                    const LoadResult& result);

std::chrono::milliseconds Milliseconds(const Arguments& arguments, const std::string& name,
                                       long long fallback);

// CPU time, user and system, of every thread of this process so far.
double ProcessCpuSeconds();

// Resident set size of this process, from /proc/self/statm.
std::uint64_t ResidentBytes();
// Bytes handed out by malloc and not freed (mallinfo2).
std::uint64_t HeapBytesInUse();
// Returns freed heap pages to the system, so that RSS readings compare like with like.
void TrimHeap();

// The event every contender raises: the same instance, name and payload bytes on the wire.
constexpr char kInstanceId[] = "bench-instance";
constexpr char kEventName[] = "tick";
constexpr char kEventPayload[] = "\"x\"";

[[noreturn]] void Fail(const std::string& message);

}  // namespace bench

#endif  // DURABLETASK_BENCH_CPP_HARNESS_H_
