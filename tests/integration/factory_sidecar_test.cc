// The client factory and provider against Microsoft's in-memory sidecar: clients for task
// hubs named at run time, on shared connections.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "durabletask/durabletask.h"
#include "sidecar_environment.h"

namespace durabletask::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::shared_ptr<ClientFactory> MakeFactory(ClientFactoryBuilder builder = ClientFactoryBuilder()) {
  ClientOptions base;
  base.address = SidecarEnvironment::Address();
  base.default_deadline = seconds(30);
  builder.UseGrpc(base);
  Result<std::shared_ptr<ClientFactory>> factory = builder.BuildFactory();
  EXPECT_TRUE(factory.ok()) << factory.status().ToString();
  return factory.ok() ? factory.value() : nullptr;
}

std::string StartIn(ClientFactory& factory, const std::string& hub, const std::string& name,
                    const std::string& input) {
  auto client = factory.CreateClient(hub);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  StartOrchestrationOptions start;
  start.name = name;
  start.input = input;
  auto id = (*client)->ScheduleNewOrchestration(start);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : "";
}

std::optional<OrchestrationMetadata> WaitIn(ClientFactory& factory, const std::string& hub,
                                            const std::string& id) {
  auto client = factory.CreateClient(hub);
  EXPECT_TRUE(client.ok());
  auto done = (*client)->WaitForInstanceCompletion(id, true, CallOptions::WithTimeout(seconds(60)));
  EXPECT_TRUE(done.ok()) << done.status().ToString();
  return done.ok() ? *done : std::nullopt;
}

// The scenario the factory exists for: a webhook learns (hub, instance, payload) from each
// request, creates a client for that hub, raises an event and disposes the client.
TEST(FactorySidecar, WebhookEventsReachTheWaitingOrchestrationInTheirHubAndOnlyThere) {
  auto factory = MakeFactory();
  ASSERT_NE(factory, nullptr);
  const std::vector<std::string> hubs = {"alpha", "beta", "gamma"};
  constexpr int kEventsPerHub = 20;

  std::map<std::string, std::string> instance_of;
  for (const auto& hub : hubs) instance_of[hub] = StartIn(*factory, hub, "CountEvents", std::to_string(kEventsPerHub));

  struct Request {
    std::string hub, instance_id, payload;
  };
  std::vector<Request> requests;
  for (int i = 0; i < kEventsPerHub; ++i) {
    for (const auto& hub : hubs) {
      requests.push_back({hub, instance_of[hub], "\"" + hub + "-" + std::to_string(i) + "\""});
    }
  }

  auto handle_webhook = [&factory](const Request& request) {
    Result<std::unique_ptr<Client>> client = factory->CreateClient(request.hub);
    if (!client.ok()) return client.status();
    return (*client)->RaiseEvent(request.instance_id, "tick", request.payload);
  };

  // Four handler threads, as a web server would run them.
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> handlers;
  for (int t = 0; t < 4; ++t) {
    handlers.emplace_back([&] {
      for (size_t i = next++; i < requests.size(); i = next++) {
        if (!handle_webhook(requests[i]).ok()) ++failures;
      }
    });
  }
  for (auto& handler : handlers) handler.join();
  EXPECT_EQ(failures.load(), 0);

  for (const auto& hub : hubs) {
    auto done = WaitIn(*factory, hub, instance_of[hub]);
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(done->runtime_status, RuntimeStatus::kCompleted);
    std::string output = *done->output;
    int count = 0;
    for (int i = 0; i < kEventsPerHub; ++i) {
      std::string expected = "\"" + hub + "-" + std::to_string(i) + "\"";
      if (output.find(expected) != std::string::npos) ++count;
    }
    EXPECT_EQ(count, kEventsPerHub) << hub << " received " << output;
    for (const auto& other : hubs) {
      if (other == hub) continue;
      EXPECT_EQ(output.find("\"" + other + "-"), std::string::npos) << output;
    }
  }
  MetricsSnapshot metrics = factory->Metrics();
  EXPECT_EQ(metrics.calls["RaiseEvent"]["ok"], hubs.size() * kEventsPerHub);
  EXPECT_EQ(metrics.clients_live, 0u);
  EXPECT_EQ(metrics.channels_opened, 1u);
}

