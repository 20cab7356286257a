// The practical limit: the generated gRPC C++ stub used directly, with nothing of ours
// in between. It sends the `taskhub` header itself and nothing else.
//
// Contenders:
//   raw-sync                 blocking stub calls (one thread per call in flight)
//   raw-callback             the callback API with N calls kept in flight
//   raw-channel-per-client   a new channel for every hub, as a factory that gives each
//                            client its own channel would do
//   raw-shared-channel       one channel; a new hub only changes the header
//   raw-shared-callback      the same through the callback API, the caller waiting for
//                            the callback: the baseline of the async new-hub forms
//   raw-callback-ua          raw-callback that also sends our client's x-user-agent
//                            header, to tell the header's cost from the library's
//   raw-sync-anchored        raw-sync in a process where gRPC's callback queue is alive,
//                            as it always is under our library (which keeps it alive to
//                            avoid a gRPC shutdown race), to tell that cost from ours
//
// Channels are made with GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, so that two channels with
// equal arguments really are two connections (gRPC otherwise shares the subchannel).
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "durabletask/version.h"
#include "harness.h"
#include "task_hub_sidecar.grpc.pb.h"

namespace {

using bench::Arguments;
using bench::HubCallTiming;
using bench::SteadyClock;

struct Endpoint {
  std::string target;
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  std::string server_name_override;

