// The factory, the provider and the caching factory: names, task hubs, the order in
// which configuration is applied, and cache eviction.
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::Reply;

ConfigureOptions Append(const std::string& piece) {
  return [piece](ClientOptions& options) { options.user_agent_suffix += piece; };
}

class Factory : public ::testing::Test {
 protected:
  // Base options aimed at the fake, without a task hub, so names become hubs.
  ClientOptions Base() const {
    ClientOptions options = unit::FakeOptions(fake_);
    options.task_hub.clear();
    return options;
  }

  std::shared_ptr<ClientFactory> Build(ClientFactoryBuilder& builder) {
    Result<std::shared_ptr<ClientFactory>> factory = builder.BuildFactory();
    EXPECT_THAT(factory, IsOk());
    return factory.ok() ? *factory : nullptr;
  }

  FakeSidecar fake_;
};

TEST_F(Factory, ClientNameBecomesTheTaskHubHeader) {
  ClientFactoryBuilder builder;
  builder.UseGrpc(Base());
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);

  Result<std::unique_ptr<Client>> client = factory->CreateClient("tenant-42");
  ASSERT_THAT(client, IsOk());
  EXPECT_EQ((*client)->name(), "tenant-42");
  EXPECT_EQ((*client)->task_hub(), "tenant-42");
  ASSERT_THAT((*client)->Ping(), IsOk());
  EXPECT_EQ(fake_.LastCall("Hello").Header("taskhub"), "tenant-42");
}

TEST_F(Factory, DefaultNameUsesTheDefaultTaskHub) {
  ClientFactoryBuilder builder;
  builder.UseGrpc(Base());
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);

  Result<std::unique_ptr<Client>> client = factory->CreateClient();
  ASSERT_THAT(client, IsOk());
  EXPECT_EQ((*client)->name(), "");
  ASSERT_THAT((*client)->Ping(), IsOk());
  EXPECT_EQ(fake_.LastCall("Hello").Header("taskhub"), "default");
}

TEST_F(Factory, ConfiguredTaskHubWinsOverTheName) {
  ClientOptions base = Base();
  base.task_hub = "shared-hub";
  ClientFactoryBuilder builder;
  builder.UseGrpc(base);
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);

  Result<std::unique_ptr<Client>> client = factory->CreateClient("tenant-1");
  ASSERT_THAT(client, IsOk());
  ASSERT_THAT((*client)->Ping(), IsOk());
  EXPECT_EQ(fake_.LastCall("Hello").Header("taskhub"), "shared-hub");
}

TEST_F(Factory, UnconfiguredFactoryFailsWithNotConfiguredNamingUseGrpc) {
  ClientFactoryBuilder builder;
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);

  Result<std::unique_ptr<Client>> client = factory->CreateClient("x");
  EXPECT_THAT(client, HasCode(StatusCode::kNotConfigured));
  EXPECT_THAT(client.status().message(), HasSubstr("UseGrpc"));
  EXPECT_THAT(factory->ResolveOptions("x"), HasCode(StatusCode::kNotConfigured));
  EXPECT_EQ(factory->CheckHealth("x").state, HealthState::kUnreachable);
  EXPECT_THAT(factory->CheckHealth("x").reason, HasSubstr("not_configured"));
}

