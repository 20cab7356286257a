// Our C ABI (libdurabletask.so), driven exactly as the C++ contenders drive the C++
// client: clients from one factory, the same calls, the same loops. This program is C++
// only so that it can share the harness; it calls nothing but dt_* functions of the
// library.
//
// Contenders:
//   capi-blocking   dt_client_raise_event (one thread per call in flight)
//   capi-async      dt_client_raise_event_async with N calls kept in flight
//   capi-factory    many-hubs and memory: clients from dt_factory_create_client
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "durabletask.h"
#include "harness.h"

namespace {

using bench::Arguments;
using bench::HubCallTiming;
using bench::SteadyClock;

std::string LastError() {
  const char* message = dt_last_error_message();
  return message != nullptr ? message : "";
}

void Check(dt_status status, const std::string& what) {
  if (status != DT_OK) bench::Fail(what + ": " + LastError());
}

struct ClientDeleter {
  void operator()(dt_client* client) const { dt_client_free(client); }
};
using ClientHandle = std::unique_ptr<dt_client, ClientDeleter>;

struct FactoryDeleter {
  void operator()(dt_factory* factory) const { dt_factory_free(factory); }
};
using FactoryHandle = std::unique_ptr<dt_factory, FactoryDeleter>;

struct EndpointSettings {
  std::string address;
  bool tls = false;
  std::string ca_pem;
  std::string server_name_override;
};

dt_status ApplyEndpoint(dt_options* options, const EndpointSettings& endpoint) {
  dt_status status = dt_options_set_address(options, endpoint.address.c_str());
  if (status == DT_OK) status = dt_options_set_tls_enabled(options, endpoint.tls ? 1 : 0);
  if (status == DT_OK && endpoint.tls) {
    status = dt_options_set_tls_root_certificates(options, endpoint.ca_pem.c_str());
    if (status == DT_OK && !endpoint.server_name_override.empty()) {
      status = dt_options_set_tls_server_name_override(options,
                                                       endpoint.server_name_override.c_str());
    }
  }
  return status;
}

FactoryHandle BuildFactory(const EndpointSettings& endpoint) {
  dt_options* options = nullptr;
  Check(dt_options_new(&options), "options");
  Check(ApplyEndpoint(options, endpoint), "options");
  dt_factory_builder* builder = nullptr;
  Check(dt_factory_builder_new(&builder), "builder");
  Check(dt_factory_builder_use_grpc(builder, options), "use grpc");
  dt_factory* factory = nullptr;
  Check(dt_factory_builder_build_factory(&factory, builder), "factory");
  dt_factory_builder_free(builder);
  dt_options_free(options);
  return FactoryHandle(factory);
}

EndpointSettings EndpointFromArguments(const Arguments& arguments) {
  EndpointSettings endpoint;
  endpoint.address = arguments.Text("address");
  endpoint.tls = arguments.Text("transport", "plaintext") == "tls";
  if (endpoint.tls) endpoint.ca_pem = bench::ReadFile(arguments.Text("ca"));
  endpoint.server_name_override = arguments.Text("server-name-override", "");
  return endpoint;
}

ClientHandle MakeClient(dt_factory* factory, const std::string& hub) {
  dt_client* client = nullptr;
  Check(dt_factory_create_client(&client, factory, hub.c_str()), "create client");
  return ClientHandle(client);
}

dt_status Raise(dt_client* client, std::string* error) {
  dt_status status =
      dt_client_raise_event(client, bench::kInstanceId, bench::kEventName, bench::kEventPayload,
                            nullptr);
  if (status != DT_OK) *error = LastError();
  return status;
}

// Adapts a completion to a C callback: `user_data` is the object, which the callback
// forwards the outcome to.
template <typename Receiver>
void OnDone(void* user_data, dt_status status, const char* error_message) {
  static_cast<Receiver*>(user_data)->Done(status, error_message);
}

class Waiter {
 public:
  void Done(dt_status status, const char* error_message) {
    std::lock_guard<std::mutex> lock(mutex_);
    status_ = status;
    error_ = error_message;
    done_ = true;
    changed_.notify_all();
  }
  dt_status Wait(std::string* error) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return done_; });
    *error = error_;
    return status_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool done_ = false;
  dt_status status_ = DT_OK;
  std::string error_;
};

dt_status RaiseAsync(dt_client* client, dt_done_cb done, void* user_data) {
  return dt_client_raise_event_async(client, bench::kInstanceId, bench::kEventName,
                                     bench::kEventPayload, nullptr, done, user_data);
}

void NewHub(const Arguments& arguments, const std::string& contender) {
  FactoryHandle factory = BuildFactory(EndpointFromArguments(arguments));
  std::vector<ClientHandle> clients;
  bool async = contender == "capi-async";
  if (!async && contender != "capi-blocking") bench::Fail("new-hub has no contender " + contender);

  bench::RunNewHubScenario(arguments, contender, [&](const std::string& hub) {
    HubCallTiming timing;
    auto start = SteadyClock::now();
    clients.push_back(MakeClient(factory.get(), hub));
    timing.create_us = bench::MicrosSince(start);
    dt_status status;
    if (async) {
      Waiter waiter;
      status = RaiseAsync(clients.back().get(), OnDone<Waiter>, &waiter);
      if (status == DT_OK) {
        status = waiter.Wait(&timing.error);
      } else {
        timing.error = LastError();
      }
    } else {
      status = Raise(clients.back().get(), &timing.error);
    }
    timing.total_us = bench::MicrosSince(start);
    timing.ok = status == DT_OK;
    return timing;
  });
}

// Receives the completions of the closed-loop throughput run.
struct LoadReceiver {
  bench::AsyncLoad* load = nullptr;
  void Done(dt_status status, const char* error_message) {
    load->Finished(status == DT_OK, status == DT_OK ? std::string() : error_message);
  }
};

