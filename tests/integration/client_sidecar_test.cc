// The C++ client against Microsoft's in-memory sidecar (tests/sidecar), for real: every
// operation that sidecar implements, across several task hubs on one port.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "durabletask/durabletask.h"
#include "sidecar_environment.h"

namespace durabletask::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The value of a string field in a flat JSON object, enough for the Describe output.
std::string JsonField(const std::string& json, const std::string& field) {
  std::string key = "\"" + field + "\":\"";
  size_t start = json.find(key);
  if (start == std::string::npos) return "";
  start += key.size();
  return json.substr(start, json.find('"', start) - start);
}

class ClientSidecarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(SidecarEnvironment::Address().empty()) << "sidecar not running";
    alpha_ = ClientFor("alpha");
    beta_ = ClientFor("beta");
    ASSERT_NE(alpha_, nullptr);
    ASSERT_NE(beta_, nullptr);
  }

  std::string Start(Client& client, const std::string& name, std::optional<std::string> input,
                    const std::string& instance_id = "") {
    StartOrchestrationOptions start;
    start.name = name;
    start.input = std::move(input);
    start.instance_id = instance_id;
    Result<std::string> id = client.ScheduleNewOrchestration(start);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? id.value() : std::string();
  }

  OrchestrationMetadata WaitDone(Client& client, const std::string& id) {
    InstanceResult done = client.WaitForInstanceCompletion(id, true, CallOptions::WithTimeout(seconds(30)));
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    if (!done.ok() || !done->has_value()) {
      ADD_FAILURE() << "instance " << id << " not found";
      return {};
    }
    return **done;
  }

  std::unique_ptr<Client> alpha_;
  std::unique_ptr<Client> beta_;
};

TEST_F(ClientSidecarTest, PingSucceedsForAKnownHubAndIsNotFoundForAnUnknownOne) {
  EXPECT_TRUE(alpha_->Ping(CallOptions::WithTimeout(seconds(10))).ok());
  auto unknown = ClientFor("no-such-hub");
  Status status = unknown->Ping(CallOptions::WithTimeout(seconds(10)));
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_NE(status.message().find("no-such-hub"), std::string::npos) << status.message();
}

TEST_F(ClientSidecarTest, EchoCompletesWithItsInputAndReportsEveryMetadataField) {
  StartOrchestrationOptions start;
  start.name = "Echo";
  start.input = R"({"greeting":"hello","n":7})";
  start.tags = {{"team", "payments"}, {"tier", "gold"}};
  start.version = "1.2";
  Result<std::string> id = alpha_->ScheduleNewOrchestration(start);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->size(), 32u);

  OrchestrationMetadata done = WaitDone(*alpha_, *id);
  EXPECT_EQ(done.runtime_status, RuntimeStatus::kCompleted);
  EXPECT_EQ(done.name, "Echo");
  EXPECT_EQ(done.instance_id, *id);
  ASSERT_TRUE(done.output.has_value());
  EXPECT_EQ(*done.output, R"({"greeting":"hello","n":7})");
  ASSERT_TRUE(done.input.has_value());
  EXPECT_EQ(*done.input, *start.input);
  ASSERT_TRUE(done.created_at.has_value());
  ASSERT_TRUE(done.last_updated_at.has_value());
  EXPECT_LE(*done.created_at, *done.last_updated_at);
  EXPECT_LT(Clock::now() - *done.created_at, std::chrono::minutes(1));
  EXPECT_EQ(done.tags.at("team"), "payments");
  EXPECT_EQ(done.tags.at("tier"), "gold");
  EXPECT_FALSE(done.failure_details.has_value());

  // Without payloads the sidecar leaves input and output out.
  InstanceResult bare = alpha_->GetInstance(*id, false);
  ASSERT_TRUE(bare.ok());
  ASSERT_TRUE(bare->has_value());
  EXPECT_FALSE((*bare)->output.has_value());
  EXPECT_EQ((*bare)->runtime_status, RuntimeStatus::kCompleted);
}

