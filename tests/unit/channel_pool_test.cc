// The channel pool: which clients share a connection, when idle channels close, and that
// creating clients costs no network I/O.
#include "transport/channel_pool.h"

#include <memory>
#include <thread>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using internal::ChannelLease;
using internal::ChannelPool;
using internal::ChannelSettings;
using internal::Metrics;
using std::chrono::milliseconds;
using unit::IsOk;

ChannelSettings SettingsFor(const ClientOptions& options) {
  Result<ChannelSettings> settings = ChannelSettings::FromOptions(options);
  EXPECT_TRUE(settings.ok()) << settings.status().ToString();
  return settings.ok() ? *settings : ChannelSettings{};
}

ClientOptions Plain(const std::string& address = "localhost:4001") {
  ClientOptions options;
  options.address = address;
  return options;
}

TEST(ChannelPool, EqualSettingsShareOneChannel) {
  auto metrics = std::make_shared<Metrics>();
  auto pool = ChannelPool::Create(metrics, milliseconds(0));
  ClientOptions options = Plain();
  ClientOptions same = Plain();
  same.task_hub = "other-hub";     // travels per call, not part of the channel
  same.bearer_token = "t";         // likewise
  same.user_agent_suffix = "x/1";  // likewise

  ChannelLease first = pool->Acquire(SettingsFor(options));
  ChannelLease second = pool->Acquire(SettingsFor(same));
  EXPECT_EQ(first.channel(), second.channel());
  EXPECT_EQ(first.stub(), second.stub());
  EXPECT_EQ(pool->OpenCount(), 1);
  EXPECT_EQ(metrics->Snapshot().channels_opened, 1u);
}

TEST(ChannelPool, DifferentTransportSettingsGetDifferentChannels) {
  auto pool = ChannelPool::Create(nullptr, milliseconds(0));
  std::vector<ClientOptions> variants;
  variants.push_back(Plain());
  variants.push_back(Plain("localhost:4002"));
  {
    ClientOptions tls = Plain();
    tls.tls.enabled = true;
    variants.push_back(tls);
  }
  {
    ClientOptions tls_roots = Plain();
    tls_roots.tls.enabled = true;
    tls_roots.tls.root_certificates_pem = "-----BEGIN CERTIFICATE-----\nx\n";
    variants.push_back(tls_roots);
  }
  {
    ClientOptions keepalive = Plain();
    keepalive.keepalive.time = milliseconds(30000);
    variants.push_back(keepalive);
  }
  {
    ClientOptions permit = Plain();
    permit.keepalive.permit_without_calls = true;
    variants.push_back(permit);
  }
  {
    ClientOptions send = Plain();
    send.max_send_message_size = 1 << 20;
    variants.push_back(send);
  }
  {
    ClientOptions receive = Plain();
    receive.max_receive_message_size = 16 << 20;
    variants.push_back(receive);
  }

  std::vector<ChannelLease> leases;
  for (const ClientOptions& options : variants)
    leases.push_back(pool->Acquire(SettingsFor(options)));
  for (size_t i = 0; i < leases.size(); ++i) {
    for (size_t j = i + 1; j < leases.size(); ++j) {
      EXPECT_NE(leases[i].channel(), leases[j].channel()) << "variants " << i << " and " << j;
      EXPECT_NE(leases[i].key(), leases[j].key());
    }
  }
  EXPECT_EQ(pool->OpenCount(), static_cast<int>(variants.size()));
}

TEST(ChannelSettingsKey, FieldsCannotBleedIntoEachOther) {
  ChannelSettings first;
  first.target = "a:1";
  first.root_certificates_pem = "bc";
  ChannelSettings second;
  second.target = "a:1b";
  second.root_certificates_pem = "c";
  EXPECT_NE(first.Key(), second.Key());
}

