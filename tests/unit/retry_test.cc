// Retries on UNAVAILABLE, proven with faults injected by the fake sidecar.
#include <string>
#include <vector>

#include "test_support.h"
#include "transport/connection.h"

namespace durabletask {
namespace {

using ::testing::HasSubstr;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::RecordedCall;
using unit::Reply;
using unit::StatusProbe;

class Retry : public ::testing::Test {
 protected:
  std::unique_ptr<Client> ClientWithAttempts(int max_attempts) {
    ClientOptions options = unit::FakeOptions(fake_);
    options.retry.max_attempts = max_attempts;
    return unit::MakeClient(options);
  }

  FakeSidecar fake_;
};

TEST_F(Retry, UnavailableNTimesThenOkSucceedsAfterNPlusOneAttempts) {
  std::unique_ptr<Client> client = ClientWithAttempts(10);
  ASSERT_NE(client, nullptr);
  fake_.EnqueueFailures("RaiseEvent", grpc::StatusCode::UNAVAILABLE, 4);

  EXPECT_THAT(client->RaiseEvent("i", "e"), IsOk());
  EXPECT_EQ(fake_.CallCount("RaiseEvent"), 5);
}

TEST_F(Retry, ExceedingMaxAttemptsReturnsUnavailable) {
  std::unique_ptr<Client> client = ClientWithAttempts(3);
  ASSERT_NE(client, nullptr);
  fake_.EnqueueFailures("RaiseEvent", grpc::StatusCode::UNAVAILABLE, 5);

  Status status = client->RaiseEvent("i", "e");
  EXPECT_THAT(status, HasCode(StatusCode::kUnavailable));
  EXPECT_THAT(status.message(), HasSubstr("RaiseEvent"));
  EXPECT_EQ(fake_.CallCount("RaiseEvent"), 3) << status.ToString();
}

TEST_F(Retry, SingleAttemptPolicyNeverRetries) {
  std::unique_ptr<Client> client = ClientWithAttempts(1);
  ASSERT_NE(client, nullptr);
  fake_.EnqueueFailures("Hello", grpc::StatusCode::UNAVAILABLE, 1);

  EXPECT_THAT(client->Ping(), HasCode(StatusCode::kUnavailable));
  EXPECT_EQ(fake_.CallCount("Hello"), 1);
}

TEST_F(Retry, OtherCodesAreNotRetried) {
  std::unique_ptr<Client> client = ClientWithAttempts(10);
  ASSERT_NE(client, nullptr);
  const std::vector<grpc::StatusCode> codes = {
      grpc::StatusCode::UNKNOWN,           grpc::StatusCode::INTERNAL,
      grpc::StatusCode::DEADLINE_EXCEEDED, grpc::StatusCode::RESOURCE_EXHAUSTED,
      grpc::StatusCode::ABORTED,           grpc::StatusCode::NOT_FOUND,
      grpc::StatusCode::UNAUTHENTICATED,   grpc::StatusCode::FAILED_PRECONDITION};
  int expected_calls = 0;
  for (grpc::StatusCode code : codes) {
    SCOPED_TRACE(static_cast<int>(code));
    fake_.Enqueue("TerminateInstance", Reply::Fail(code));
    Status status = client->Terminate("i");
    EXPECT_EQ(static_cast<int>(status.code()), static_cast<int>(code));
    EXPECT_EQ(fake_.CallCount("TerminateInstance"), ++expected_calls);
  }
}

TEST_F(Retry, EveryAttemptSendsTheSameRequestIncludingAGeneratedInstanceId) {
  std::unique_ptr<Client> client = ClientWithAttempts(5);
  ASSERT_NE(client, nullptr);
  fake_.EnqueueFailures("StartInstance", grpc::StatusCode::UNAVAILABLE, 2);

  StartOrchestrationOptions start;
  start.name = "Idempotent";
  ASSERT_THAT(client->ScheduleNewOrchestration(start), IsOk());

  auto requests = fake_.Requests<::CreateInstanceRequest>("StartInstance");
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_FALSE(requests[0].instance_id().empty());
  EXPECT_EQ(requests[1].instance_id(), requests[0].instance_id());
  EXPECT_EQ(requests[2].instance_id(), requests[0].instance_id());
}

TEST_F(Retry, AttemptsAreSpacedByAGrowingBackoffUpToTheCap) {
  ClientOptions options = unit::FakeOptions(fake_);
  options.retry.initial_backoff = std::chrono::milliseconds(40);
  options.retry.backoff_multiplier = 4.0;
  options.retry.max_backoff = std::chrono::milliseconds(100);
  std::unique_ptr<Client> client = unit::MakeClient(options);
  ASSERT_NE(client, nullptr);
  fake_.EnqueueFailures("Hello", grpc::StatusCode::UNAVAILABLE, 3);

  ASSERT_THAT(client->Ping(), IsOk());

  std::vector<RecordedCall> calls = fake_.Calls("Hello");
  ASSERT_EQ(calls.size(), 4u);
  auto gap = [&calls](int i) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(calls[i].received_at -
                                                                 calls[i - 1].received_at);
  };
  // 40, then 160 capped at 100, then 640 capped at 100.
  EXPECT_GE(gap(1).count(), 39);
  EXPECT_GE(gap(2).count(), 99);
  EXPECT_GE(gap(3).count(), 99);
  EXPECT_LT(gap(3).count(), 500);
}

TEST_F(Retry, BackoffThatWouldOutliveTheDeadlineEndsTheCallAtOnce) {
  ClientOptions options = unit::FakeOptions(fake_);
  options.retry.initial_backoff = std::chrono::seconds(5);
  options.retry.max_backoff = std::chrono::seconds(5);
  std::unique_ptr<Client> client = unit::MakeClient(options);
  ASSERT_NE(client, nullptr);
  fake_.SetDefault("Hello", Reply::Fail(grpc::StatusCode::UNAVAILABLE));

  unit::Stopwatch stopwatch;
  Status status = client->Ping(CallOptions::WithTimeout(std::chrono::milliseconds(300)));
  EXPECT_THAT(status, HasCode(StatusCode::kUnavailable));
  EXPECT_LT(stopwatch.elapsed(), std::chrono::milliseconds(2000));
  EXPECT_EQ(fake_.CallCount("Hello"), 1);
}

TEST(RetryWithoutServer, StoppedServerGivesUnavailableAfterMaxAttempts) {
  std::string address;
  {
    FakeSidecar stopped;
    address = stopped.address();
  }
  ClientOptions options;
  options.address = address;
  options.retry.max_attempts = 3;
  options.retry.initial_backoff = std::chrono::milliseconds(1);
  options.retry.max_backoff = std::chrono::milliseconds(2);
  Result<std::shared_ptr<ClientFactory>> factory =
      ClientFactoryBuilder().UseGrpc(options).BuildFactory();
  ASSERT_THAT(factory, IsOk());
  Result<std::unique_ptr<Client>> client = (*factory)->CreateClient("hub");
  ASSERT_THAT(client, IsOk());

  Status status = (*client)->Ping(CallOptions::WithTimeout(std::chrono::seconds(10)));
  EXPECT_THAT(status, HasCode(StatusCode::kUnavailable));
  MetricsSnapshot metrics = (*factory)->Metrics();
  EXPECT_EQ(metrics.retries, 2u);
  EXPECT_EQ(metrics.calls["Hello"]["unavailable"], 1u);

  StatusProbe probe;
  (*client)->PingAsync(CallOptions::WithTimeout(std::chrono::seconds(10)), probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kUnavailable));
  EXPECT_EQ((*factory)->Metrics().retries, 4u);
}

