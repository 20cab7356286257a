// Deadlines: per call, by default, and the re-issued long polls of the wait operations.
#include <string>

#include "test_support.h"

namespace durabletask {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::Reply;

::GetInstanceResponse CompletedState(const std::string& id) {
  ::GetInstanceResponse answer;
  answer.set_exists(true);
  answer.mutable_orchestration_state()->set_instance_id(id);
  answer.mutable_orchestration_state()->set_orchestration_status(::ORCHESTRATION_STATUS_COMPLETED);
  return answer;
}

class Deadlines : public ::testing::Test {
 protected:
  std::unique_ptr<Client> MakeClient(milliseconds default_deadline = milliseconds(0)) {
    ClientOptions options = unit::FakeOptions(fake_);
    options.default_deadline = default_deadline;
    return unit::MakeClient(options);
  }

  // A client whose connection is already open, so that short deadlines measure the call
  // and not the connection set-up. The opening call is one no test here looks at.
  std::unique_ptr<Client> ConnectedClient(milliseconds default_deadline = milliseconds(0)) {
    std::unique_ptr<Client> client = MakeClient(default_deadline);
    if (client) {
      EXPECT_THAT(client->ListInstanceIdsPage({}, CallOptions::WithTimeout(seconds(30))), IsOk());
    }
    return client;
  }

  FakeSidecar fake_;
};

TEST_F(Deadlines, SlowServerFailsTheCallWithDeadlineExceeded) {
  std::unique_ptr<Client> client = ConnectedClient();
  ASSERT_NE(client, nullptr);
  fake_.Enqueue("RaiseEvent", Reply::Ok().After(seconds(10)));

  unit::Stopwatch stopwatch;
  Status status =
      client->RaiseEvent("i", "e", std::nullopt, CallOptions::WithTimeout(milliseconds(200)));
  EXPECT_THAT(status, HasCode(StatusCode::kDeadlineExceeded));
  EXPECT_GE(stopwatch.elapsed(), milliseconds(190));
  EXPECT_LT(stopwatch.elapsed(), milliseconds(3000));
}

TEST_F(Deadlines, AbsoluteDeadlineIsHonouredAndSentToTheServer) {
  std::unique_ptr<Client> client = ConnectedClient();
  ASSERT_NE(client, nullptr);
  fake_.Enqueue("Hello", Reply::Ok().After(seconds(10)));

  CallOptions call;
  call.deadline = Clock::now() + milliseconds(300);
  Status status = client->Ping(call);
  EXPECT_THAT(status, HasCode(StatusCode::kDeadlineExceeded));
  auto seen = fake_.LastCall("Hello").deadline;
  EXPECT_LT(std::chrono::abs(seen - *call.deadline), milliseconds(50));
}

TEST_F(Deadlines, EarlierOfDeadlineAndTimeoutWins) {
  std::unique_ptr<Client> client = ConnectedClient();
  ASSERT_NE(client, nullptr);

  CallOptions call;
  call.deadline = Clock::now() + seconds(60);
  call.timeout = milliseconds(500);
  TimePoint expected = Clock::now() + milliseconds(500);
  ASSERT_THAT(client->Ping(call), IsOk());
  EXPECT_LT(std::chrono::abs(fake_.LastCall("Hello").deadline - expected), milliseconds(100));
}

TEST_F(Deadlines, DefaultDeadlineAppliesWhenTheCallGivesNone) {
  std::unique_ptr<Client> client = ConnectedClient(milliseconds(250));
  ASSERT_NE(client, nullptr);
  fake_.Enqueue("TerminateInstance", Reply::Ok().After(seconds(10)));

  TimePoint expected = Clock::now() + milliseconds(250);
  unit::Stopwatch stopwatch;
  Status status = client->Terminate("i");
  EXPECT_THAT(status, HasCode(StatusCode::kDeadlineExceeded));
  EXPECT_LT(stopwatch.elapsed(), milliseconds(3000));
  EXPECT_LT(std::chrono::abs(fake_.LastCall("TerminateInstance").deadline - expected),
            milliseconds(100));
}

TEST_F(Deadlines, CallTimeoutOverridesTheDefaultDeadline) {
  std::unique_ptr<Client> client = ConnectedClient(milliseconds(100));
  ASSERT_NE(client, nullptr);
  fake_.Enqueue("Hello", Reply::Ok().After(milliseconds(400)));

  EXPECT_THAT(client->Ping(CallOptions::WithTimeout(seconds(5))), IsOk());
}

TEST_F(Deadlines, AsyncCallFailsWithDeadlineExceeded) {
  std::unique_ptr<Client> client = ConnectedClient();
  ASSERT_NE(client, nullptr);
  fake_.Enqueue("Hello", Reply::Ok().After(seconds(10)));

  unit::StatusProbe probe;
  client->PingAsync(CallOptions::WithTimeout(milliseconds(200)), probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kDeadlineExceeded));
}