TEST(ChannelPool, ReleasingTheLastLeaseWithZeroIdleTimeoutClosesTheChannel) {
  auto metrics = std::make_shared<Metrics>();
  auto pool = ChannelPool::Create(metrics, milliseconds(0));
  ChannelLease first = pool->Acquire(SettingsFor(Plain()));
  ChannelLease second = pool->Acquire(SettingsFor(Plain()));

  first.Release();
  EXPECT_EQ(pool->OpenCount(), 1);
  second.Release();
  EXPECT_EQ(pool->OpenCount(), 0);
  MetricsSnapshot snapshot = metrics->Snapshot();
  EXPECT_EQ(snapshot.channels_opened, 1u);
  EXPECT_EQ(snapshot.channels_closed, 1u);
  EXPECT_EQ(snapshot.channels_open, 0u);
}

TEST(ChannelPool, MovedLeaseCarriesTheClaimAndAnEmptyOneReleasesNothing) {
  auto pool = ChannelPool::Create(nullptr, milliseconds(0));
  ChannelLease moved;
  {
    ChannelLease original = pool->Acquire(SettingsFor(Plain()));
    moved = std::move(original);
  }
  EXPECT_EQ(pool->OpenCount(), 1);

  ChannelLease other = pool->Acquire(SettingsFor(Plain("localhost:4002")));
  EXPECT_EQ(pool->OpenCount(), 2);
  other = std::move(moved);  // gives up the claim on the second channel
  EXPECT_EQ(pool->OpenCount(), 1);
  other.Release();
  other.Release();
  EXPECT_EQ(pool->OpenCount(), 0);
}

TEST(ChannelPool, IdleChannelOutlivesItsLastLeaseUntilTheTimeout) {
  auto metrics = std::make_shared<Metrics>();
  auto pool = ChannelPool::Create(metrics, milliseconds(300));
  ChannelLease lease = pool->Acquire(SettingsFor(Plain()));
  grpc::Channel* channel = lease.channel();
  lease.Release();

  EXPECT_EQ(pool->OpenCount(), 1);
  EXPECT_EQ(pool->CloseIdle(), 0);
  EXPECT_EQ(pool->OpenCount(), 1);

  // Reacquired within the timeout: the same channel comes back.
  lease = pool->Acquire(SettingsFor(Plain()));
  EXPECT_EQ(lease.channel(), channel);
  lease.Release();

  std::this_thread::sleep_for(milliseconds(350));
  // The pool's sweeper may already have closed it; CloseIdle closes it otherwise.
  pool->CloseIdle();
  EXPECT_EQ(pool->OpenCount(), 0);
  EXPECT_EQ(metrics->Snapshot().channels_closed, 1u);
}

TEST(ChannelPool, SweeperClosesIdleChannelsWithoutBeingAsked) {
  auto pool = ChannelPool::Create(nullptr, milliseconds(300));
  ChannelLease lease = pool->Acquire(SettingsFor(Plain()));
  unit::Stopwatch stopwatch;  // started before the channel goes idle
  lease.Release();
  EXPECT_EQ(pool->OpenCount(), 1);

  while (pool->OpenCount() != 0 && stopwatch.elapsed() < milliseconds(5000)) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(pool->OpenCount(), 0);
  EXPECT_GE(stopwatch.elapsed(), milliseconds(300));
}

TEST(ChannelPool, ChannelInUseIsNeverClosedAsIdle) {
  auto pool = ChannelPool::Create(nullptr, milliseconds(1));
  ChannelLease lease = pool->Acquire(SettingsFor(Plain()));
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(pool->CloseIdle(), 0);
  EXPECT_EQ(pool->OpenCount(), 1);
}