TEST(FactorySidecar, ANameBecomesTheTaskHubWithNoOtherSetup) {
  auto factory = MakeFactory();
  std::string id = StartIn(*factory, "beta", "Echo", "\"to beta\"");
  auto in_beta = WaitIn(*factory, "beta", id);
  ASSERT_TRUE(in_beta.has_value());
  EXPECT_EQ(*in_beta->output, "\"to beta\"");

  auto alpha = factory->CreateClient("alpha");
  ASSERT_TRUE(alpha.ok());
  EXPECT_EQ((*alpha)->task_hub(), "alpha");
  EXPECT_FALSE((*alpha)->GetInstance(id)->has_value());

  auto default_client = factory->CreateClient();
  ASSERT_TRUE(default_client.ok());
  EXPECT_EQ((*default_client)->task_hub(), "default");
  EXPECT_TRUE((*default_client)->Ping(CallOptions::WithTimeout(seconds(10))).ok());
}

TEST(FactorySidecar, NamedConfigurationPerCallOverrideAndLaterChanges) {
  ClientFactoryBuilder builder;
  builder.ConfigureAll([](ClientOptions& options) { options.user_agent_suffix = "all-names"; });
  // "orders" is an alias for the hub "gamma"; "unreachable" points at a closed port.
  builder.Configure("orders", [](ClientOptions& options) { options.task_hub = "gamma"; });
  builder.Configure("unreachable", [](ClientOptions& options) {
    options.address = "127.0.0.1:1";
    options.retry.max_attempts = 1;
  });
  auto factory = MakeFactory(std::move(builder));

  auto orders = factory->CreateClient("orders");
  ASSERT_TRUE(orders.ok());
  EXPECT_EQ((*orders)->task_hub(), "gamma");
  EXPECT_EQ((*orders)->options().user_agent_suffix, "all-names");
  std::string id = StartIn(*factory, "orders", "Echo", "\"order 1\"");
  auto gamma = factory->CreateClient("gamma");
  EXPECT_TRUE((*gamma)->GetInstance(id)->has_value()) << "the alias should reach hub gamma";

  auto unreachable = factory->CreateClient("unreachable");
  ASSERT_TRUE(unreachable.ok());
  EXPECT_EQ((*unreachable)->Ping(CallOptions::WithTimeout(seconds(5))).code(), StatusCode::kUnavailable);

  // The per-call action wins over named configuration.
  auto overridden = factory->CreateClient("unreachable", [](ClientOptions& options) {
    options.address = SidecarEnvironment::Address();
    options.task_hub = "alpha";
  });
  ASSERT_TRUE(overridden.ok());
  EXPECT_TRUE((*overridden)->Ping(CallOptions::WithTimeout(seconds(10))).ok());

  // A change made now is seen by later clients only.
  ASSERT_TRUE(factory->Configure("orders", [](ClientOptions& options) { options.task_hub = "beta"; }).ok());
  auto later = factory->CreateClient("orders");
  EXPECT_EQ((*later)->task_hub(), "beta");
  EXPECT_EQ((*orders)->task_hub(), "gamma");
  EXPECT_TRUE((*orders)->GetInstance(id)->has_value());
  EXPECT_FALSE((*later)->GetInstance(id)->has_value());
}

// Connections of earlier tests' factories close once those factories are gone; wait for
// that, so the counts below are this test's alone.
int QuietConnectionCount() {
  EXPECT_TRUE(Eventually([] { return CountOwnConnectionsTo(SidecarEnvironment::Port()) == 0; },
                         seconds(15)));
  return CountOwnConnectionsTo(SidecarEnvironment::Port());
}