// Microsoft's in-memory sidecar leaves the version out of instance metadata, so the
// orchestration reports the version its worker was given.
TEST_F(ClientSidecarTest, VersionReachesTheWorkerAndFallsBackToTheDefaultVersion) {
  StartOrchestrationOptions start;
  start.name = "Describe";
  start.version = "1.2";
  Result<std::string> explicit_version = alpha_->ScheduleNewOrchestration(start);
  ASSERT_TRUE(explicit_version.ok());
  EXPECT_EQ(JsonField(*WaitDone(*alpha_, *explicit_version).output, "version"), "1.2");

  ClientOptions options = OptionsFor("alpha");
  options.default_version = "9.9";
  auto client = Client::Create(options);
  ASSERT_TRUE(client.ok());
  std::string id = Start(**client, "Describe", std::nullopt);
  EXPECT_EQ(JsonField(*WaitDone(**client, id).output, "version"), "9.9");
}

TEST_F(ClientSidecarTest, AnInstanceInOneHubIsInvisibleToAClientOfAnother) {
  std::string id = Start(*alpha_, "Echo", "\"only in alpha\"");
  WaitDone(*alpha_, id);

  InstanceResult from_beta = beta_->GetInstance(id, true);
  ASSERT_TRUE(from_beta.ok()) << from_beta.status().ToString();
  EXPECT_FALSE(from_beta->has_value());

  InstanceQuery query;
  query.instance_id_prefix = id;
  Result<Page<OrchestrationMetadata>> page = beta_->QueryInstancesPage(query);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(page->items.empty());

  // And the same id can be started independently in the other hub.
  std::string again = Start(*beta_, "Echo", "\"in beta\"", id);
  EXPECT_EQ(again, id);
  EXPECT_EQ(*WaitDone(*beta_, id).output, "\"in beta\"");
  EXPECT_EQ(*WaitDone(*alpha_, id).output, "\"only in alpha\"");
}

TEST_F(ClientSidecarTest, GetInstanceOfAnUnknownIdIsEmptyNotAnError) {
  InstanceResult missing = alpha_->GetInstance("never-started-" + NewInstanceId());
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->has_value());
}

TEST_F(ClientSidecarTest, RaisedEventCompletesTheWaitingOrchestrationWithItsPayload) {
  std::string id = Start(*alpha_, "WaitForEvent", "\"approval\"");
  InstanceResult started = alpha_->WaitForInstanceStart(id, false, CallOptions::WithTimeout(seconds(20)));
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  ASSERT_TRUE(started->has_value());
  EXPECT_NE((*started)->runtime_status, RuntimeStatus::kPending);

  ASSERT_TRUE(alpha_->RaiseEvent(id, "approval", R"({"approved":true})").ok());
  OrchestrationMetadata done = WaitDone(*alpha_, id);
  EXPECT_EQ(done.runtime_status, RuntimeStatus::kCompleted);
  EXPECT_EQ(*done.output, R"({"approved":true})");
}

TEST_F(ClientSidecarTest, CountEventsReceivesEveryEventInOrderAndReportsCustomStatus) {
  std::string id = Start(*alpha_, "CountEvents", "3");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(alpha_->RaiseEvent(id, "tick", std::to_string(i)).ok());
  }
  OrchestrationMetadata done = WaitDone(*alpha_, id);
  EXPECT_EQ(*done.output, "[0,1,2]");
  ASSERT_TRUE(done.custom_status.has_value());
  EXPECT_EQ(*done.custom_status, "3");
}

