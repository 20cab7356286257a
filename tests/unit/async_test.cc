// The non-blocking forms: each callback runs exactly once, never on the calling thread,
// and closing or destroying a client waits for the callbacks of its calls.
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::Reply;
using unit::StatusProbe;

// Adapts a value callback to a status one, so every form can share one probe type.
template <typename T>
Callback<T> ToStatus(StatusCallback done) {
  return [done](Result<T> result) { done(result.status()); };
}

struct AsyncForm {
  std::string name;
  std::function<void(Client&, StatusCallback)> start;
};

std::vector<AsyncForm> EveryAsyncForm(const CallOptions& call) {
  StartOrchestrationOptions start;
  start.name = "N";
  return {
      {"Ping", [call](Client& c, StatusCallback d) { c.PingAsync(call, d); }},
      {"ScheduleNewOrchestration",
       [call, start](Client& c, StatusCallback d) {
         c.ScheduleNewOrchestrationAsync(start, call, ToStatus<std::string>(d));
       }},
      {"GetInstance",
       [call](Client& c, StatusCallback d) {
         c.GetInstanceAsync("i", false, call, ToStatus<std::optional<OrchestrationMetadata>>(d));
       }},
      {"WaitForInstanceStart",
       [call](Client& c, StatusCallback d) {
         c.WaitForInstanceStartAsync("i", false, call,
                                     ToStatus<std::optional<OrchestrationMetadata>>(d));
       }},
      {"WaitForInstanceCompletion",
       [call](Client& c, StatusCallback d) {
         c.WaitForInstanceCompletionAsync("i", false, call,
                                          ToStatus<std::optional<OrchestrationMetadata>>(d));
       }},
      {"RaiseEvent",
       [call](Client& c, StatusCallback d) { c.RaiseEventAsync("i", "e", std::nullopt, call, d); }},
      {"Terminate", [call](Client& c, StatusCallback d) { c.TerminateAsync("i", {}, call, d); }},
      {"Suspend", [call](Client& c, StatusCallback d) { c.SuspendAsync("i", "r", call, d); }},
      {"Resume", [call](Client& c, StatusCallback d) { c.ResumeAsync("i", "r", call, d); }},
      {"QueryInstancesPage",
       [call](Client& c, StatusCallback d) {
         c.QueryInstancesPageAsync({}, call, ToStatus<Page<OrchestrationMetadata>>(d));
       }},
      {"ListInstanceIdsPage",
       [call](Client& c, StatusCallback d) {
         c.ListInstanceIdsPageAsync({}, call, ToStatus<Page<std::string>>(d));
       }},
      {"PurgeInstance",
       [call](Client& c, StatusCallback d) {
         c.PurgeInstanceAsync("i", false, call, ToStatus<PurgeResult>(d));
       }},
      {"PurgeInstances",
       [call](Client& c, StatusCallback d) {
         c.PurgeInstancesAsync({}, call, ToStatus<PurgeResult>(d));
       }},
      {"RestartInstance",
       [call](Client& c, StatusCallback d) {
         c.RestartInstanceAsync("i", false, call, ToStatus<std::string>(d));
       }},
      {"RewindInstance",
       [call](Client& c, StatusCallback d) { c.RewindInstanceAsync("i", "", call, d); }},
      {"GetHistory",
       [call](Client& c, StatusCallback d) {
         c.GetHistoryAsync("i", call, ToStatus<std::vector<HistoryEvent>>(d));
       }},
      {"SignalEntity",
       [call](Client& c, StatusCallback d) { c.SignalEntityAsync("@e@k", "op", {}, call, d); }},
      {"GetEntity",
       [call](Client& c, StatusCallback d) {
         c.GetEntityAsync("@e@k", false, call, ToStatus<std::optional<EntityMetadata>>(d));
       }},
      {"QueryEntitiesPage",
       [call](Client& c, StatusCallback d) {
         c.QueryEntitiesPageAsync({}, call, ToStatus<Page<EntityMetadata>>(d));
       }},
      {"CleanEntityStorage",
       [call](Client& c, StatusCallback d) {
         c.CleanEntityStorageAsync({}, call, ToStatus<CleanEntityStorageResult>(d));
       }},
  };
}