TEST(ChannelPool, ShortenedIdleTimeoutAppliesToChannelsAlreadyIdle) {
  auto pool = ChannelPool::Create(nullptr, std::chrono::hours(1));
  pool->Acquire(SettingsFor(Plain())).Release();
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(pool->CloseIdle(), 0);

  pool->SetIdleTimeout(milliseconds(10));
  unit::Stopwatch stopwatch;
  while (pool->OpenCount() != 0 && stopwatch.elapsed() < milliseconds(3000)) {
    pool->CloseIdle();
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(pool->OpenCount(), 0);
}

TEST(ChannelPool, CreatingClientsDoesNoNetworkIo) {
  // Nothing answers on this non-routable address: a connection attempt would hang, so
  // fast creation proves none is made.
  ClientOptions options;
  options.address = "10.255.255.1:4001";
  Result<std::shared_ptr<ClientFactory>> factory =
      ClientFactoryBuilder().UseGrpc(options).BuildFactory();
  ASSERT_THAT(factory, IsOk());

  unit::Stopwatch stopwatch;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 100; ++i) {
    Result<std::unique_ptr<Client>> client = (*factory)->CreateClient("hub-" + std::to_string(i));
    ASSERT_THAT(client, IsOk());
    clients.push_back(std::move(client).value());
  }
  std::vector<std::unique_ptr<Client>> standalone;
  for (int i = 0; i < 100; ++i) {
    Result<std::unique_ptr<Client>> client = Client::Create(options);
    ASSERT_THAT(client, IsOk());
    standalone.push_back(std::move(client).value());
  }
  EXPECT_LT(stopwatch.elapsed(), milliseconds(2000));
  EXPECT_EQ((*factory)->OpenChannelCount(), 1);
  EXPECT_EQ((*factory)->Metrics().clients_live, 100u);

  clients.clear();
  standalone.clear();
}

TEST(ChannelPool, FactoryClientsWithEqualTransportShareAChannelAndDifferentOnesDoNot) {
  ClientOptions options;
  options.address = "localhost:4001";
  Result<std::shared_ptr<ClientFactory>> factory =
      ClientFactoryBuilder().UseGrpc(options).SetChannelIdleTimeout(milliseconds(0)).BuildFactory();
  ASSERT_THAT(factory, IsOk());

  Result<std::unique_ptr<Client>> a = (*factory)->CreateClient("a");
  Result<std::unique_ptr<Client>> b = (*factory)->CreateClient("b");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ((*factory)->OpenChannelCount(), 1);

  Result<std::unique_ptr<Client>> sized =
      (*factory)->CreateClient("c", [](ClientOptions& o) { o.max_receive_message_size = 8 << 20; });
  ASSERT_THAT(sized, IsOk());
  EXPECT_EQ((*factory)->OpenChannelCount(), 2);

  sized->reset();
  EXPECT_EQ((*factory)->OpenChannelCount(), 1);
  a->reset();
  b->reset();
  EXPECT_EQ((*factory)->OpenChannelCount(), 0);
  MetricsSnapshot metrics = (*factory)->Metrics();
  EXPECT_EQ(metrics.channels_opened, 2u);
  EXPECT_EQ(metrics.channels_closed, 2u);
}

TEST(ChannelPool, FactoryIdleTimeoutKeepsTheChannelForTheNextClient) {
  ClientOptions options;
  options.address = "localhost:4001";
  Result<std::shared_ptr<ClientFactory>> factory = ClientFactoryBuilder()
                                                       .UseGrpc(options)
                                                       .SetChannelIdleTimeout(std::chrono::hours(1))
                                                       .BuildFactory();
  ASSERT_THAT(factory, IsOk());
  {
    Result<std::unique_ptr<Client>> client = (*factory)->CreateClient("a");
    ASSERT_THAT(client, IsOk());
  }
  EXPECT_EQ((*factory)->OpenChannelCount(), 1);
  EXPECT_EQ((*factory)->CloseIdleChannels(), 0);

  (*factory)->SetChannelIdleTimeout(milliseconds(1));
  std::this_thread::sleep_for(milliseconds(20));
  (*factory)->CloseIdleChannels();
  EXPECT_EQ((*factory)->OpenChannelCount(), 0);
}

}  // namespace
}  // namespace durabletask
