// Our C++ client, always made through the factory (one factory per program run).
//
// Contenders:
//   cpp-blocking   Client::RaiseEvent (one thread per call in flight)
//   cpp-async      Client::RaiseEventAsync with N calls kept in flight
//   cpp-factory    many-hubs and memory: clients made by the factory, calls async
//
// `prepare` is not a contender: it starts the instance that the end-to-end scenarios
// raise events to, in every hub they will use, so that the real sidecar answers OK.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "durabletask/durabletask.h"
#include "harness.h"

namespace {

using bench::Arguments;
using bench::HubCallTiming;
using bench::SteadyClock;
using durabletask::CallOptions;
using durabletask::Client;
using durabletask::ClientFactory;
using durabletask::ClientFactoryBuilder;
using durabletask::ClientOptions;
using durabletask::Status;

const std::string kInstance = bench::kInstanceId;
const std::string kEvent = bench::kEventName;
const std::optional<std::string> kPayload = std::string(bench::kEventPayload);
const CallOptions kDefaultCall;

void ApplyEndpoint(ClientOptions* options, const std::string& address, bool tls,
                   const std::string& ca_pem, const std::string& server_name_override) {
  options->address = address;
  options->tls.enabled = tls;
  if (tls) {
    options->tls.root_certificates_pem = ca_pem;
    options->tls.server_name_override = server_name_override;
  }
}

std::shared_ptr<ClientFactory> BuildFactory(const ClientOptions& base) {
  auto factory = ClientFactoryBuilder().UseGrpc(base).BuildFactory();
  if (!factory.ok()) bench::Fail("factory: " + factory.status().message());
  return factory.value();
}

std::shared_ptr<ClientFactory> FactoryFromArguments(const Arguments& arguments) {
  ClientOptions base;
  bool tls = arguments.Text("transport", "plaintext") == "tls";
  ApplyEndpoint(&base, arguments.Text("address"), tls,
                tls ? bench::ReadFile(arguments.Text("ca")) : "",
                arguments.Text("server-name-override", ""));
  return BuildFactory(base);
}

std::unique_ptr<Client> MakeClient(ClientFactory& factory, const std::string& hub) {
  auto client = factory.CreateClient(hub);
  if (!client.ok()) bench::Fail("create client: " + client.status().message());
  return std::move(client).value();
}

// Blocks until the status callback of one async call has run.
class StatusWaiter {
 public:
  durabletask::StatusCallback Callback() {
    return [this](Status status) {
      std::lock_guard<std::mutex> lock(mutex_);
      status_ = std::move(status);
      done_ = true;
      changed_.notify_all();
    };
  }
  Status Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return done_; });
    return status_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool done_ = false;
  Status status_;
};

void NewHub(const Arguments& arguments, const std::string& contender) {
  auto factory = FactoryFromArguments(arguments);
  std::vector<std::unique_ptr<Client>> clients;
  bool async = contender == "cpp-async";
  if (!async && contender != "cpp-blocking") bench::Fail("new-hub has no contender " + contender);

  bench::RunNewHubScenario(arguments, contender, [&](const std::string& hub) {
    HubCallTiming timing;
    auto start = SteadyClock::now();
    clients.push_back(MakeClient(*factory, hub));
    timing.create_us = bench::MicrosSince(start);
    Status status;
    if (async) {
      StatusWaiter waiter;
      clients.back()->RaiseEventAsync(kInstance, kEvent, kPayload, kDefaultCall,
                                      waiter.Callback());
      status = waiter.Wait();
    } else {
      status = clients.back()->RaiseEvent(kInstance, kEvent, kPayload);
    }
    timing.total_us = bench::MicrosSince(start);
    timing.ok = status.ok();
    timing.error = status.message();
    return timing;
  });
}

void Throughput(const Arguments& arguments, const std::string& contender) {
  auto factory = FactoryFromArguments(arguments);
  auto client = MakeClient(*factory, arguments.Text("hub", "bench-hub"));
  int inflight = static_cast<int>(arguments.Number("inflight", 1));
  auto warmup = bench::Milliseconds(arguments, "warmup-ms", 1000);
  auto measure = bench::Milliseconds(arguments, "measure-ms", 5000);

  if (contender == "cpp-blocking") {
    bench::LoadResult result =
        bench::RunBlockingLoad(inflight, warmup, measure, [&](std::string* error) {
          Status status = client->RaiseEvent(kInstance, kEvent, kPayload);
          if (!status.ok()) *error = status.message();
          return status.ok();
        });
    bench::EmitThroughput(arguments, contender, inflight, result);
    return;
  }

  if (contender == "cpp-async") {
    bench::AsyncLoad* load_pointer = nullptr;
    bench::AsyncLoad load([&] {
      client->RaiseEventAsync(kInstance, kEvent, kPayload, kDefaultCall,
                              [load_pointer](Status status) {
                                load_pointer->Finished(status.ok(), status.message());
                              });
    });
    load_pointer = &load;
    bench::EmitThroughput(arguments, contender, inflight, load.Run(inflight, warmup, measure));
    return;
  }
  bench::Fail("throughput has no contender " + contender);
}