// Each form with an input that fails validation before anything is sent.
std::vector<AsyncForm> EveryInvalidAsyncForm() {
  StartOrchestrationOptions start;  // no name
  InstanceQuery query;
  query.page_size = -1;
  InstanceIdQuery ids;
  ids.page_size = -1;
  EntityQuery entities;
  entities.page_size = -1;
  CallOptions call;
  return {
      {"ScheduleNewOrchestration",
       [call, start](Client& c, StatusCallback d) {
         c.ScheduleNewOrchestrationAsync(start, call, ToStatus<std::string>(d));
       }},
      {"GetInstance",
       [call](Client& c, StatusCallback d) {
         c.GetInstanceAsync("", false, call, ToStatus<std::optional<OrchestrationMetadata>>(d));
       }},
      {"WaitForInstanceStart",
       [call](Client& c, StatusCallback d) {
         c.WaitForInstanceStartAsync("", false, call,
                                     ToStatus<std::optional<OrchestrationMetadata>>(d));
       }},
      {"WaitForInstanceCompletion",
       [call](Client& c, StatusCallback d) {
         c.WaitForInstanceCompletionAsync("", false, call,
                                          ToStatus<std::optional<OrchestrationMetadata>>(d));
       }},
      {"RaiseEvent",
       [call](Client& c, StatusCallback d) { c.RaiseEventAsync("i", "", std::nullopt, call, d); }},
      {"Terminate", [call](Client& c, StatusCallback d) { c.TerminateAsync("", {}, call, d); }},
      {"Suspend", [call](Client& c, StatusCallback d) { c.SuspendAsync("", "", call, d); }},
      {"Resume", [call](Client& c, StatusCallback d) { c.ResumeAsync("", "", call, d); }},
      {"QueryInstancesPage",
       [call, query](Client& c, StatusCallback d) {
         c.QueryInstancesPageAsync(query, call, ToStatus<Page<OrchestrationMetadata>>(d));
       }},
      {"ListInstanceIdsPage",
       [call, ids](Client& c, StatusCallback d) {
         c.ListInstanceIdsPageAsync(ids, call, ToStatus<Page<std::string>>(d));
       }},
      {"PurgeInstance",
       [call](Client& c, StatusCallback d) {
         c.PurgeInstanceAsync("", false, call, ToStatus<PurgeResult>(d));
       }},
      {"RestartInstance",
       [call](Client& c, StatusCallback d) {
         c.RestartInstanceAsync("", false, call, ToStatus<std::string>(d));
       }},
      {"RewindInstance",
       [call](Client& c, StatusCallback d) { c.RewindInstanceAsync("", "", call, d); }},
      {"GetHistory",
       [call](Client& c, StatusCallback d) {
         c.GetHistoryAsync("", call, ToStatus<std::vector<HistoryEvent>>(d));
       }},
      {"SignalEntity",
       [call](Client& c, StatusCallback d) { c.SignalEntityAsync("bad", "op", {}, call, d); }},
      {"GetEntity",
       [call](Client& c, StatusCallback d) {
         c.GetEntityAsync("bad", false, call, ToStatus<std::optional<EntityMetadata>>(d));
       }},
      {"QueryEntitiesPage",
       [call, entities](Client& c, StatusCallback d) {
         c.QueryEntitiesPageAsync(entities, call, ToStatus<Page<EntityMetadata>>(d));
       }},
  };
}

class Async : public unit::FakeClientTest {};

TEST_F(Async, EveryFormFiresItsCallbackOnceAndNeverOnTheCallingThread) {
  std::vector<AsyncForm> forms = EveryAsyncForm(CallOptions::WithTimeout(seconds(10)));
  std::vector<StatusProbe> probes(forms.size());
  for (size_t i = 0; i < forms.size(); ++i) forms[i].start(*client_, probes[i].Callback());

  for (size_t i = 0; i < forms.size(); ++i) {
    SCOPED_TRACE(forms[i].name);
    ASSERT_TRUE(probes[i].Wait());
    EXPECT_THAT(probes[i].value(), IsOk());
    EXPECT_NE(probes[i].thread(), std::this_thread::get_id());
  }
  client_.reset();
  for (size_t i = 0; i < forms.size(); ++i) EXPECT_EQ(probes[i].count(), 1) << forms[i].name;
}