TEST(FactorySidecar, HundredClientsForHundredHubsShareOneConnection) {
  int before = QuietConnectionCount();
  auto factory = MakeFactory();
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 100; ++i) {
    auto client = factory->CreateClient("load-share-" + std::to_string(i));
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    clients.push_back(std::move(client).value());
  }
  // Creating them did no network I/O.
  EXPECT_EQ(CountOwnConnectionsTo(SidecarEnvironment::Port()), before);

  for (auto& client : clients) {
    Status pinged = client->Ping(CallOptions::WithTimeout(seconds(30)));
    ASSERT_TRUE(pinged.ok()) << pinged.ToString();
  }
  EXPECT_EQ(CountOwnConnectionsTo(SidecarEnvironment::Port()), before + 1);
  EXPECT_EQ(factory->OpenChannelCount(), 1);

  // Different channel settings get a connection of their own.
  auto keepalive = factory->CreateClient("load-share-0", [](ClientOptions& options) {
    options.keepalive.time = seconds(60);
  });
  ASSERT_TRUE((*keepalive)->Ping(CallOptions::WithTimeout(seconds(30))).ok());
  EXPECT_EQ(CountOwnConnectionsTo(SidecarEnvironment::Port()), before + 2);
  auto tls = factory->CreateClient("load-share-0", [](ClientOptions& options) {
    options.tls.enabled = true;
  });
  ASSERT_TRUE(tls.ok()) << tls.status().ToString();
  EXPECT_EQ(factory->OpenChannelCount(), 3);
  EXPECT_EQ(factory->Metrics().channels_opened, 3u);
}

TEST(FactorySidecar, IdleChannelsCloseAfterTheirClientsAreGone) {
  int before = QuietConnectionCount();
  auto factory = MakeFactory();
  factory->SetChannelIdleTimeout(milliseconds(200));
  {
    auto client = factory->CreateClient("alpha");
    ASSERT_TRUE((*client)->Ping(CallOptions::WithTimeout(seconds(10))).ok());
    EXPECT_EQ(CountOwnConnectionsTo(SidecarEnvironment::Port()), before + 1);
  }
  EXPECT_TRUE(Eventually([&] { return factory->OpenChannelCount() == 0; }, seconds(5)));
  EXPECT_TRUE(Eventually([&] { return CountOwnConnectionsTo(SidecarEnvironment::Port()) == before; }, seconds(5)));
}

TEST(FactorySidecar, ProviderHandsOutRegisteredClientsAndNamesThemInItsError) {
  ClientFactoryBuilder builder;
  ClientOptions base;
  base.address = SidecarEnvironment::Address();
  builder.UseGrpc(base).AddClient("alpha").AddClient("beta").Configure("beta", [](ClientOptions& o) {
    o.user_agent_suffix = "beta-client";
  });
  auto provider = builder.BuildProvider();
  ASSERT_TRUE(provider.ok()) << provider.status().ToString();

  auto alpha = (*provider)->GetClient("alpha");
  ASSERT_TRUE(alpha.ok());
  EXPECT_EQ((*alpha)->task_hub(), "alpha");
  EXPECT_TRUE((*alpha)->Ping(CallOptions::WithTimeout(seconds(10))).ok());
  auto beta = (*provider)->GetClient("beta");
  ASSERT_TRUE(beta.ok());
  EXPECT_EQ((*beta)->options().user_agent_suffix, "beta-client");
  EXPECT_EQ(*(*provider)->GetClient("alpha"), *alpha) << "the same client every time";

  auto unknown = (*provider)->GetClient("gamma");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("'gamma'"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("'alpha', 'beta'"), std::string::npos) << unknown.status().message();
}

TEST(FactorySidecar, HealthReportsReachableUnreachableAndNotFound) {
  ClientFactoryBuilder builder;
  builder.Configure("closed-port", [](ClientOptions& options) {
    options.address = "127.0.0.1:1";
    options.retry.max_attempts = 1;
  });
  auto factory = MakeFactory(std::move(builder));
  HealthReport alpha = factory->CheckHealth("alpha", seconds(10));
  EXPECT_EQ(alpha.state, HealthState::kReachable) << alpha.reason;
  HealthReport missing = factory->CheckHealth("no-such-hub", seconds(10));
  EXPECT_EQ(missing.state, HealthState::kNotFound);
  EXPECT_NE(missing.reason.find("no-such-hub"), std::string::npos) << missing.reason;
  HealthReport closed = factory->CheckHealth("closed-port", seconds(5));
  EXPECT_EQ(closed.state, HealthState::kUnreachable);
  EXPECT_FALSE(closed.reason.empty());
}