TEST_F(ClientSidecarTest, StartingATakenIdFailsWithAlreadyExistsWhenItsStatusIsDeduplicated) {
  std::string id = "dedupe-" + NewInstanceId();
  Start(*alpha_, "RunUntilTerminated", std::nullopt, id);
  ASSERT_TRUE(alpha_->WaitForInstanceStart(id, false, CallOptions::WithTimeout(seconds(20))).ok());

  StartOrchestrationOptions again;
  again.name = "Echo";
  again.instance_id = id;
  again.dedupe_statuses = {RuntimeStatus::kRunning, RuntimeStatus::kPending};
  Result<std::string> second = alpha_->ScheduleNewOrchestration(again);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists) << second.status().ToString();
  EXPECT_NE(second.status().message().find(id), std::string::npos);

  ASSERT_TRUE(alpha_->Terminate(id).ok());
}

TEST_F(ClientSidecarTest, FailureDetailsCarryTypeMessageStackAndInnerFailure) {
  std::string id = Start(*alpha_, "Fail", "\"boom 42\"");
  OrchestrationMetadata failed = WaitDone(*alpha_, id);
  EXPECT_EQ(failed.runtime_status, RuntimeStatus::kFailed);
  ASSERT_TRUE(failed.failure_details.has_value());
  EXPECT_NE(failed.failure_details->error_type.find("InvalidOperationException"), std::string::npos)
      << failed.failure_details->error_type;
  EXPECT_NE(failed.failure_details->error_message.find("boom 42"), std::string::npos);
  ASSERT_TRUE(failed.failure_details->stack_trace.has_value());
  EXPECT_FALSE(failed.failure_details->stack_trace->empty());

  std::string nested = Start(*alpha_, "FailNested", "\"deep\"");
  OrchestrationMetadata nested_failed = WaitDone(*alpha_, nested);
  EXPECT_EQ(nested_failed.runtime_status, RuntimeStatus::kFailed);
  ASSERT_TRUE(nested_failed.failure_details.has_value());
  const FailureDetails* innermost = &*nested_failed.failure_details;
  int depth = 0;
  while (innermost->inner_failure) {
    innermost = innermost->inner_failure.get();
    ++depth;
  }
  EXPECT_GE(depth, 1) << "expected an inner failure from the activity";
  EXPECT_NE(innermost->error_message.find("deep"), std::string::npos);
}

TEST_F(ClientSidecarTest, TerminateEndsARunningOrchestrationWithTheGivenOutput) {
  std::string id = Start(*alpha_, "RunUntilTerminated", std::nullopt);
  ASSERT_TRUE(alpha_->WaitForInstanceStart(id, false, CallOptions::WithTimeout(seconds(20))).ok());
  TerminateOptions terminate;
  terminate.output = "\"stopped by test\"";
  terminate.recursive = true;
  ASSERT_TRUE(alpha_->Terminate(id, terminate).ok());
  OrchestrationMetadata done = WaitDone(*alpha_, id);
  EXPECT_EQ(done.runtime_status, RuntimeStatus::kTerminated);
  EXPECT_EQ(*done.output, "\"stopped by test\"");
}

TEST_F(ClientSidecarTest, SuspendAndResumeChangeTheRuntimeStatus) {
  std::string id = Start(*alpha_, "SetCustomStatus", R"({"stage":"waiting"})");
  ASSERT_TRUE(Eventually([&] {
    auto state = alpha_->GetInstance(id, true);
    return state.ok() && state->has_value() && (*state)->custom_status.has_value();
  }));
  EXPECT_EQ(*(*alpha_->GetInstance(id, true))->custom_status, R"({"stage":"waiting"})");

  ASSERT_TRUE(alpha_->Suspend(id, "maintenance").ok());
  EXPECT_TRUE(Eventually([&] {
    auto state = alpha_->GetInstance(id);
    return state.ok() && state->has_value() && (*state)->runtime_status == RuntimeStatus::kSuspended;
  }));

  ASSERT_TRUE(alpha_->Resume(id, "done").ok());
  EXPECT_TRUE(Eventually([&] {
    auto state = alpha_->GetInstance(id);
    return state.ok() && state->has_value() && (*state)->runtime_status == RuntimeStatus::kRunning;
  }));

  ASSERT_TRUE(alpha_->RaiseEvent(id, "continue", "null").ok());
  EXPECT_EQ(WaitDone(*alpha_, id).runtime_status, RuntimeStatus::kCompleted);
}