TEST_F(Async, ValidationErrorsArriveThroughTheCallbackOffTheCallingThread) {
  std::vector<AsyncForm> forms = EveryInvalidAsyncForm();
  std::vector<StatusProbe> probes(forms.size());
  for (size_t i = 0; i < forms.size(); ++i) forms[i].start(*client_, probes[i].Callback());

  for (size_t i = 0; i < forms.size(); ++i) {
    SCOPED_TRACE(forms[i].name);
    ASSERT_TRUE(probes[i].Wait());
    EXPECT_THAT(probes[i].value(), HasCode(StatusCode::kInvalidArgument));
    EXPECT_NE(probes[i].thread(), std::this_thread::get_id());
  }
  client_.reset();
  for (size_t i = 0; i < forms.size(); ++i) EXPECT_EQ(probes[i].count(), 1) << forms[i].name;
  EXPECT_EQ(fake_.CallCount(), 0);
}

TEST_F(Async, ServerErrorArrivesThroughTheCallback) {
  fake_.Enqueue("RaiseEvent", Reply::Fail(grpc::StatusCode::NOT_FOUND, "no such instance"));
  StatusProbe probe;
  client_->RaiseEventAsync("ghost", "e", std::nullopt, {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kNotFound));
  EXPECT_THAT(probe.value().message(), HasSubstr("instance 'ghost'"));
}

TEST_F(Async, ValuesArriveThroughTheCallback) {
  ::CreateInstanceResponse answer;
  answer.set_instance_id("assigned");
  fake_.Enqueue("StartInstance", Reply::With(answer));
  StartOrchestrationOptions start;
  start.name = "N";
  unit::Probe<Result<std::string>> probe;
  client_->ScheduleNewOrchestrationAsync(start, {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  ASSERT_THAT(probe.value(), IsOk());
  EXPECT_EQ(*probe.value(), "assigned");
}

TEST_F(Async, EmptyCallbackIsAllowed) {
  client_->PingAsync({}, nullptr);
  client_->GetInstanceAsync("", false, {}, nullptr);
  client_->CleanEntityStorageAsync({}, {}, nullptr);
  ASSERT_TRUE(fake_.WaitForCalls("Hello", 1));
  ASSERT_TRUE(fake_.WaitForCalls("CleanEntityStorage", 1));
}

TEST_F(Async, DestroyingTheClientRunsEveryInFlightCallbackOnceBeforeReturning) {
  for (const char* method :
       {"Hello", "StartInstance", "GetInstance", "WaitForInstanceStart",
        "WaitForInstanceCompletion", "RaiseEvent", "TerminateInstance", "SuspendInstance",
        "ResumeInstance", "QueryInstances", "ListInstanceIds", "PurgeInstances", "RestartInstance",
        "RewindInstance", "StreamInstanceHistory", "SignalEntity", "GetEntity", "QueryEntities",
        "CleanEntityStorage"}) {
    fake_.SetDefault(method, Reply::Ok().After(seconds(30)));
  }
  std::vector<AsyncForm> forms = EveryAsyncForm(CallOptions{});
  std::vector<StatusProbe> probes(forms.size());
  for (size_t i = 0; i < forms.size(); ++i) forms[i].start(*client_, probes[i].Callback());
  // PurgeInstance and PurgeInstances share one RPC, so 20 forms make 20 calls.
  unit::Stopwatch wait_for_calls;
  while (fake_.CallCount() < static_cast<int>(forms.size()) &&
         wait_for_calls.elapsed() < seconds(10)) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_EQ(fake_.CallCount(), static_cast<int>(forms.size()));

  unit::Stopwatch stopwatch;
  client_.reset();
  EXPECT_LT(stopwatch.elapsed(), seconds(5));
  for (size_t i = 0; i < forms.size(); ++i) {
    SCOPED_TRACE(forms[i].name);
    EXPECT_EQ(probes[i].count(), 1);
    if (probes[i].count() == 1) {
      EXPECT_THAT(probes[i].value(), HasCode(StatusCode::kCancelled));
    }
  }
}

TEST_F(Async, CloseCancelsACallWaitingInRetryBackoff) {
  ClientOptions options = unit::FakeOptions(fake_);
  options.retry.initial_backoff = seconds(30);
  options.retry.max_backoff = seconds(30);
  std::unique_ptr<Client> client = unit::MakeClient(options);
  ASSERT_NE(client, nullptr);
  fake_.SetDefault("Hello", Reply::Fail(grpc::StatusCode::UNAVAILABLE));

  StatusProbe probe;
  client->PingAsync({}, probe.Callback());
  ASSERT_TRUE(fake_.WaitForCalls("Hello", 1));
  std::this_thread::sleep_for(milliseconds(50));
  unit::Stopwatch stopwatch;
  client->Close();
  EXPECT_LT(stopwatch.elapsed(), seconds(5));
  EXPECT_EQ(probe.count(), 1);
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kCancelled));
}

