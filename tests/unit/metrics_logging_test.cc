// Factory metrics and the log sink: what is counted, what is logged, and that a token
// never reaches a log line.
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using std::chrono::milliseconds;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using unit::CapturedLog;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::Reply;

class MetricsAndLogs : public ::testing::Test {
 protected:
  std::shared_ptr<ClientFactory> BuildFactory(ClientOptions base,
                                              milliseconds idle = milliseconds(0)) {
    Result<std::shared_ptr<ClientFactory>> factory =
        ClientFactoryBuilder().UseGrpc(std::move(base)).SetChannelIdleTimeout(idle).BuildFactory();
    EXPECT_THAT(factory, IsOk());
    return factory.ok() ? *factory : nullptr;
  }

  FakeSidecar fake_;
};

TEST_F(MetricsAndLogs, SnapshotCountsClientsChannelsCallsAndRetries) {
  std::shared_ptr<ClientFactory> factory = BuildFactory(unit::FakeOptions(fake_));
  ASSERT_NE(factory, nullptr);
  MetricsSnapshot empty = factory->Metrics();
  EXPECT_EQ(empty.clients_created, 0u);
  EXPECT_EQ(empty.channels_open, 0u);
  EXPECT_TRUE(empty.calls.empty());

  std::unique_ptr<Client> first = std::move(factory->CreateClient("a")).value();
  std::unique_ptr<Client> second = std::move(factory->CreateClient("b")).value();
  fake_.EnqueueFailures("Hello", grpc::StatusCode::UNAVAILABLE, 2);
  ASSERT_THAT(first->Ping(), IsOk());
  ASSERT_THAT(first->Ping(), IsOk());
  fake_.Enqueue("RaiseEvent", Reply::Fail(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(second->RaiseEvent("i", "e"), HasCode(StatusCode::kNotFound));
  ASSERT_THAT(second->RaiseEvent("i", "e"), IsOk());
  ASSERT_THAT(second->GetHistory("h"), IsOk());
  unit::StatusProbe probe;
  second->TerminateAsync("i", {}, {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  first.reset();

  MetricsSnapshot metrics = factory->Metrics();
  EXPECT_EQ(metrics.clients_created, 2u);
  EXPECT_EQ(metrics.clients_disposed, 1u);
  EXPECT_EQ(metrics.clients_live, 1u);
  EXPECT_EQ(metrics.channels_opened, 1u);
  EXPECT_EQ(metrics.channels_open, 1u);
  EXPECT_EQ(metrics.retries, 2u);
  EXPECT_EQ(metrics.calls["Hello"], (std::map<std::string, std::uint64_t>{{"ok", 2}}));
  EXPECT_EQ(metrics.calls["RaiseEvent"],
            (std::map<std::string, std::uint64_t>{{"not_found", 1}, {"ok", 1}}));
  EXPECT_EQ(metrics.calls["StreamInstanceHistory"]["ok"], 1u);
  EXPECT_EQ(metrics.calls["TerminateInstance"]["ok"], 1u);

  second.reset();
  EXPECT_EQ(factory->Metrics().clients_live, 0u);
  // The finished asynchronous call lets go of the connection on a gRPC thread, moments
  // after its callback ran, so the channel may close just after the client is gone.
  unit::Stopwatch stopwatch;
  while (factory->Metrics().channels_open != 0 && stopwatch.elapsed() < milliseconds(2000)) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  MetricsSnapshot after = factory->Metrics();
  EXPECT_EQ(after.channels_open, 0u);
  EXPECT_EQ(after.channels_closed, 1u);
  // A snapshot is a copy: later activity leaves it as it was.
  EXPECT_EQ(metrics.clients_live, 1u);
}

TEST_F(MetricsAndLogs, FailuresBeforeSendingAreNotCountedAsCalls) {
  std::shared_ptr<ClientFactory> factory = BuildFactory(unit::FakeOptions(fake_));
  ASSERT_NE(factory, nullptr);
  std::unique_ptr<Client> client = std::move(factory->CreateClient("a")).value();
  EXPECT_THAT(client->RaiseEvent("", "e"), HasCode(StatusCode::kInvalidArgument));
  EXPECT_TRUE(factory->Metrics().calls.empty());
}

TEST_F(MetricsAndLogs, DebugSinkSeesClientCreationAndDisposal) {
  std::shared_ptr<ClientFactory> factory = BuildFactory(unit::FakeOptions(fake_));
  ASSERT_NE(factory, nullptr);
  CapturedLog log(LogLevel::kDebug);
  {
    Result<std::unique_ptr<Client>> client =
        factory->CreateClient("tenant-7", [](ClientOptions& o) { o.task_hub.clear(); });
    ASSERT_THAT(client, IsOk());
  }
  std::vector<std::string> lines = log.lines();
  EXPECT_THAT(lines, Contains("client: created client 'tenant-7' for task hub 'tenant-7'"));
  EXPECT_THAT(lines, Contains("client: disposed client 'tenant-7' for task hub 'tenant-7'"));
  EXPECT_THAT(lines, Contains(HasSubstr("channel: opened a channel to " + fake_.address())));
}

TEST_F(MetricsAndLogs, LoggingIsSilentBelowWarningsByDefault) {
  std::shared_ptr<ClientFactory> factory = BuildFactory(unit::FakeOptions(fake_));
  ASSERT_NE(factory, nullptr);
  CapturedLog log(LogLevel::kWarning);
  {
    Result<std::unique_ptr<Client>> client = factory->CreateClient("quiet");
    ASSERT_THAT(client, IsOk());
    ASSERT_THAT((*client)->Ping(), IsOk());
  }
  EXPECT_THAT(log.lines(), IsEmpty());
}

TEST_F(MetricsAndLogs, TokensNeverReachTheLog) {
  const std::string static_token = "STATIC-SECRET-7f3a";
  const std::string provided_token = "PROVIDED-SECRET-9c1e";
  CapturedLog log(LogLevel::kTrace);

  ClientOptions with_static = unit::FakeOptions(fake_);
  with_static.bearer_token = static_token;
  with_static.allow_insecure_credentials = true;
  std::shared_ptr<ClientFactory> factory = BuildFactory(with_static);
  ASSERT_NE(factory, nullptr);
  {
    std::unique_ptr<Client> client = std::move(factory->CreateClient("a")).value();
    ASSERT_THAT(client->Ping(), IsOk());
    std::unique_ptr<Client> provided =
        std::move(factory->CreateClient("b", [&provided_token](ClientOptions& o) {
          o.token_provider = [provided_token] {
            return Result<AccessToken>(
                AccessToken{provided_token, Clock::now() + std::chrono::hours(1)});
          };
        })).value();
    ASSERT_THAT(provided->Ping(), IsOk());
    std::unique_ptr<Client> failing =
        std::move(factory->CreateClient("c", [](ClientOptions& o) {
          o.token_provider = [] {
            return Result<AccessToken>(AccessToken{"bad\ntoken", TimePoint::max()});
          };
        })).value();
    EXPECT_THAT(failing->Ping(), HasCode(StatusCode::kUnauthenticated));
  }

  std::vector<std::string> lines = log.lines();
  EXPECT_THAT(lines, Contains(HasSubstr("refreshed the bearer token")));
  EXPECT_THAT(lines, Contains(HasSubstr("token refresh failed")));
  for (const std::string& line : lines) {
    EXPECT_THAT(line, Not(HasSubstr(static_token)));
    EXPECT_THAT(line, Not(HasSubstr(provided_token)));
    EXPECT_THAT(line, Not(HasSubstr("bad\ntoken")));
  }
}

TEST(LogSink, RestoringTheDefaultStopsDelivery) {
  std::vector<std::string> seen;
  SetLogSink([&seen](LogLevel, const std::string&,
                     const std::string& message) { seen.push_back(message); },
             LogLevel::kDebug);
  ClientOptions options;
  ASSERT_THAT(Client::Create(options), IsOk());
  size_t delivered = seen.size();
  EXPECT_GT(delivered, 0u);

  SetLogSink(nullptr);
  ASSERT_THAT(Client::Create(options), IsOk());
  EXPECT_EQ(seen.size(), delivered);
}

}  // namespace
}  // namespace durabletask