// One factory; every hub gets a client on the plaintext endpoint and one on the TLS
// endpoint (chosen per client by the factory's configure action), and raises its events.
void ManyHubs(const Arguments& arguments, const std::string& contender) {
  if (contender != "cpp-factory") bench::Fail("many-hubs has no contender " + contender);
  ClientOptions base;
  ApplyEndpoint(&base, arguments.Text("plaintext-address"), false, "", "");
  auto factory = BuildFactory(base);
  std::string tls_address = arguments.Text("tls-address");
  std::string ca_pem = bench::ReadFile(arguments.Text("ca"));
  std::string server_name_override = arguments.Text("server-name-override", "");
  durabletask::ConfigureOptions use_tls = [&](ClientOptions& options) {
    ApplyEndpoint(&options, tls_address, true, ca_pem, server_name_override);
  };

  std::string prefix = arguments.Text("hub-prefix");
  long long hubs = arguments.Number("hubs", 1000);
  long long events = arguments.Number("events", 10);
  bench::InflightLimit limit(static_cast<int>(arguments.Number("inflight", 64)));
  bench::Outcomes outcomes;

  std::vector<std::unique_ptr<Client>> clients;
  clients.reserve(hubs * 2);
  auto start = SteadyClock::now();
  for (long long i = 0; i < hubs; ++i) {
    std::string hub = prefix + std::to_string(i);
    clients.push_back(MakeClient(*factory, hub));
    auto tls_client = factory->CreateClient(hub, use_tls);
    if (!tls_client.ok()) bench::Fail("create client: " + tls_client.status().message());
    clients.push_back(std::move(tls_client).value());
    for (size_t c = clients.size() - 2; c < clients.size(); ++c) {
      for (long long e = 0; e < events; ++e) {
        limit.Acquire();
        clients[c]->RaiseEventAsync(kInstance, kEvent, kPayload, kDefaultCall,
                                    [&](Status status) {
                                      outcomes.Record(status.ok(), status.message());
                                      limit.Release();
                                    });
      }
    }
  }
  limit.WaitIdle();
  double wall_ms = bench::MicrosSince(start) / 1000.0;

  bench::ManyHubsLine(arguments, contender, hubs, events, 2, outcomes, wall_ms)
      .Set("library_channels_opened", factory->Metrics().channels_opened)
      .Emit();
}

// RSS and heap growth for live clients on one endpoint (see bench::RunMemoryScenario).
void Memory(const Arguments& arguments, const std::string& contender) {
  if (contender != "cpp-factory") bench::Fail("memory has no contender " + contender);
  auto factory = FactoryFromArguments(arguments);

  // Stays alive, so that the channel has a lease throughout and cannot go idle.
  auto warm = MakeClient(*factory, arguments.Text("hub-prefix", "mem-") + "warm");
  Status warm_call = warm->RaiseEvent(kInstance, kEvent, kPayload);
  if (!warm_call.ok()) bench::Fail("warm-up call: " + warm_call.message());
  std::vector<std::unique_ptr<Client>> clients;
  clients.reserve(arguments.Number("clients", 10000));

  bench::MemorySteps steps;
  steps.create = [&](const std::string& hub) { clients.push_back(MakeClient(*factory, hub)); };
  steps.call_each = [&](bench::InflightLimit& limit, bench::Outcomes& outcomes) {
    for (auto& client : clients) {
      limit.Acquire();
      client->RaiseEventAsync(kInstance, kEvent, kPayload, kDefaultCall, [&](Status status) {
        outcomes.Record(status.ok(), status.message());
        limit.Release();
      });
    }
  };
  steps.release = [&] { clients.clear(); };
  bench::RunMemoryScenario(arguments, contender, steps);
}

// Starts the target instance in every hub an end-to-end run will use.
void Prepare(const Arguments& arguments) {
  auto factory = FactoryFromArguments(arguments);
  std::vector<std::string> hubs;
  if (arguments.Has("hub")) hubs.push_back(arguments.Text("hub"));
  if (arguments.Has("hub-prefix")) {
    std::string prefix = arguments.Text("hub-prefix");
    for (long long i = 0; i < arguments.Number("warmup", 0); ++i) {
      hubs.push_back(prefix + "w" + std::to_string(i));
    }
    for (long long i = 0; i < arguments.Number("hubs", 0); ++i) {
      hubs.push_back(prefix + std::to_string(i));
    }
  }

  durabletask::StartOrchestrationOptions start;
  start.name = "BenchTarget";
  start.instance_id = kInstance;
  bench::InflightLimit limit(16);
  bench::Outcomes outcomes;
  std::vector<std::unique_ptr<Client>> clients;
  clients.reserve(hubs.size());
  for (const std::string& hub : hubs) {
    clients.push_back(MakeClient(*factory, hub));
    limit.Acquire();
    clients.back()->ScheduleNewOrchestrationAsync(
        start, kDefaultCall, [&](durabletask::Result<std::string> started) {
          outcomes.Record(started.ok(), started.status().message());
          limit.Release();
        });
  }
  limit.WaitIdle();
  if (outcomes.errors() > 0) bench::Fail("prepare: " + outcomes.first_error());
  bench::JsonObject().Set("prepared_hubs", static_cast<std::uint64_t>(hubs.size())).Emit();
}

}  // namespace

int main(int argc, char** argv) {
  return bench::RunScenario(argc, argv,
                            {{"prepare", [](const Arguments& arguments,
                                            const std::string&) { Prepare(arguments); }},
                             {"new-hub", NewHub},
                             {"throughput", Throughput},
                             {"many-hubs", ManyHubs},
                             {"memory", Memory}});
}