TEST_F(Async, CallsAfterCloseFailWithFailedPrecondition) {
  client_->Close();
  client_->Close();

  Status status = client_->Ping();
  EXPECT_THAT(status, HasCode(StatusCode::kFailedPrecondition));
  EXPECT_THAT(status.message(), HasSubstr("closed"));
  EXPECT_THAT(client_->StreamHistory("h"), HasCode(StatusCode::kFailedPrecondition));
  EXPECT_THAT(client_->GetHistory("h"), HasCode(StatusCode::kFailedPrecondition));

  StatusProbe ping;
  client_->PingAsync({}, ping.Callback());
  unit::Probe<Result<std::vector<HistoryEvent>>> history;
  client_->GetHistoryAsync("h", {}, history.Callback());
  ASSERT_TRUE(ping.Wait());
  ASSERT_TRUE(history.Wait());
  EXPECT_THAT(ping.value(), HasCode(StatusCode::kFailedPrecondition));
  EXPECT_NE(ping.thread(), std::this_thread::get_id());
  EXPECT_THAT(history.value(), HasCode(StatusCode::kFailedPrecondition));
  EXPECT_EQ(fake_.CallCount(), 0);
}

TEST_F(Async, EarlyFailureCallbackCompletesBeforeDestructionReturns) {
  // A callback that outlived its client could touch what the caller freed right after.
  for (int round = 0; round < 20; ++round) {
    ClientOptions options = unit::FakeOptions(fake_);
    std::unique_ptr<Client> client = unit::MakeClient(options);
    ASSERT_NE(client, nullptr);
    StatusProbe invalid;
    client->RaiseEventAsync("", "e", std::nullopt, {}, invalid.Callback());
    StatusProbe history;
    client->GetHistoryAsync("", {}, ToStatus<std::vector<HistoryEvent>>(history.Callback()));
    client.reset();
    ASSERT_EQ(invalid.count(), 1) << "round " << round;
    ASSERT_EQ(history.count(), 1) << "round " << round;
  }
}

TEST_F(Async, CallbackAfterCloseCompletesBeforeDestructionReturns) {
  for (int round = 0; round < 20; ++round) {
    std::unique_ptr<Client> client = unit::MakeClient(unit::FakeOptions(fake_));
    ASSERT_NE(client, nullptr);
    client->Close();
    StatusProbe probe;
    client->PingAsync({}, probe.Callback());
    client.reset();
    ASSERT_EQ(probe.count(), 1) << "round " << round;
  }
}

TEST_F(Async, CallbackMayCloseItsOwnClient) {
  StatusProbe probe;
  Client* client = client_.get();
  client_->PingAsync({}, [client, done = probe.Callback()](Status status) {
    client->Close();
    done(status);
  });
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), IsOk());
  EXPECT_THAT(client_->Ping(), HasCode(StatusCode::kFailedPrecondition));
}

TEST_F(Async, CallbackMayStartAnotherCall) {
  StatusProbe second;
  Client* client = client_.get();
  client_->PingAsync({}, [client, done = second.Callback()](Status) {
    client->RaiseEventAsync("i", "chained", std::nullopt, {}, done);
  });
  ASSERT_TRUE(second.Wait());
  EXPECT_THAT(second.value(), IsOk());
  EXPECT_EQ(fake_.CallCount("RaiseEvent"), 1);
}

TEST_F(Async, ManyConcurrentCallsEachCompleteOnce) {
  constexpr int kCalls = 100;
  std::vector<StatusProbe> probes(kCalls);
  std::vector<std::thread> starters;
  for (int t = 0; t < 4; ++t) {
    starters.emplace_back([this, t, &probes] {
      for (int i = t; i < kCalls; i += 4) {
        client_->RaiseEventAsync("i-" + std::to_string(i), "e", std::nullopt, {},
                                 probes[i].Callback());
      }
    });
  }
  for (std::thread& starter : starters) starter.join();
  for (StatusProbe& probe : probes) ASSERT_TRUE(probe.Wait());
  client_.reset();
  for (StatusProbe& probe : probes) {
    EXPECT_EQ(probe.count(), 1);
    EXPECT_THAT(probe.value(), IsOk());
  }
  EXPECT_EQ(fake_.CallCount("RaiseEvent"), kCalls);
}

}  // namespace
}  // namespace durabletask