void Throughput(const Arguments& arguments, const std::string& contender) {
  FactoryHandle factory = BuildFactory(EndpointFromArguments(arguments));
  ClientHandle client = MakeClient(factory.get(), arguments.Text("hub", "bench-hub"));
  int inflight = static_cast<int>(arguments.Number("inflight", 1));
  auto warmup = bench::Milliseconds(arguments, "warmup-ms", 1000);
  auto measure = bench::Milliseconds(arguments, "measure-ms", 5000);

  if (contender == "capi-blocking") {
    bench::LoadResult result =
        bench::RunBlockingLoad(inflight, warmup, measure, [&](std::string* error) {
          return Raise(client.get(), error) == DT_OK;
        });
    bench::EmitThroughput(arguments, contender, inflight, result);
    return;
  }

  if (contender == "capi-async") {
    LoadReceiver receiver;
    bench::AsyncLoad load([&] {
      if (RaiseAsync(client.get(), OnDone<LoadReceiver>, &receiver) != DT_OK) {
        bench::Fail("raise event async: " + LastError());
      }
    });
    receiver.load = &load;
    bench::EmitThroughput(arguments, contender, inflight, load.Run(inflight, warmup, measure));
    return;
  }
  bench::Fail("throughput has no contender " + contender);
}

// Receives completions of calls that only need counting, under an in-flight limit.
struct CountingReceiver {
  bench::Outcomes* outcomes;
  bench::InflightLimit* limit;
  void Done(dt_status status, const char* error_message) {
    outcomes->Record(status == DT_OK, status == DT_OK ? std::string() : error_message);
    limit->Release();
  }
};

dt_status ConfigureTls(void* user_data, dt_options* options) {
  return ApplyEndpoint(options, *static_cast<const EndpointSettings*>(user_data));
}

void ManyHubs(const Arguments& arguments, const std::string& contender) {
  if (contender != "capi-factory") bench::Fail("many-hubs has no contender " + contender);
  EndpointSettings plaintext;
  plaintext.address = arguments.Text("plaintext-address");
  EndpointSettings tls;
  tls.address = arguments.Text("tls-address");
  tls.tls = true;
  tls.ca_pem = bench::ReadFile(arguments.Text("ca"));
  tls.server_name_override = arguments.Text("server-name-override", "");
  FactoryHandle factory = BuildFactory(plaintext);

  std::string prefix = arguments.Text("hub-prefix");
  long long hubs = arguments.Number("hubs", 1000);
  long long events = arguments.Number("events", 10);
  bench::InflightLimit limit(static_cast<int>(arguments.Number("inflight", 64)));
  bench::Outcomes outcomes;
  CountingReceiver receiver{&outcomes, &limit};

  std::vector<ClientHandle> clients;
  clients.reserve(hubs * 2);
  auto start = SteadyClock::now();
  for (long long i = 0; i < hubs; ++i) {
    std::string hub = prefix + std::to_string(i);
    clients.push_back(MakeClient(factory.get(), hub));
    dt_client* tls_client = nullptr;
    Check(dt_factory_create_client_with(&tls_client, factory.get(), hub.c_str(), ConfigureTls,
                                        &tls),
          "create client");
    clients.emplace_back(tls_client);
    for (size_t c = clients.size() - 2; c < clients.size(); ++c) {
      for (long long e = 0; e < events; ++e) {
        limit.Acquire();
        if (RaiseAsync(clients[c].get(), OnDone<CountingReceiver>, &receiver) != DT_OK) {
          outcomes.Record(false, LastError());
          limit.Release();
        }
      }
    }
  }
  limit.WaitIdle();
  double wall_ms = bench::MicrosSince(start) / 1000.0;

  dt_metrics* metrics = nullptr;
  Check(dt_factory_metrics(&metrics, factory.get()), "metrics");
  std::uint64_t channels_opened = dt_metrics_channels_opened(metrics);
  dt_metrics_free(metrics);

  bench::ManyHubsLine(arguments, contender, hubs, events, 2, outcomes, wall_ms)
      .Set("library_channels_opened", channels_opened)
      .Emit();
}

void Memory(const Arguments& arguments, const std::string& contender) {
  if (contender != "capi-factory") bench::Fail("memory has no contender " + contender);
  FactoryHandle factory = BuildFactory(EndpointFromArguments(arguments));

  // Stays alive, so that the channel has a lease throughout and cannot go idle.
  ClientHandle warm = MakeClient(factory.get(), arguments.Text("hub-prefix", "mem-") + "warm");
  std::string warm_error;
  if (Raise(warm.get(), &warm_error) != DT_OK) bench::Fail("warm-up call: " + warm_error);
  std::vector<ClientHandle> clients;
  clients.reserve(arguments.Number("clients", 10000));

  bench::MemorySteps steps;
  steps.create = [&](const std::string& hub) { clients.push_back(MakeClient(factory.get(), hub)); };
  steps.call_each = [&](bench::InflightLimit& limit, bench::Outcomes& outcomes) {
    CountingReceiver receiver{&outcomes, &limit};
    for (auto& client : clients) {
      limit.Acquire();
      if (RaiseAsync(client.get(), OnDone<CountingReceiver>, &receiver) != DT_OK) {
        outcomes.Record(false, LastError());
        limit.Release();
      }
    }
    limit.WaitIdle();
  };
  steps.release = [&] { clients.clear(); };
  bench::RunMemoryScenario(arguments, contender, steps);
}

}  // namespace

int main(int argc, char** argv) {
  return bench::RunScenario(argc, argv,
                            {{"new-hub", NewHub},
                             {"throughput", Throughput},
                             {"many-hubs", ManyHubs},
                             {"memory", Memory}});
}