TEST_F(Deadlines, DeadlineAlreadyPassedFailsWithoutSending) {
  std::unique_ptr<Client> client = MakeClient();
  ASSERT_NE(client, nullptr);

  CallOptions call;
  call.deadline = Clock::now() - seconds(1);
  EXPECT_THAT(client->Ping(call), HasCode(StatusCode::kDeadlineExceeded));

  unit::StatusProbe probe;
  client->PingAsync(call, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kDeadlineExceeded));
  EXPECT_EQ(fake_.CallCount("Hello"), 0);
}

TEST_F(Deadlines, WaitForCompletionIsReissuedAfterServerSideDeadlines) {
  std::unique_ptr<Client> client = MakeClient();
  ASSERT_NE(client, nullptr);
  fake_.EnqueueFailures("WaitForInstanceCompletion", grpc::StatusCode::DEADLINE_EXCEEDED, 2);
  fake_.Enqueue("WaitForInstanceCompletion", Reply::With(CompletedState("w")));

  InstanceResult result =
      client->WaitForInstanceCompletion("w", false, CallOptions::WithTimeout(seconds(10)));
  ASSERT_THAT(result, IsOk());
  ASSERT_TRUE(result->has_value());
  EXPECT_EQ((*result)->runtime_status, RuntimeStatus::kCompleted);
  auto requests = fake_.Requests<::GetInstanceRequest>("WaitForInstanceCompletion");
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& request : requests) EXPECT_EQ(request.instance_id(), "w");
}

TEST_F(Deadlines, WaitForStartIsReissuedAfterServerSideDeadlines) {
  std::unique_ptr<Client> client = MakeClient();
  ASSERT_NE(client, nullptr);
  fake_.EnqueueFailures("WaitForInstanceStart", grpc::StatusCode::DEADLINE_EXCEEDED, 3);
  fake_.Enqueue("WaitForInstanceStart", Reply::With(CompletedState("s")));

  InstanceResult result =
      client->WaitForInstanceStart("s", false, CallOptions::WithTimeout(seconds(10)));
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(fake_.CallCount("WaitForInstanceStart"), 4);
}

TEST_F(Deadlines, WaitEndsOnlyAtTheCallersDeadline) {
  std::unique_ptr<Client> client = MakeClient();
  ASSERT_NE(client, nullptr);
  fake_.SetDefault("WaitForInstanceCompletion",
                   Reply::Fail(grpc::StatusCode::DEADLINE_EXCEEDED).After(milliseconds(20)));

  unit::Stopwatch stopwatch;
  InstanceResult result =
      client->WaitForInstanceCompletion("w", false, CallOptions::WithTimeout(milliseconds(1000)));
  EXPECT_THAT(result, HasCode(StatusCode::kDeadlineExceeded));
  EXPECT_GE(stopwatch.elapsed(), milliseconds(990));
  EXPECT_LT(stopwatch.elapsed(), milliseconds(3000));
  EXPECT_GE(fake_.CallCount("WaitForInstanceCompletion"), 3);
}

TEST_F(Deadlines, AsyncWaitIsReissuedAndEndsOnlyAtTheCallersDeadline) {
  std::unique_ptr<Client> client = MakeClient();
  ASSERT_NE(client, nullptr);
  fake_.EnqueueFailures("WaitForInstanceCompletion", grpc::StatusCode::DEADLINE_EXCEEDED, 2);
  fake_.Enqueue("WaitForInstanceCompletion", Reply::With(CompletedState("w")));

  unit::Probe<InstanceResult> completed;
  client->WaitForInstanceCompletionAsync("w", false, CallOptions::WithTimeout(seconds(10)),
                                         completed.Callback());
  ASSERT_TRUE(completed.Wait());
  ASSERT_THAT(completed.value(), IsOk());
  EXPECT_EQ(fake_.CallCount("WaitForInstanceCompletion"), 3);

  fake_.SetDefault("WaitForInstanceCompletion",
                   Reply::Fail(grpc::StatusCode::DEADLINE_EXCEEDED).After(milliseconds(20)));
  unit::Stopwatch stopwatch;
  unit::Probe<InstanceResult> timed_out;
  client->WaitForInstanceCompletionAsync("w", false, CallOptions::WithTimeout(milliseconds(1000)),
                                         timed_out.Callback());
  ASSERT_TRUE(timed_out.Wait());
  EXPECT_THAT(timed_out.value(), HasCode(StatusCode::kDeadlineExceeded));
  EXPECT_GE(stopwatch.elapsed(), milliseconds(990));
  EXPECT_GE(fake_.CallCount("WaitForInstanceCompletion"), 5);
}

TEST_F(Deadlines, ServerDeadlineOnOrdinaryCallsIsNotReissued) {
  std::unique_ptr<Client> client = MakeClient();
  ASSERT_NE(client, nullptr);
  fake_.Enqueue("GetInstance", Reply::Fail(grpc::StatusCode::DEADLINE_EXCEEDED));

  EXPECT_THAT(client->GetInstance("g", false, CallOptions::WithTimeout(seconds(10))),
              HasCode(StatusCode::kDeadlineExceeded));
  EXPECT_EQ(fake_.CallCount("GetInstance"), 1);
}

}  // namespace
}  // namespace durabletask
