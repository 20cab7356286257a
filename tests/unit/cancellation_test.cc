// CancellationSource and CancellationToken, and cancelling calls blocking or not.
#include <atomic>
#include <future>
#include <thread>

#include "test_support.h"

namespace durabletask {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::Reply;

TEST(CancellationToken, DefaultTokenIsNeverCancelledAndRunsNothing) {
  CancellationToken token;
  EXPECT_FALSE(token.IsCancelled());
  bool ran = false;
  EXPECT_EQ(token.Register([&ran] { ran = true; }), 0u);
  token.Unregister(0);
  EXPECT_FALSE(ran);
}

TEST(CancellationSource, CancelRunsEveryCallbackExactlyOnce) {
  CancellationSource source;
  CancellationToken token = source.token();
  int first = 0;
  int second = 0;
  EXPECT_NE(token.Register([&first] { ++first; }), 0u);
  EXPECT_NE(token.Register([&second] { ++second; }), 0u);
  EXPECT_FALSE(token.IsCancelled());

  source.Cancel();
  source.Cancel();
  EXPECT_TRUE(token.IsCancelled());
  EXPECT_TRUE(source.IsCancelled());
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
}

TEST(CancellationSource, RegisteringAfterCancelRunsAtOnceOnTheCallingThread) {
  CancellationSource source;
  source.Cancel();
  std::thread::id ran_on;
  EXPECT_EQ(source.token().Register([&ran_on] { ran_on = std::this_thread::get_id(); }), 0u);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(CancellationSource, UnregisteredCallbackDoesNotRun) {
  CancellationSource source;
  bool ran = false;
  std::uint64_t id = source.token().Register([&ran] { ran = true; });
  source.token().Unregister(id);
  source.Cancel();
  EXPECT_FALSE(ran);
}

TEST(CancellationSource, CopiesOfATokenObserveTheSameSource) {
  CancellationSource source;
  CancellationToken first = source.token();
  CancellationToken copy = first;
  source.Cancel();
  EXPECT_TRUE(first.IsCancelled());
  EXPECT_TRUE(copy.IsCancelled());
}

TEST(CancellationSource, UnregisterWaitsForACallbackThatIsRunning) {
  CancellationSource source;
  std::promise<void> entered;
  std::atomic<bool> finished{false};
  std::uint64_t id = source.token().Register([&entered, &finished] {
    entered.set_value();
    std::this_thread::sleep_for(milliseconds(150));
    finished = true;
  });

  std::thread canceller([&source] { source.Cancel(); });
  entered.get_future().wait();
  source.token().Unregister(id);
  EXPECT_TRUE(finished.load());
  canceller.join();
}

TEST(CancellationSource, CallbackMayUnregisterItselfWithoutDeadlock) {
  CancellationSource source;
  std::uint64_t id = 0;
  bool ran = false;
  id = source.token().Register([&] {
    source.token().Unregister(id);
    ran = true;
  });
  source.Cancel();
  EXPECT_TRUE(ran);
}


TEST(CancellationSource, StaleIdDoesNotUnregisterTheCallbackThatReusedItsPlace) {
  CancellationSource source;
  CancellationToken token = source.token();
  bool first_ran = false;
  bool second_ran = false;
  std::uint64_t first = token.Register([&first_ran] { first_ran = true; });
  token.Unregister(first);
  std::uint64_t second = token.Register([&second_ran] { second_ran = true; });
  EXPECT_NE(second, first);

  token.Unregister(first);  // stale: must leave the second callback registered
  source.Cancel();
  EXPECT_FALSE(first_ran);
  EXPECT_TRUE(second_ran);
}

TEST(CancellationSource, ManyRegistrationsComeAndGoAndOnlyTheLiveOnesRun) {
  CancellationSource source;
  CancellationToken token = source.token();
  std::vector<int> runs(200, 0);
  std::vector<std::uint64_t> ids(runs.size(), 0);
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < runs.size(); ++i) {
      ids[i] = token.Register([&runs, i] { ++runs[i]; });
      ASSERT_NE(ids[i], 0u);
    }
    // All go at the end of a round, so the next round reuses their places.
    for (std::size_t i = 0; i < runs.size(); ++i) token.Unregister(ids[i]);
  }
  for (std::size_t i = 0; i < runs.size(); i += 2) {
    ids[i] = token.Register([&runs, i] { ++runs[i]; });
  }
  source.Cancel();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i], i % 2 == 0 ? 1 : 0) << "registration " << i;
  }
}
class CancelledCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = unit::MakeClient(unit::FakeOptions(fake_));
    ASSERT_NE(client_, nullptr);
  }

  FakeSidecar fake_;
  std::unique_ptr<Client> client_;
};