TEST_F(ClientSidecarTest, SleepingOrchestrationCompletesAfterItsDurableTimer) {
  auto started = std::chrono::steady_clock::now();
  std::string id = Start(*alpha_, "Sleep", "300");
  OrchestrationMetadata done = WaitDone(*alpha_, id);
  EXPECT_EQ(*done.output, "\"done\"");
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(300));
}

// Microsoft's in-memory sidecar accepts a scheduled start but neither reports it nor
// waits for it: the first run happens at once. The request field itself is checked
// against the fake server in the unit tests. This test pins the sidecar's behaviour down,
// so that a sidecar that starts honouring the time makes it fail and get tightened.
TEST_F(ClientSidecarTest, AScheduledStartIsAcceptedAndTheInMemorySidecarRunsItAtOnce) {
  StartOrchestrationOptions start;
  start.name = "Describe";
  start.start_at = Clock::now() + seconds(30);
  Result<std::string> id = alpha_->ScheduleNewOrchestration(start);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  OrchestrationMetadata done = WaitDone(*alpha_, *id);
  EXPECT_EQ(done.runtime_status, RuntimeStatus::kCompleted);
  long long first_run_ms = std::atoll(JsonField(*done.output, "unixMs").c_str());
  long long start_at_ms = std::chrono::duration_cast<milliseconds>(start.start_at->time_since_epoch()).count();
  EXPECT_LT(first_run_ms, start_at_ms) << *done.output;
}

// The sidecar leaves the parent's id out of a child's metadata (the unit tests cover its
// mapping); the child is found by its unique input instead.
TEST_F(ClientSidecarTest, SubOrchestrationRunsAsAChildInstance) {
  std::string marker = "\"child of " + NewInstanceId() + "\"";
  std::string parent = Start(*alpha_, "Parent", marker);
  OrchestrationMetadata done = WaitDone(*alpha_, parent);
  EXPECT_EQ(*done.output, marker);

  InstanceQuery query;
  query.created_from = *done.created_at - seconds(1);
  query.fetch_inputs_and_outputs = true;
  int children = 0;
  Pager<OrchestrationMetadata> pager = alpha_->QueryInstances(query);
  for (;;) {
    auto next = pager.Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (!next->has_value()) break;
    if ((*next)->instance_id != parent && (*next)->input == marker) {
      ++children;
      EXPECT_EQ((*next)->name, "Echo");
      EXPECT_EQ((*next)->runtime_status, RuntimeStatus::kCompleted);
      EXPECT_EQ((*next)->output, marker);
    }
  }
  EXPECT_EQ(children, 1);
}

TEST_F(ClientSidecarTest, ActivityResultReachesTheOrchestration) {
  std::string id = Start(*alpha_, "Greet", "\"Ada\"");
  EXPECT_EQ(*WaitDone(*alpha_, id).output, "\"Hello, Ada!\"");
}