  std::shared_ptr<grpc::Channel> NewChannel() const {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    if (!server_name_override.empty()) arguments.SetSslTargetNameOverride(server_name_override);
    return grpc::CreateCustomChannel(target, credentials, arguments);
  }
};

// Credentials are made once per endpoint and shared by its channels: the cheapest a
// channel-per-client design can be.
Endpoint MakeEndpoint(const std::string& address, const std::string& ca_path,
                      const std::string& server_name_override) {
  Endpoint endpoint;
  endpoint.target = address;
  if (ca_path.empty()) {
    endpoint.credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = bench::ReadFile(ca_path);
    endpoint.credentials = grpc::SslCredentials(ssl);
    endpoint.server_name_override = server_name_override;
  }
  return endpoint;
}

Endpoint EndpointFromArguments(const Arguments& arguments) {
  bool tls = arguments.Text("transport", "plaintext") == "tls";
  return MakeEndpoint(arguments.Text("address"), tls ? arguments.Text("ca") : "",
                      arguments.Text("server-name-override", ""));
}

// Every call builds its request, as an application raising different events would.
void FillEvent(RaiseEventRequest* request) {
  request->set_instance_id(bench::kInstanceId);
  request->set_name(bench::kEventName);
  request->mutable_input()->set_value(bench::kEventPayload);
}

// The header our client adds to every call, sent by the -ua contender.
const std::string kUserAgent =
    std::string("durabletask-native/") + DURABLETASK_VERSION_STRING + " (cpp)";

bool RaiseBlocking(TaskHubSidecarService::Stub* stub, const std::string& hub,
                   std::string* error) {
  grpc::ClientContext context;
  context.AddMetadata("taskhub", hub);
  RaiseEventRequest request;
  FillEvent(&request);
  RaiseEventResponse response;
  grpc::Status status = stub->RaiseEvent(&context, request, &response);
  if (!status.ok()) *error = status.error_message();
  return status.ok();
}

// What one callback-API call needs to keep alive until it completes.
struct PendingCall {
  grpc::ClientContext context;
  RaiseEventRequest request;
  RaiseEventResponse response;
};

template <typename Done>
void RaiseWithCallback(TaskHubSidecarService::Stub* stub, const std::string& hub, Done done,
                       bool with_user_agent = false) {
  auto* call = new PendingCall;
  call->context.AddMetadata("taskhub", hub);
  if (with_user_agent) call->context.AddMetadata("x-user-agent", kUserAgent);
  FillEvent(&call->request);
  stub->async()->RaiseEvent(&call->context, &call->request, &call->response,
                            [call, done = std::move(done)](grpc::Status status) {
                              delete call;
                              done(status);
                            });
}

void NewHub(const Arguments& arguments, const std::string& contender) {
  Endpoint endpoint = EndpointFromArguments(arguments);

  if (contender == "raw-channel-per-client") {
    // Channels stay alive, as a live client's would.
    std::vector<std::unique_ptr<TaskHubSidecarService::Stub>> stubs;
    bench::RunNewHubScenario(arguments, contender, [&](const std::string& hub) {
      HubCallTiming timing;
      auto start = SteadyClock::now();
      stubs.push_back(TaskHubSidecarService::NewStub(endpoint.NewChannel()));
      timing.create_us = bench::MicrosSince(start);
      timing.ok = RaiseBlocking(stubs.back().get(), hub, &timing.error);
      timing.total_us = bench::MicrosSince(start);
      return timing;
    });
    return;
  }

  if (contender == "raw-shared-channel") {
    auto stub = TaskHubSidecarService::NewStub(endpoint.NewChannel());
    bench::RunNewHubScenario(arguments, contender, [&](const std::string& hub) {
      HubCallTiming timing;
      auto start = SteadyClock::now();
      timing.ok = RaiseBlocking(stub.get(), hub, &timing.error);
      timing.total_us = bench::MicrosSince(start);
      return timing;
    });
    return;
  }

  if (contender == "raw-shared-callback") {
    auto stub = TaskHubSidecarService::NewStub(endpoint.NewChannel());
    bench::RunNewHubScenario(arguments, contender, [&](const std::string& hub) {
      HubCallTiming timing;
      auto start = SteadyClock::now();
      std::mutex mutex;
      std::condition_variable finished;
      bool done = false;
      grpc::Status outcome;
      RaiseWithCallback(stub.get(), hub, [&](const grpc::Status& status) {
        std::lock_guard<std::mutex> lock(mutex);
        outcome = status;
        done = true;
        finished.notify_all();
      });
      std::unique_lock<std::mutex> lock(mutex);
      finished.wait(lock, [&] { return done; });
      timing.total_us = bench::MicrosSince(start);
      timing.ok = outcome.ok();
      timing.error = outcome.error_message();
      return timing;
    });
    return;
  }
  bench::Fail("new-hub has no contender " + contender);
}

// Brings up gRPC's callback queue and keeps it for the life of the process, the way the
// library's channel pool does: one callback-API call, with an expired deadline, on a
// channel to a socket path that does not exist.
void AnchorCallbackQueue() {
  static auto* stub = TaskHubSidecarService::NewStub(grpc::CreateChannel(
      "unix:/nonexistent/durabletask-bench-anchor", grpc::InsecureChannelCredentials())).release();
  static auto* call = new PendingCall;
  call->context.set_deadline(std::chrono::system_clock::now());
  stub->async()->RaiseEvent(&call->context, &call->request, &call->response,
                            [](grpc::Status) {});
}

void Throughput(const Arguments& arguments, const std::string& contender) {
  Endpoint endpoint = EndpointFromArguments(arguments);
  if (contender == "raw-sync-anchored") AnchorCallbackQueue();
  auto stub = TaskHubSidecarService::NewStub(endpoint.NewChannel());
  std::string hub = arguments.Text("hub", "bench-hub");
  int inflight = static_cast<int>(arguments.Number("inflight", 1));
  auto warmup = bench::Milliseconds(arguments, "warmup-ms", 1000);
  auto measure = bench::Milliseconds(arguments, "measure-ms", 5000);

  if (contender == "raw-sync" || contender == "raw-sync-anchored") {
    bench::LoadResult result = bench::RunBlockingLoad(
        inflight, warmup, measure,
        [&](std::string* error) { return RaiseBlocking(stub.get(), hub, error); });
    bench::EmitThroughput(arguments, contender, inflight, result);
    return;
  }

  if (contender == "raw-callback" || contender == "raw-callback-ua") {
    bool with_user_agent = contender == "raw-callback-ua";
    bench::AsyncLoad* load_pointer = nullptr;
    bench::AsyncLoad load([&] {
      RaiseWithCallback(
          stub.get(), hub,
          [load_pointer](const grpc::Status& status) {
            load_pointer->Finished(status.ok(), status.error_message());
          },
          with_user_agent);
    });
    load_pointer = &load;
    bench::EmitThroughput(arguments, contender, inflight, load.Run(inflight, warmup, measure));
    return;
  }
  bench::Fail("throughput has no contender " + contender);
}

// Every hub gets a channel of its own on each endpoint, and raises its events through it.
void ManyHubs(const Arguments& arguments, const std::string& contender) {
  if (contender != "raw-channel-per-client") bench::Fail("many-hubs has no contender " + contender);
  std::vector<Endpoint> endpoints = {
      MakeEndpoint(arguments.Text("plaintext-address"), "", ""),
      MakeEndpoint(arguments.Text("tls-address"), arguments.Text("ca"),
                   arguments.Text("server-name-override", "")),
  };
  std::string prefix = arguments.Text("hub-prefix");
  long long hubs = arguments.Number("hubs", 1000);
  long long events = arguments.Number("events", 10);
  bench::InflightLimit limit(static_cast<int>(arguments.Number("inflight", 64)));
  bench::Outcomes outcomes;

  std::vector<std::unique_ptr<TaskHubSidecarService::Stub>> stubs;
  stubs.reserve(hubs * endpoints.size());
  auto start = SteadyClock::now();
  for (long long i = 0; i < hubs; ++i) {
    std::string hub = prefix + std::to_string(i);
    for (const Endpoint& endpoint : endpoints) {
      stubs.push_back(TaskHubSidecarService::NewStub(endpoint.NewChannel()));
      for (long long e = 0; e < events; ++e) {
        limit.Acquire();
        RaiseWithCallback(stubs.back().get(), hub, [&](const grpc::Status& status) {
          outcomes.Record(status.ok(), status.error_message());
          limit.Release();
        });
      }
    }
  }
  limit.WaitIdle();
  double wall_ms = bench::MicrosSince(start) / 1000.0;

  bench::ManyHubsLine(arguments, contender, hubs, events, static_cast<int>(endpoints.size()),
                      outcomes, wall_ms)
      .Emit();
}

}  // namespace

int main(int argc, char** argv) {
  return bench::RunScenario(argc, argv,
                            {{"new-hub", NewHub},
                             {"throughput", Throughput},
                             {"many-hubs", ManyHubs}});
}