TEST_F(Retry, AsyncUnavailableNTimesThenOkSucceedsAfterNPlusOneAttempts) {
  std::unique_ptr<Client> client = ClientWithAttempts(10);
  ASSERT_NE(client, nullptr);
  fake_.EnqueueFailures("RaiseEvent", grpc::StatusCode::UNAVAILABLE, 3);

  StatusProbe probe;
  client->RaiseEventAsync("i", "e", std::nullopt, {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), IsOk());
  EXPECT_EQ(fake_.CallCount("RaiseEvent"), 4);
}

TEST_F(Retry, AsyncExceedingMaxAttemptsReturnsUnavailable) {
  std::unique_ptr<Client> client = ClientWithAttempts(2);
  ASSERT_NE(client, nullptr);
  fake_.EnqueueFailures("GetInstance", grpc::StatusCode::UNAVAILABLE, 5);

  unit::Probe<InstanceResult> probe;
  client->GetInstanceAsync("i", false, {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kUnavailable));
  EXPECT_EQ(fake_.CallCount("GetInstance"), 2);
}

TEST_F(Retry, AsyncOtherCodesAreNotRetried) {
  std::unique_ptr<Client> client = ClientWithAttempts(10);
  ASSERT_NE(client, nullptr);
  fake_.Enqueue("SuspendInstance", Reply::Fail(grpc::StatusCode::INTERNAL));

  StatusProbe probe;
  client->SuspendAsync("i", "", {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kInternal));
  EXPECT_EQ(fake_.CallCount("SuspendInstance"), 1);
}

TEST(RetryBackoff, GrowsByTheMultiplierAndIsCapped) {
  auto pool = internal::ChannelPool::Create(nullptr, std::chrono::milliseconds(0));
  ClientOptions options;
  Result<internal::ChannelSettings> settings = internal::ChannelSettings::FromOptions(options);
  ASSERT_THAT(settings, IsOk());
  internal::CallSettings call;
  call.retry.initial_backoff = std::chrono::milliseconds(50);
  call.retry.backoff_multiplier = 2.0;
  call.retry.max_backoff = std::chrono::milliseconds(250);
  internal::Connection connection(pool->Acquire(*settings), call, nullptr);

  EXPECT_EQ(connection.Backoff(1), std::chrono::milliseconds(50));
  EXPECT_EQ(connection.Backoff(2), std::chrono::milliseconds(100));
  EXPECT_EQ(connection.Backoff(3), std::chrono::milliseconds(200));
  EXPECT_EQ(connection.Backoff(4), std::chrono::milliseconds(250));
  EXPECT_EQ(connection.Backoff(30), std::chrono::milliseconds(250));
}

}  // namespace
}  // namespace durabletask