TEST_F(ClientSidecarTest, QueryPagesThroughEveryMatchingInstanceWithFilters) {
  std::string prefix = "query-" + NewInstanceId().substr(0, 8) + "-";
  for (int i = 0; i < 5; ++i) {
    WaitDone(*alpha_, Start(*alpha_, "Echo", std::to_string(i), prefix + std::to_string(i)));
  }
  Start(*alpha_, "RunUntilTerminated", std::nullopt, prefix + "running");
  ASSERT_TRUE(alpha_->WaitForInstanceStart(prefix + "running", false, CallOptions::WithTimeout(seconds(20))).ok());

  InstanceQuery query;
  query.instance_id_prefix = prefix;
  query.statuses = {RuntimeStatus::kCompleted};
  query.page_size = 2;
  query.created_from = Clock::now() - std::chrono::minutes(5);
  query.fetch_inputs_and_outputs = true;
  Pager<OrchestrationMetadata> pager = alpha_->QueryInstances(query);
  std::set<std::string> seen;
  for (;;) {
    auto next = pager.Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (!next->has_value()) break;
    EXPECT_EQ((*next)->runtime_status, RuntimeStatus::kCompleted);
    EXPECT_TRUE((*next)->output.has_value());
    seen.insert((*next)->instance_id);
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_GE(pager.pages_fetched(), 3);

  query.statuses = {RuntimeStatus::kRunning};
  Result<Page<OrchestrationMetadata>> running = alpha_->QueryInstancesPage(query);
  ASSERT_TRUE(running.ok());
  ASSERT_EQ(running->items.size(), 1u);
  EXPECT_EQ(running->items[0].instance_id, prefix + "running");
  ASSERT_TRUE(alpha_->Terminate(prefix + "running").ok());
}

TEST_F(ClientSidecarTest, PurgeRemovesOneInstanceOrEveryInstanceMatchingAFilter) {
  std::string id = Start(*alpha_, "Echo", "1");
  WaitDone(*alpha_, id);
  Result<PurgeResult> purged = alpha_->PurgeInstance(id, true);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(purged->deleted_instance_count, 1);
  EXPECT_FALSE(alpha_->GetInstance(id)->has_value());

  auto gamma = ClientFor("gamma");
  for (int i = 0; i < 3; ++i) WaitDone(*gamma, Start(*gamma, "Echo", "2"));
  PurgeFilter filter;
  filter.created_from = Clock::now() - std::chrono::minutes(10);
  filter.statuses = {RuntimeStatus::kCompleted};
  Result<PurgeResult> by_filter = gamma->PurgeInstances(filter);
  ASSERT_TRUE(by_filter.ok()) << by_filter.status().ToString();
  EXPECT_GE(by_filter->deleted_instance_count, 3);
  InstanceQuery everything;
  everything.statuses = {RuntimeStatus::kCompleted};
  EXPECT_TRUE(gamma->QueryInstancesPage(everything)->items.empty());
}

TEST_F(ClientSidecarTest, RestartRunsTheInstanceAgainUnderTheSameOrANewId) {
  std::string id = Start(*alpha_, "Echo", "\"again\"");
  WaitDone(*alpha_, id);

  Result<std::string> same = alpha_->RestartInstance(id, false);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(*same, id);
  EXPECT_EQ(*WaitDone(*alpha_, id).output, "\"again\"");

  Result<std::string> fresh = alpha_->RestartInstance(id, true);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_NE(*fresh, id);
  EXPECT_EQ(*WaitDone(*alpha_, *fresh).output, "\"again\"");

  Result<std::string> missing = alpha_->RestartInstance("missing-" + NewInstanceId(), false);
  EXPECT_FALSE(missing.ok());
}

TEST_F(ClientSidecarTest, WaitEndsAtTheCallersDeadline) {
  std::string id = Start(*alpha_, "RunUntilTerminated", std::nullopt);
  auto begin = std::chrono::steady_clock::now();
  InstanceResult waited = alpha_->WaitForInstanceCompletion(id, false, CallOptions::WithTimeout(milliseconds(700)));
  auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(waited.status().code(), StatusCode::kDeadlineExceeded) << waited.status().ToString();
  EXPECT_GE(elapsed, milliseconds(650));
  EXPECT_LT(elapsed, seconds(10));
  ASSERT_TRUE(alpha_->Terminate(id).ok());
}

TEST_F(ClientSidecarTest, CancellingAWaitEndsItWithCancelled) {
  std::string id = Start(*alpha_, "RunUntilTerminated", std::nullopt);
  CancellationSource source;
  CallOptions call;
  call.cancellation = source.token();
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(300));
    source.Cancel();
  });
  InstanceResult waited = alpha_->WaitForInstanceCompletion(id, false, call);
  canceller.join();
  EXPECT_EQ(waited.status().code(), StatusCode::kCancelled) << waited.status().ToString();
  ASSERT_TRUE(alpha_->Terminate(id).ok());
}