TEST_F(Factory, EmptyConfigureActionsAreInvalidArguments) {
  ClientFactoryBuilder builder;
  builder.UseGrpc(Base());
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);

  EXPECT_THAT(factory->CreateClient("x", ConfigureOptions()),
              HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(factory->ConfigureAll(nullptr), HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(factory->Configure("x", nullptr), HasCode(StatusCode::kInvalidArgument));

  ClientFactoryBuilder bad_all;
  bad_all.UseGrpc(Base()).ConfigureAll(nullptr);
  EXPECT_THAT(bad_all.BuildFactory(), HasCode(StatusCode::kInvalidArgument));
  ClientFactoryBuilder bad_named;
  bad_named.UseGrpc(Base()).Configure("x", nullptr);
  EXPECT_THAT(bad_named.BuildProvider(), HasCode(StatusCode::kInvalidArgument));
}

TEST_F(Factory, OptionsComposeBaseThenAllThenNamedThenPerCall) {
  ClientOptions base = Base();
  base.user_agent_suffix = "base";
  ClientFactoryBuilder builder;
  builder.UseGrpc(base)
      .Configure("orders", Append("+named1"))
      .ConfigureAll(Append("+all1"))
      .Configure("other", Append("+other"))
      .Configure("orders", Append("+named2"))
      .ConfigureAll(Append("+all2"));
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);

  Result<ClientOptions> resolved = factory->ResolveOptions("orders");
  ASSERT_THAT(resolved, IsOk());
  EXPECT_EQ(resolved->user_agent_suffix, "base+all1+all2+named1+named2");

  Result<std::unique_ptr<Client>> client = factory->CreateClient("orders", Append("+call"));
  ASSERT_THAT(client, IsOk());
  EXPECT_EQ((*client)->options().user_agent_suffix, "base+all1+all2+named1+named2+call");
  ASSERT_THAT((*client)->Ping(), IsOk());
  EXPECT_THAT(fake_.LastCall("Hello").Header("x-user-agent"),
              ::testing::EndsWith(" base+all1+all2+named1+named2+call"));
}

TEST_F(Factory, NameBecomesTheTaskHubOnlyAfterEveryActionLeftItEmpty) {
  ClientFactoryBuilder builder;
  builder.UseGrpc(Base()).Configure("a", [](ClientOptions& o) { o.task_hub = "from-config"; });
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);

  EXPECT_EQ(factory->ResolveOptions("a")->task_hub, "from-config");
  EXPECT_EQ(factory->ResolveOptions("b")->task_hub, "b");
  Result<std::unique_ptr<Client>> per_call =
      factory->CreateClient("a", [](ClientOptions& o) { o.task_hub.clear(); });
  ASSERT_THAT(per_call, IsOk());
  EXPECT_EQ((*per_call)->task_hub(), "a");
}

TEST_F(Factory, LaterConfigurationAffectsOnlyLaterClients) {
  ClientFactoryBuilder builder;
  builder.UseGrpc(Base());
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);

  Result<std::unique_ptr<Client>> before = factory->CreateClient("hub");
  ASSERT_THAT(before, IsOk());
  ASSERT_THAT(factory->Configure("hub", Append("late-named")), IsOk());
  ASSERT_THAT(factory->ConfigureAll([](ClientOptions& o) { o.default_version = "9"; }), IsOk());
  Result<std::unique_ptr<Client>> after = factory->CreateClient("hub");
  ASSERT_THAT(after, IsOk());
  Result<std::unique_ptr<Client>> other = factory->CreateClient("other");
  ASSERT_THAT(other, IsOk());

  EXPECT_EQ((*before)->options().user_agent_suffix, "");
  EXPECT_EQ((*before)->options().default_version, "");
  EXPECT_EQ((*after)->options().user_agent_suffix, "late-named");
  EXPECT_EQ((*after)->options().default_version, "9");
  EXPECT_EQ((*other)->options().user_agent_suffix, "");
  EXPECT_EQ((*other)->options().default_version, "9");
}

TEST_F(Factory, InvalidComposedOptionsFailCreation) {
  ClientFactoryBuilder builder;
  builder.UseGrpc(Base()).Configure("bad", [](ClientOptions& o) { o.retry.max_attempts = 0; });
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);
  EXPECT_THAT(factory->CreateClient("bad"), HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(factory->CreateClient("good"), IsOk());
  EXPECT_THAT(factory->CreateClient(std::string(257, 'n')), HasCode(StatusCode::kInvalidArgument));
}

