#include "harness.h"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace bench {

double MicrosSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::micro>(SteadyClock::now() - start).count();
}

void Fail(const std::string& message) {
  std::fprintf(stderr, "bench: %s\n", message.c_str());
  std::exit(2);
}

Arguments::Arguments(int argc, char** argv) {
  program_ = argc > 0 ? argv[0] : "bench";
  if (argc < 2) Fail("usage: " + program_ + " <scenario> --option value ...");
  scenario_ = argv[1];
  for (int i = 2; i < argc; i += 2) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) {
      Fail("expected `--name value` pairs, got '" + name + "'");
    }
    values_[name.substr(2)] = argv[i + 1];
  }
}

bool Arguments::Has(const std::string& name) const { return values_.count(name) > 0; }

std::string Arguments::Text(const std::string& name) const {
  auto found = values_.find(name);
  if (found == values_.end()) Fail("--" + name + " is required for " + scenario_);
  return found->second;
}

std::string Arguments::Text(const std::string& name, const std::string& fallback) const {
  auto found = values_.find(name);
  return found == values_.end() ? fallback : found->second;
}

long long Arguments::Number(const std::string& name, long long fallback) const {
  auto found = values_.find(name);
  return found == values_.end() ? fallback : std::stoll(found->second);
}

double Arguments::Decimal(const std::string& name, double fallback) const {
  auto found = values_.find(name);
  return found == values_.end() ? fallback : std::stod(found->second);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string Number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

JsonObject& JsonObject::Set(const std::string& key, const std::string& value) {
  fields_.emplace_back(key, Quoted(value));
  return *this;
}

JsonObject& JsonObject::Set(const std::string& key, const char* value) {
  return Set(key, std::string(value));
}

JsonObject& JsonObject::Set(const std::string& key, double value) {
  fields_.emplace_back(key, Number(value));
  return *this;
}

JsonObject& JsonObject::Set(const std::string& key, long long value) {
  fields_.emplace_back(key, std::to_string(value));
  return *this;
}

JsonObject& JsonObject::Set(const std::string& key, std::uint64_t value) {
  fields_.emplace_back(key, std::to_string(value));
  return *this;
}

JsonObject& JsonObject::Set(const std::string& key, int value) {
  fields_.emplace_back(key, std::to_string(value));
  return *this;
}

JsonObject& JsonObject::Set(const std::string& key, bool value) {
  fields_.emplace_back(key, value ? "true" : "false");
  return *this;
}

JsonObject& JsonObject::SetRaw(const std::string& key, const std::string& json) {
  fields_.emplace_back(key, json);
  return *this;
}

std::string JsonObject::Text() const {
  std::string out = "{";
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out += ",";
    out += Quoted(fields_[i].first) + ":" + fields_[i].second;
  }
  return out + "}";
}

void JsonObject::Emit() const {
  std::string line = Text() + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

Summary Summarize(std::vector<double> samples) {
  Summary summary;
  summary.count = samples.size();
  if (samples.empty()) return summary;
  std::sort(samples.begin(), samples.end());
  auto rank = [&samples](double quantile) {
    size_t index = static_cast<size_t>(std::ceil(quantile * samples.size()));
    return samples[std::min(samples.size() - 1, index == 0 ? 0 : index - 1)];
  };
  summary.median = rank(0.5);
  summary.p90 = rank(0.9);
  summary.p99 = rank(0.99);
  summary.min = samples.front();
  summary.max = samples.back();
  double total = 0;
  for (double sample : samples) total += sample;
  summary.mean = total / samples.size();
  return summary;
}

std::string SummaryJson(const Summary& summary) {
  JsonObject json;
  json.Set("count", static_cast<std::uint64_t>(summary.count))
      .Set("median", summary.median)
      .Set("p90", summary.p90)
      .Set("p99", summary.p99)
      .Set("mean", summary.mean)
      .Set("min", summary.min)
      .Set("max", summary.max);
  return json.Text();
}

namespace {

// Sleeps through the warm-up and the measured window, reading the completion count at
// the window's edges.
LoadResult Measure(const Outcomes& outcomes, std::chrono::milliseconds warmup,
                   std::chrono::milliseconds measure) {
  std::this_thread::sleep_for(warmup);
  std::uint64_t calls_before = outcomes.completed();
  std::uint64_t errors_before = outcomes.errors();
  double cpu_before = ProcessCpuSeconds();
  auto start = SteadyClock::now();
  std::this_thread::sleep_for(measure);
  LoadResult result;
  result.calls = outcomes.completed() - calls_before;
  result.errors = outcomes.errors() - errors_before;
  result.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  result.cpu_seconds = ProcessCpuSeconds() - cpu_before;
  return result;
}

}  // namespace

LoadResult RunBlockingLoad(int threads, std::chrono::milliseconds warmup,
                           std::chrono::milliseconds measure,
                           const std::function<bool(std::string* error)>& call) {
  Outcomes outcomes;
  std::atomic<bool> stopping{false};
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      std::string error;
      while (!stopping.load(std::memory_order_relaxed)) {
        bool ok = call(&error);
        outcomes.Record(ok, error);
      }
    });
  }

  LoadResult result = Measure(outcomes, warmup, measure);
  stopping = true;
  for (auto& worker : workers) worker.join();
  result.first_error = outcomes.first_error();
  return result;
}