TEST(FactorySidecar, DisposingAClientCancelsItsCallsInFlightAndEachCallbackFiresOnce) {
  auto factory = MakeFactory();
  std::string id = StartIn(*factory, "alpha", "RunUntilTerminated", "null");
  std::atomic<int> fired{0};
  std::atomic<int> cancelled{0};
  {
    auto client = factory->CreateClient("alpha");
    ASSERT_TRUE(client.ok());
    for (int i = 0; i < 10; ++i) {
      (*client)->WaitForInstanceCompletionAsync(id, false, {}, [&](InstanceResult result) {
        ++fired;
        if (result.status().code() == StatusCode::kCancelled) ++cancelled;
      });
    }
    std::this_thread::sleep_for(milliseconds(200));
  }
  // The client's destructor has returned: every callback has run, exactly once.
  EXPECT_EQ(fired.load(), 10);
  EXPECT_EQ(cancelled.load(), 10);
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(fired.load(), 10);

  auto cleanup = factory->CreateClient("alpha");
  EXPECT_TRUE((*cleanup)->Terminate(id).ok());
}

TEST(FactorySidecar, AClientOutlivesItsFactoryAndCloseIsIdempotent) {
  std::unique_ptr<Client> survivor;
  {
    auto factory = MakeFactory();
    auto client = factory->CreateClient("beta");
    ASSERT_TRUE(client.ok());
    survivor = std::move(client).value();
  }
  StartOrchestrationOptions start;
  start.name = "Echo";
  start.input = "\"still here\"";
  auto id = survivor->ScheduleNewOrchestration(start);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto done = survivor->WaitForInstanceCompletion(*id, true, CallOptions::WithTimeout(seconds(30)));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(*(*done)->output, "\"still here\"");

  survivor->Close();
  survivor->Close();
  EXPECT_EQ(survivor->Ping().code(), StatusCode::kFailedPrecondition);
}

TEST(FactorySidecar, CachingFactoryReusesClientsAndEvictsSafely) {
  auto factory = MakeFactory();
  CachingClientFactory cache(factory, 2, seconds(60));
  auto first = cache.GetClient("alpha");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->get(), cache.GetClient("alpha")->get());
  cache.GetClient("beta");
  cache.GetClient("gamma");  // evicts alpha, the least recently used
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.evictions(), 1u);
  // The evicted client still works for the caller that holds it.
  EXPECT_TRUE((*first)->Ping(CallOptions::WithTimeout(seconds(10))).ok());
  EXPECT_NE(first->get(), cache.GetClient("alpha")->get());
}

// Eight threads create, use and dispose clients for fifty hubs while named configuration
// changes underneath them. Run under ThreadSanitizer by the `tsan` build of .ci/run.
TEST(FactorySidecar, ManyThreadsCreateUseAndDisposeClientsWhileConfigurationChanges) {
  auto factory = MakeFactory();
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> calls{0};
  std::thread configurer([&] {
    int round = 0;
    while (!stop) {
      std::string name = "load-mt-" + std::to_string(round % 50);
      factory->Configure(name, [round](ClientOptions& options) {
        options.user_agent_suffix = "round-" + std::to_string(round);
      });
      ++round;
      std::this_thread::sleep_for(milliseconds(2));
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string hub = "load-mt-" + std::to_string((t * 25 + i) % 50);
        auto client = factory->CreateClient(hub);
        if (!client.ok()) {
          ++failures;
          continue;
        }
        std::promise<Status> pinged;
        (*client)->PingAsync(CallOptions::WithTimeout(seconds(30)), [&](Status s) { pinged.set_value(s); });
        if (!pinged.get_future().get().ok()) ++failures;
        auto missing = (*client)->GetInstance("none-" + std::to_string(i), false, CallOptions::WithTimeout(seconds(30)));
        if (!missing.ok() || missing->has_value()) ++failures;
        // Leave one call in flight when the client goes away.
        (*client)->WaitForInstanceCompletionAsync("none", false, {}, [&](InstanceResult) { ++calls; });
      }
    });
  }
  for (auto& worker : workers) worker.join();
  stop = true;
  configurer.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(calls.load(), 8 * 25);
  MetricsSnapshot metrics = factory->Metrics();
  EXPECT_EQ(metrics.clients_live, 0u);
  EXPECT_EQ(metrics.clients_created, 8u * 25u);
}

}  // namespace
}  // namespace durabletask::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new durabletask::testing::SidecarEnvironment());
  return RUN_ALL_TESTS();
}
