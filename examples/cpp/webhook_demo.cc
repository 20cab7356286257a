// The motivating scenario, acted out: a web service receives webhook calls whose route
// names a task hub (one per tenant) and an orchestration instance. It learns each hub
// only when the request arrives, asks the factory for a client to that hub, raises the
// event, and disposes the client. Every client shares one connection.
//
// The demo starts Microsoft's in-memory sidecar itself (tests/sidecar), with hubs that
// come into being on first use, so nothing about the tenants is known in advance.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "durabletask/durabletask.h"
#include "sidecar_process.h"

namespace {

using durabletask::CallOptions;
using durabletask::ClientFactory;
using durabletask::ClientFactoryBuilder;
using durabletask::ClientOptions;
using durabletask::Status;

struct WebhookRequest {
  std::string route;  // "/webhook/{hub}/{instance}/{event}"
  std::string body;
};

// Splits "/webhook/{hub}/{instance}/{event}" the way a router would.
bool ParseRoute(const std::string& route, std::string* hub, std::string* instance,
                std::string* event) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= route.size()) {
    size_t slash = route.find('/', start);
    if (slash == std::string::npos) slash = route.size();
    parts.push_back(route.substr(start, slash - start));
    start = slash + 1;
  }
  if (parts.size() != 4 || parts[0] != "webhook") return false;
  *hub = parts[1];
  *instance = parts[2];
  *event = parts[3];
  return true;
}

// The handler: everything it knows about the hub comes from the request.
Status HandleWebhook(ClientFactory& factory, const WebhookRequest& request) {
  std::string hub, instance, event;
  if (!ParseRoute(request.route, &hub, &instance, &event)) {
    return Status(durabletask::StatusCode::kInvalidArgument, "bad route " + request.route);
  }
  auto client = factory.CreateClient(hub);
  if (!client.ok()) return client.status();
  return (*client)->RaiseEvent(instance, event, request.body,
                               CallOptions::WithTimeout(std::chrono::seconds(10)));
}

}  // namespace

int main(int argc, char** argv) {
  int tenants = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  int events_per_tenant = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;

  std::printf("Starting Microsoft's in-memory Durable Task sidecar...\n");
  durabletask::testing::SidecarProcess sidecar({}, "tenant-");
  std::string error;
  if (!sidecar.Start(&error)) {
    std::fprintf(stderr, "could not start the sidecar: %s\n", error.c_str());
    return 1;
  }
  std::printf("Sidecar listening on %s (task hubs named tenant-* are created on first use)\n\n",
              sidecar.address().c_str());

  ClientOptions base;
  base.address = sidecar.address();
  auto built = ClientFactoryBuilder().UseGrpc(base).BuildFactory();
  if (!built.ok()) {
    std::fprintf(stderr, "%s\n", built.status().ToString().c_str());
    return 1;
  }
  ClientFactory& factory = **built;

  // Each tenant has an order workflow waiting for `events_per_tenant` "tick" events.
  std::map<std::string, std::string> order_of;
  for (int t = 0; t < tenants; ++t) {
    std::string hub = "tenant-" + std::string(1, static_cast<char>('a' + t % 26)) +
                      (t >= 26 ? std::to_string(t) : "");
    auto client = factory.CreateClient(hub);
    durabletask::StartOrchestrationOptions start;
    start.name = "CountEvents";
    start.input = std::to_string(events_per_tenant);
    start.instance_id = "order-" + std::to_string(1000 + t);
    auto id = (*client)->ScheduleNewOrchestration(start);
    if (!id.ok()) {
      std::fprintf(stderr, "%s\n", id.status().ToString().c_str());
      return 1;
    }
    order_of[hub] = *id;
    std::printf("hub %-10s  started orchestration %s, waiting for %d events\n", hub.c_str(),
                id->c_str(), events_per_tenant);
  }

  // Incoming webhook calls, in no particular order.
  std::vector<WebhookRequest> requests;
  for (const auto& [hub, instance] : order_of) {
    for (int i = 0; i < events_per_tenant; ++i) {
      requests.push_back({"/webhook/" + hub + "/" + instance + "/tick",
                          "{\"hub\":\"" + hub + "\",\"seq\":" + std::to_string(i) + "}"});
    }
  }
  std::shuffle(requests.begin(), requests.end(), std::mt19937(42));

  std::printf("\nHandling %zu webhook calls on 4 threads...\n", requests.size());
  std::atomic<size_t> next{0};
  std::atomic<int> failed{0};
  std::mutex print_mutex;
  std::vector<std::thread> handlers;
  for (int t = 0; t < 4; ++t) {
    handlers.emplace_back([&] {
      for (size_t i = next++; i < requests.size(); i = next++) {
        Status status = HandleWebhook(factory, requests[i]);
        std::lock_guard<std::mutex> lock(print_mutex);
        std::printf("  POST %-40s -> %s\n", requests[i].route.c_str(), status.ToString().c_str());
        if (!status.ok()) ++failed;
      }
    });
  }
  for (auto& handler : handlers) handler.join();

  std::printf("\nWhat each hub's orchestration received:\n");
  for (const auto& [hub, instance] : order_of) {
    auto client = factory.CreateClient(hub);
    auto done = (*client)->WaitForInstanceCompletion(instance, true,
                                                     CallOptions::WithTimeout(std::chrono::seconds(30)));
    if (!done.ok() || !done->has_value()) {
      std::printf("  %-10s %s: %s\n", hub.c_str(), instance.c_str(), done.status().ToString().c_str());
      ++failed;
      continue;
    }
    std::printf("  %-10s %s %s: %s\n", hub.c_str(), instance.c_str(),
                durabletask::RuntimeStatusName((*done)->runtime_status),
                (*done)->output.value_or("(no output)").c_str());
  }

  durabletask::MetricsSnapshot metrics = factory.Metrics();
  std::printf("\nClients created: %llu, still open: %llu; channels opened: %llu; "
              "TCP connections to the sidecar: %d\n",
              static_cast<unsigned long long>(metrics.clients_created),
              static_cast<unsigned long long>(metrics.clients_live),
              static_cast<unsigned long long>(metrics.channels_opened),
              durabletask::testing::CountOwnConnectionsTo(sidecar.port()));
  std::printf("RaiseEvent calls: %llu ok\n",
              static_cast<unsigned long long>(metrics.calls["RaiseEvent"]["ok"]));
  return failed == 0 ? 0 : 1;
}