LoadResult AsyncLoad::Run(int inflight, std::chrono::milliseconds warmup,
                          std::chrono::milliseconds measure) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    active_ = inflight;
  }
  for (int i = 0; i < inflight; ++i) start_call_();

  LoadResult result = Measure(outcomes_, warmup, measure);
  stopping_ = true;
  std::unique_lock<std::mutex> lock(mutex_);
  drained_.wait(lock, [this] { return active_ == 0; });
  result.first_error = outcomes_.first_error();
  return result;
}

void AsyncLoad::Finished(bool ok, const std::string& error) {
  outcomes_.Record(ok, error);
  if (!stopping_.load(std::memory_order_acquire)) {
    start_call_();
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (--active_ == 0) drained_.notify_all();
}

void InflightLimit::Acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return available_ > 0; });
  --available_;
}

void InflightLimit::Release() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++available_;
  changed_.notify_all();
}

void InflightLimit::WaitIdle() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return available_ == limit_; });
}

JsonObject ResultLine(const std::string& scenario, const std::string& contender,
                      const Arguments& arguments) {
  JsonObject line;
  line.Set("scenario", scenario)
      .Set("contender", contender)
      .Set("server", arguments.Text("server", "noop"))
      .Set("transport", arguments.Text("transport", "plaintext"));
  return line;
}

std::chrono::milliseconds Milliseconds(const Arguments& arguments, const std::string& name,
                                       long long fallback) {
  return std::chrono::milliseconds(arguments.Number(name, fallback));
}

void EmitThroughput(const Arguments& arguments, const std::string& contender, int inflight,
                    const LoadResult& result) {
  ResultLine("throughput", contender, arguments)
      .Set("inflight", inflight)
      .Set("seconds", result.seconds)
      .Set("calls", result.calls)
      .Set("errors", result.errors)
      .Set("first_error", result.first_error)
      .Set("calls_per_second", result.calls_per_second())
      .Set("cpu_seconds", result.cpu_seconds)
      .Set("cpu_us_per_call", result.cpu_us_per_call())
      .Emit();
}