TEST_F(CancelledCalls, CancellingAnInFlightBlockingCallReturnsCancelled) {
  fake_.Enqueue("RaiseEvent", Reply::Ok().After(seconds(10)));
  CancellationSource source;
  CallOptions call;
  call.cancellation = source.token();

  std::thread canceller([this, &source] {
    fake_.WaitForCalls("RaiseEvent", 1);
    source.Cancel();
  });
  unit::Stopwatch stopwatch;
  Status status = client_->RaiseEvent("i", "e", std::nullopt, call);
  canceller.join();

  EXPECT_THAT(status, HasCode(StatusCode::kCancelled));
  EXPECT_LT(stopwatch.elapsed(), milliseconds(5000));
}

TEST_F(CancelledCalls, PreCancelledTokenFailsWithoutSending) {
  CancellationSource source;
  source.Cancel();
  CallOptions call;
  call.cancellation = source.token();

  EXPECT_THAT(client_->Ping(call), HasCode(StatusCode::kCancelled));
  unit::StatusProbe probe;
  client_->PingAsync(call, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kCancelled));
  EXPECT_NE(probe.thread(), std::this_thread::get_id());
  EXPECT_EQ(fake_.CallCount("Hello"), 0);
}

TEST_F(CancelledCalls, AsyncCallbackFiresExactlyOnceWithCancelled) {
  fake_.Enqueue("Hello", Reply::Ok().After(seconds(10)));
  CancellationSource source;
  CallOptions call;
  call.cancellation = source.token();

  unit::StatusProbe probe;
  client_->PingAsync(call, probe.Callback());
  ASSERT_TRUE(fake_.WaitForCalls("Hello", 1));
  source.Cancel();
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kCancelled));

  client_.reset();  // waits for every callback, so the count below is final
  EXPECT_EQ(probe.count(), 1);
}

TEST_F(CancelledCalls, CancellingDuringRetryBackoffEndsTheCall) {
  ClientOptions options = unit::FakeOptions(fake_);
  options.retry.initial_backoff = seconds(30);
  options.retry.max_backoff = seconds(30);
  std::unique_ptr<Client> client = unit::MakeClient(options);
  ASSERT_NE(client, nullptr);
  fake_.SetDefault("Hello", Reply::Fail(grpc::StatusCode::UNAVAILABLE));
  CancellationSource source;
  CallOptions call;
  call.cancellation = source.token();

  std::thread canceller([this, &source] {
    fake_.WaitForCalls("Hello", 1);
    std::this_thread::sleep_for(milliseconds(50));
    source.Cancel();
  });
  unit::Stopwatch stopwatch;
  EXPECT_THAT(client->Ping(call), HasCode(StatusCode::kCancelled));
  canceller.join();
  EXPECT_LT(stopwatch.elapsed(), milliseconds(5000));
  EXPECT_EQ(fake_.CallCount("Hello"), 1);

  CancellationSource async_source;
  call.cancellation = async_source.token();
  unit::StatusProbe probe;
  client->PingAsync(call, probe.Callback());
  ASSERT_TRUE(fake_.WaitForCalls("Hello", 2));
  std::this_thread::sleep_for(milliseconds(50));
  async_source.Cancel();
  ASSERT_TRUE(probe.Wait(seconds(5)));
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kCancelled));
  EXPECT_EQ(fake_.CallCount("Hello"), 2);
}

TEST_F(CancelledCalls, CancellingAWaitStopsItsReissuedPolls) {
  fake_.SetDefault("WaitForInstanceCompletion",
                   Reply::Fail(grpc::StatusCode::DEADLINE_EXCEEDED).After(milliseconds(20)));
  CancellationSource source;
  CallOptions call;
  call.cancellation = source.token();

  std::thread canceller([this, &source] {
    fake_.WaitForCalls("WaitForInstanceCompletion", 3);
    source.Cancel();
  });
  InstanceResult result = client_->WaitForInstanceCompletion("w", false, call);
  canceller.join();
  EXPECT_THAT(result, HasCode(StatusCode::kCancelled));
  int polls = fake_.CallCount("WaitForInstanceCompletion");
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(fake_.CallCount("WaitForInstanceCompletion"), polls);
}

TEST_F(CancelledCalls, CancellingAHistoryStreamEndsItWithCancelled) {
  ::HistoryChunk chunk;
  chunk.add_events()->set_event_id(1);
  fake_.Enqueue("StreamInstanceHistory", unit::Reply::Stream({chunk}).After(seconds(10)));
  CancellationSource source;
  CallOptions call;
  call.cancellation = source.token();

  Result<HistoryStream> stream = client_->StreamHistory("h", call);
  ASSERT_THAT(stream, IsOk());
  std::thread canceller([this, &source] {
    fake_.WaitForCalls("StreamInstanceHistory", 1);
    source.Cancel();
  });
  EXPECT_THAT(stream->Next(), HasCode(StatusCode::kCancelled));
  canceller.join();
}

}  // namespace
}  // namespace durabletask