TEST_F(ClientSidecarTest, AsyncFormsCompleteThroughTheirCallbacks) {
  std::promise<Result<std::string>> scheduled;
  StartOrchestrationOptions start;
  start.name = "WaitForEvent";
  start.input = "\"go\"";
  auto caller = std::this_thread::get_id();
  std::atomic<bool> on_caller_thread{false};
  alpha_->ScheduleNewOrchestrationAsync(start, {}, [&](Result<std::string> id) {
    on_caller_thread = on_caller_thread || std::this_thread::get_id() == caller;
    scheduled.set_value(std::move(id));
  });
  Result<std::string> id = scheduled.get_future().get();
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  std::promise<InstanceResult> completed;
  alpha_->WaitForInstanceCompletionAsync(*id, true, CallOptions::WithTimeout(seconds(30)),
                                         [&](InstanceResult result) { completed.set_value(std::move(result)); });
  std::promise<Status> raised;
  alpha_->RaiseEventAsync(*id, "go", "\"async payload\"", {}, [&](Status status) {
    on_caller_thread = on_caller_thread || std::this_thread::get_id() == caller;
    raised.set_value(status);
  });
  EXPECT_TRUE(raised.get_future().get().ok());
  InstanceResult result = completed.get_future().get();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*(*result)->output, "\"async payload\"");
  EXPECT_FALSE(on_caller_thread);

  std::promise<Result<Page<OrchestrationMetadata>>> page;
  InstanceQuery query;
  query.instance_id_prefix = *id;
  alpha_->QueryInstancesPageAsync(query, {}, [&](auto result) { page.set_value(std::move(result)); });
  auto listed = page.get_future().get();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->items.size(), 1u);
}

// Microsoft's in-memory sidecar does not implement these; the unit tests prove their
// request mapping against an in-process fake. Here we check that the real sidecar's
// answer arrives as a clean status rather than a crash or a hang.
TEST_F(ClientSidecarTest, OperationsTheSidecarLacksReturnUnimplemented) {
  std::string id = Start(*alpha_, "Echo", "1");
  WaitDone(*alpha_, id);
  EXPECT_EQ(alpha_->RewindInstance(id, "why").code(), StatusCode::kUnimplemented);
  EXPECT_EQ(alpha_->ListInstanceIdsPage({}).status().code(), StatusCode::kUnimplemented);

  ClientOptions options = OptionsFor("alpha");
  options.enable_entity_support = true;
  auto entities = Client::Create(options);
  ASSERT_TRUE(entities.ok());
  EXPECT_EQ((*entities)->SignalEntity("@counter@one", "add").code(), StatusCode::kUnimplemented);
  EXPECT_EQ((*entities)->GetEntity("@counter@one").status().code(), StatusCode::kUnimplemented);
}

TEST_F(ClientSidecarTest, HistoryStreamFinishesCleanly) {
  std::string id = Start(*alpha_, "Echo", "1");
  WaitDone(*alpha_, id);
  // The in-memory sidecar streams no history to clients; the call must still finish
  // with a definite answer (an empty history or UNIMPLEMENTED), sync and async alike.
  Result<std::vector<HistoryEvent>> history = alpha_->GetHistory(id, CallOptions::WithTimeout(seconds(10)));
  if (history.ok()) {
    EXPECT_TRUE(history->empty());
  } else {
    EXPECT_EQ(history.status().code(), StatusCode::kUnimplemented) << history.status().ToString();
  }
  std::promise<Result<std::vector<HistoryEvent>>> async_history;
  alpha_->GetHistoryAsync(id, CallOptions::WithTimeout(seconds(10)),
                          [&](auto result) { async_history.set_value(std::move(result)); });
  auto collected = async_history.get_future().get();
  EXPECT_EQ(collected.status().code(), history.status().code());
}

}  // namespace
}  // namespace durabletask::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new durabletask::testing::SidecarEnvironment());
  return RUN_ALL_TESTS();
}