void RunNewHubScenario(const Arguments& arguments, const std::string& contender,
                       const std::function<HubCallTiming(const std::string& hub)>& one) {
  std::string prefix = arguments.Text("hub-prefix");
  long long warmup = arguments.Number("warmup", 20);
  long long hubs = arguments.Number("hubs", 200);

  std::vector<double> warmup_totals;
  std::uint64_t errors = 0;
  std::string first_error;
  auto note = [&](const HubCallTiming& timing) {
    if (timing.ok) return;
    ++errors;
    if (first_error.empty()) first_error = timing.error;
  };
  for (long long i = 0; i < warmup; ++i) {
    HubCallTiming timing = one(prefix + "w" + std::to_string(i));
    note(timing);
    warmup_totals.push_back(timing.total_us);
  }

  std::vector<double> creates;
  std::vector<double> totals;
  creates.reserve(hubs);
  totals.reserve(hubs);
  double cpu_before = ProcessCpuSeconds();
  for (long long i = 0; i < hubs; ++i) {
    HubCallTiming timing = one(prefix + std::to_string(i));
    note(timing);
    creates.push_back(timing.create_us);
    totals.push_back(timing.total_us);
  }
  double cpu_us_per_hub = hubs > 0 ? (ProcessCpuSeconds() - cpu_before) * 1e6 / hubs : 0;

  ResultLine("new-hub", contender, arguments)
      .Set("hubs", hubs)
      .Set("warmup_hubs", warmup)
      .Set("cold_first_us", warmup_totals.empty() ? 0.0 : warmup_totals.front())
      .SetRaw("total_us", SummaryJson(Summarize(totals)))
      .SetRaw("create_us", SummaryJson(Summarize(creates)))
      .Set("cpu_us_per_hub", cpu_us_per_hub)
      .Set("errors", errors)
      .Set("first_error", first_error)
      .Emit();
}

double ProcessCpuSeconds() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& time) { return time.tv_sec + time.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

std::uint64_t HeapBytesInUse() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

void TrimHeap() { malloc_trim(0); }

void RunMemoryScenario(const Arguments& arguments, const std::string& contender,
                       const MemorySteps& steps) {
  long long count = arguments.Number("clients", 10000);
  std::string prefix = arguments.Text("hub-prefix", "mem-");
  std::vector<std::string> names;
  names.reserve(count);
  for (long long i = 0; i < count; ++i) names.push_back(prefix + std::to_string(i));
  std::vector<double> creates;
  creates.reserve(count);

  TrimHeap();
  std::uint64_t rss_before = ResidentBytes();
  std::uint64_t heap_before = HeapBytesInUse();
  for (long long i = 0; i < count; ++i) {
    auto start = SteadyClock::now();
    steps.create(names[i]);
    creates.push_back(MicrosSince(start));
  }
  std::uint64_t rss_created = ResidentBytes();
  std::uint64_t heap_created = HeapBytesInUse();

  // One call through every client shows whether a call leaves anything behind.
  InflightLimit limit(64);
  Outcomes outcomes;
  steps.call_each(limit, outcomes);
  limit.WaitIdle();
  std::uint64_t rss_called = ResidentBytes();
  std::uint64_t heap_called = HeapBytesInUse();

  steps.release();
  std::uint64_t heap_released = HeapBytesInUse();

  auto per_client = [count](std::uint64_t after, std::uint64_t before) {
    return (static_cast<double>(after) - static_cast<double>(before)) / count;
  };
  ResultLine("memory", contender, arguments)
      .Set("clients", count)
      .Set("rss_bytes_per_client", per_client(rss_created, rss_before))
      .Set("heap_bytes_per_client", per_client(heap_created, heap_before))
      .Set("rss_bytes_per_client_after_call", per_client(rss_called, rss_before))
      .Set("heap_bytes_per_client_after_call", per_client(heap_called, heap_before))
      .Set("heap_bytes_per_client_after_release", per_client(heap_released, heap_before))
      .SetRaw("create_us", SummaryJson(Summarize(creates)))
      .Set("errors", outcomes.errors())
      .Set("first_error", outcomes.first_error())
      .Emit();
}

JsonObject ManyHubsLine(const Arguments& arguments, const std::string& contender,
                        long long hubs, long long events, int endpoints,
                        const Outcomes& outcomes, double wall_ms) {
  JsonObject line = ResultLine("many-hubs", contender, arguments);
  line.Set("hubs", hubs)
      .Set("events_per_hub", events)
      .Set("endpoints", endpoints)
      .Set("events_sent", outcomes.completed())
      .Set("errors", outcomes.errors())
      .Set("first_error", outcomes.first_error())
      .Set("wall_ms", wall_ms);
  return line;
}

int RunScenario(int argc, char** argv, const std::map<std::string, Scenario>& scenarios) {
  Arguments arguments(argc, argv);
  auto found = scenarios.find(arguments.scenario());
  if (found == scenarios.end()) Fail("unknown scenario " + arguments.scenario());
  found->second(arguments, arguments.Text("contender", ""));
  return 0;
}

}  // namespace bench