TEST_F(Factory, ConnectionStringConfiguresTheTransport) {
  ClientFactoryBuilder builder;
  builder.UseConnectionString("Endpoint=http://" + fake_.address() +
                              ";TaskHub=from-string;Authentication=None");
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);
  Result<std::unique_ptr<Client>> client = factory->CreateClient("ignored-name");
  ASSERT_THAT(client, IsOk());
  ASSERT_THAT((*client)->Ping(), IsOk());
  EXPECT_EQ(fake_.LastCall("Hello").Header("taskhub"), "from-string");
}

TEST_F(Factory, BadConnectionStringMakesBuildFailNamingTheFault) {
  ClientFactoryBuilder builder;
  builder.UseConnectionString("Endpoint=http://localhost:1;Flavour=x;Authentication=None");
  Result<std::shared_ptr<ClientFactory>> factory = builder.BuildFactory();
  EXPECT_THAT(factory, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(factory.status().message(), HasSubstr("'Flavour'"));
}

TEST_F(Factory, ProviderServesRegisteredNamesAndListsThemForAnUnknownOne) {
  ClientFactoryBuilder builder;
  builder.UseGrpc(Base()).AddClient("billing").AddClient("orders").AddClient("billing");
  Result<std::unique_ptr<ClientProvider>> provider = builder.BuildProvider();
  ASSERT_THAT(provider, IsOk());

  EXPECT_THAT((*provider)->Names(), ElementsAre("billing", "orders"));
  Result<Client*> orders = (*provider)->GetClient("orders");
  ASSERT_THAT(orders, IsOk());
  EXPECT_EQ((*orders)->task_hub(), "orders");
  ASSERT_THAT((*orders)->Ping(), IsOk());
  EXPECT_EQ(fake_.LastCall("Hello").Header("taskhub"), "orders");

  Result<Client*> unknown = (*provider)->GetClient("shipping");
  EXPECT_THAT(unknown, HasCode(StatusCode::kNotFound));
  EXPECT_THAT(unknown.status().message(), HasSubstr("'shipping'"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("'billing', 'orders'"));
}

TEST_F(Factory, EmptyProviderSaysNoNamesAreRegistered) {
  ClientFactoryBuilder builder;
  builder.UseGrpc(Base());
  Result<std::unique_ptr<ClientProvider>> provider = builder.BuildProvider();
  ASSERT_THAT(provider, IsOk());
  Result<Client*> client = (*provider)->GetClient();
  EXPECT_THAT(client, HasCode(StatusCode::kNotFound));
  EXPECT_THAT(client.status().message(), HasSubstr("none"));
}

TEST_F(Factory, ProviderBuildFailsNamingTheClientWhoseOptionsAreInvalid) {
  ClientFactoryBuilder builder;
  builder.UseGrpc(Base()).AddClient("fine").AddClient("broken").Configure(
      "broken", [](ClientOptions& o) { o.address = "nowhere"; });
  Result<std::unique_ptr<ClientProvider>> provider = builder.BuildProvider();
  EXPECT_THAT(provider, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(provider.status().message(), HasSubstr("registered client 'broken'"));
}

TEST_F(Factory, HealthCheckReportsReachableNotFoundAndUnreachable) {
  ClientFactoryBuilder builder;
  builder.UseGrpc(Base());
  std::shared_ptr<ClientFactory> factory = Build(builder);
  ASSERT_NE(factory, nullptr);

  HealthReport reachable = factory->CheckHealth("orders", milliseconds(2000));
  EXPECT_EQ(reachable.state, HealthState::kReachable);
  EXPECT_EQ(reachable.task_hub, "orders");
  EXPECT_EQ(reachable.address, fake_.address());
  EXPECT_EQ(reachable.reason, "");

  fake_.Enqueue("Hello", Reply::Fail(grpc::StatusCode::NOT_FOUND, "no such task hub"));
  HealthReport missing = factory->CheckHealth("ghost", milliseconds(2000));
  EXPECT_EQ(missing.state, HealthState::kNotFound);
  EXPECT_THAT(missing.reason, HasSubstr("no such task hub"));

  fake_.Stop();
  HealthReport down = factory->CheckHealth("orders", milliseconds(2000));
  EXPECT_EQ(down.state, HealthState::kUnreachable);
  EXPECT_THAT(down.reason, HasSubstr("unavailable"));
}

class Caching : public Factory {
 protected:
  void SetUp() override {
    ClientFactoryBuilder builder;
    builder.UseGrpc(Base());
    factory_ = Build(builder);
    ASSERT_NE(factory_, nullptr);
  }

  std::shared_ptr<ClientFactory> factory_;
};

TEST_F(Caching, SameNameReturnsTheSameClient) {
  CachingClientFactory cache(factory_, 4, milliseconds(0));
  Result<std::shared_ptr<Client>> first = cache.GetClient("a");
  Result<std::shared_ptr<Client>> second = cache.GetClient("a");
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(factory_->Metrics().clients_created, 1u);
}

TEST_F(Caching, CapacityBoundsTheCacheAndTheLeastRecentlyUsedGoesFirst) {
  CachingClientFactory cache(factory_, 2, milliseconds(0));
  Client* a = cache.GetClient("a")->get();
  Client* b = cache.GetClient("b")->get();
  EXPECT_EQ(cache.GetClient("a")->get(), a);  // "a" is now the most recently used
  ASSERT_THAT(cache.GetClient("c"), IsOk());  // evicts "b"

  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_EQ(cache.GetClient("a")->get(), a);
  (void)b;
  EXPECT_EQ(factory_->Metrics().clients_created, 3u);
  ASSERT_THAT(cache.GetClient("b"), IsOk());  // a new client; evicts "c"
  EXPECT_EQ(factory_->Metrics().clients_created, 4u);
  EXPECT_EQ(cache.evictions(), 2u);
}

TEST_F(Caching, EvictedClientStaysUsableWhileHeld) {
  CachingClientFactory cache(factory_, 1, milliseconds(0));
  Result<std::shared_ptr<Client>> held = cache.GetClient("held");
  ASSERT_THAT(held, IsOk());
  ASSERT_THAT(cache.GetClient("other"), IsOk());
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_EQ(factory_->Metrics().clients_live, 2u);

  ASSERT_THAT((*held)->Ping(), IsOk());
  EXPECT_EQ(fake_.LastCall("Hello").Header("taskhub"), "held");
  std::shared_ptr<Client> released = std::move(*held);
  released.reset();
  EXPECT_EQ(factory_->Metrics().clients_live, 1u);
}

TEST_F(Caching, ClientsUnusedForTheIdleTimeoutAreEvicted) {
  CachingClientFactory cache(factory_, 10, milliseconds(50));
  ASSERT_THAT(cache.GetClient("old"), IsOk());
  std::this_thread::sleep_for(milliseconds(80));
  ASSERT_THAT(cache.GetClient("new"), IsOk());
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.evictions(), 1u);
}

TEST_F(Caching, ClearDropsEveryClient) {
  CachingClientFactory cache(factory_, 10, milliseconds(0));
  ASSERT_THAT(cache.GetClient("a"), IsOk());
  ASSERT_THAT(cache.GetClient("b"), IsOk());
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(factory_->Metrics().clients_live, 0u);
}

TEST_F(Caching, FactoryErrorsPassThroughAndAreNotCached) {
  ClientFactoryBuilder builder;
  std::shared_ptr<ClientFactory> unconfigured = Build(builder);
  ASSERT_NE(unconfigured, nullptr);
  CachingClientFactory cache(unconfigured, 2, milliseconds(0));
  EXPECT_THAT(cache.GetClient("a"), HasCode(StatusCode::kNotConfigured));
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(Caching, ZeroCapacityStillHoldsOneClient) {
  CachingClientFactory cache(factory_, 0, milliseconds(0));
  ASSERT_THAT(cache.GetClient("a"), IsOk());
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace durabletask
