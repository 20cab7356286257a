// What each client operation puts on the wire, field by field and header by header, as
// recorded by the fake sidecar.
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "client/codec.h"
#include "test_support.h"

namespace durabletask {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using unit::At;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::RecordedCall;
using unit::Reply;

bool IsInstanceIdShape(const std::string& id) {
  static const std::regex kShape("^[0-9a-f]{32}$");
  return std::regex_match(id, kShape);
}

class RequestMapping : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = unit::FakeOptions(fake_);
    client_ = unit::MakeClient(options_);
    ASSERT_NE(client_, nullptr);
  }

  std::unique_ptr<Client> ClientWith(const std::function<void(ClientOptions&)>& change) {
    ClientOptions options = unit::FakeOptions(fake_);
    change(options);
    return unit::MakeClient(options);
  }

  FakeSidecar fake_;
  ClientOptions options_;
  std::unique_ptr<Client> client_;
};

TEST_F(RequestMapping, StartSendsEveryFieldOfTheOrchestration) {
  ::CreateInstanceResponse answer;
  answer.set_instance_id("order-1");
  fake_.Enqueue("StartInstance", Reply::With(answer));

  StartOrchestrationOptions start;
  start.name = "ProcessOrder";
  start.instance_id = "order-1";
  start.input = "{\"amount\":12.5}";
  start.version = "2.0";
  start.start_at = At(1700000000, 123456789);
  start.tags = {{"env", "test"}, {"team", "payments"}};
  TimePoint before = Clock::now();
  Result<std::string> id = client_->ScheduleNewOrchestration(start);
  TimePoint after = Clock::now();

  ASSERT_THAT(id, IsOk());
  EXPECT_EQ(*id, "order-1");
  auto request = fake_.LastCall("StartInstance").As<::CreateInstanceRequest>();
  EXPECT_EQ(request.instance_id(), "order-1");
  EXPECT_EQ(request.name(), "ProcessOrder");
  ASSERT_TRUE(request.has_input());
  EXPECT_EQ(request.input().value(), "{\"amount\":12.5}");
  ASSERT_TRUE(request.has_version());
  EXPECT_EQ(request.version().value(), "2.0");
  ASSERT_TRUE(request.has_scheduled_start_timestamp());
  EXPECT_EQ(request.scheduled_start_timestamp().seconds(), 1700000000);
  EXPECT_EQ(request.scheduled_start_timestamp().nanos(), 123456789);
  std::map<std::string, std::string> tags(request.tags().begin(), request.tags().end());
  EXPECT_EQ(tags, start.tags);
  EXPECT_FALSE(request.has_orchestration_id_reuse_policy());
  EXPECT_FALSE(request.has_execution_id());
  EXPECT_FALSE(request.has_parent_trace_context());
  ASSERT_TRUE(request.has_request_time());
  TimePoint sent_at = internal::FromTimestamp(request.request_time());
  EXPECT_GE(sent_at, before - std::chrono::milliseconds(1));
  EXPECT_LE(sent_at, after + std::chrono::milliseconds(1));
}

TEST_F(RequestMapping, StartWithoutInputSendsNoInputAndEmptyInputIsStillSent) {
  StartOrchestrationOptions start;
  start.name = "NoInput";
  start.instance_id = "a";
  ASSERT_THAT(client_->ScheduleNewOrchestration(start), IsOk());
  EXPECT_FALSE(fake_.LastCall("StartInstance").As<::CreateInstanceRequest>().has_input());

  start.input = "";
  ASSERT_THAT(client_->ScheduleNewOrchestration(start), IsOk());
  auto request = fake_.LastCall("StartInstance").As<::CreateInstanceRequest>();
  ASSERT_TRUE(request.has_input());
  EXPECT_EQ(request.input().value(), "");
}

TEST_F(RequestMapping, StartWithoutIdSendsAFresh32DigitLowercaseHexId) {
  StartOrchestrationOptions start;
  start.name = "Generated";
  ASSERT_THAT(client_->ScheduleNewOrchestration(start), IsOk());
  ASSERT_THAT(client_->ScheduleNewOrchestration(start), IsOk());

  auto requests = fake_.Requests<::CreateInstanceRequest>("StartInstance");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(IsInstanceIdShape(requests[0].instance_id())) << requests[0].instance_id();
  EXPECT_TRUE(IsInstanceIdShape(requests[1].instance_id())) << requests[1].instance_id();
  EXPECT_NE(requests[0].instance_id(), requests[1].instance_id());
}

TEST(NewInstanceId, Is32LowercaseHexDigitsAndDoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewInstanceId();
    ASSERT_TRUE(IsInstanceIdShape(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST_F(RequestMapping, VersionFallsBackToTheClientDefaultVersion) {
  std::unique_ptr<Client> versioned =
      ClientWith([](ClientOptions& o) { o.default_version = "1.5"; });
  ASSERT_NE(versioned, nullptr);
  StartOrchestrationOptions start;
  start.name = "Versioned";
  start.instance_id = "v";

  ASSERT_THAT(versioned->ScheduleNewOrchestration(start), IsOk());
  auto request = fake_.LastCall("StartInstance").As<::CreateInstanceRequest>();
  ASSERT_TRUE(request.has_version());
  EXPECT_EQ(request.version().value(), "1.5");

  start.version = "3.0";
  ASSERT_THAT(versioned->ScheduleNewOrchestration(start), IsOk());
  EXPECT_EQ(fake_.LastCall("StartInstance").As<::CreateInstanceRequest>().version().value(), "3.0");

  start.version.clear();
  ASSERT_THAT(client_->ScheduleNewOrchestration(start), IsOk());
  EXPECT_FALSE(fake_.LastCall("StartInstance").As<::CreateInstanceRequest>().has_version());
}

TEST_F(RequestMapping, DedupeStatusesAreSentAsTheComplementaryReusePolicy) {
  StartOrchestrationOptions start;
  start.name = "Deduped";
  start.instance_id = "d";
  start.dedupe_statuses = {RuntimeStatus::kPending, RuntimeStatus::kRunning};
  ASSERT_THAT(client_->ScheduleNewOrchestration(start), IsOk());

  auto request = fake_.LastCall("StartInstance").As<::CreateInstanceRequest>();
  ASSERT_TRUE(request.has_orchestration_id_reuse_policy());
  std::vector<int> replaceable(request.orchestration_id_reuse_policy().replaceable_status().begin(),
                               request.orchestration_id_reuse_policy().replaceable_status().end());
  EXPECT_THAT(replaceable,
              ElementsAre(::ORCHESTRATION_STATUS_COMPLETED, ::ORCHESTRATION_STATUS_CONTINUED_AS_NEW,
                          ::ORCHESTRATION_STATUS_FAILED, ::ORCHESTRATION_STATUS_CANCELED,
                          ::ORCHESTRATION_STATUS_TERMINATED, ::ORCHESTRATION_STATUS_SUSPENDED));
}

TEST_F(RequestMapping, DedupingEveryStatusSendsAPolicyThatReplacesNothing) {
  StartOrchestrationOptions start;
  start.name = "Deduped";
  start.instance_id = "d";
  start.dedupe_statuses = {RuntimeStatus::kRunning,        RuntimeStatus::kCompleted,
                           RuntimeStatus::kContinuedAsNew, RuntimeStatus::kFailed,
                           RuntimeStatus::kCanceled,       RuntimeStatus::kTerminated,
                           RuntimeStatus::kPending,        RuntimeStatus::kSuspended};
  ASSERT_THAT(client_->ScheduleNewOrchestration(start), IsOk());

  auto request = fake_.LastCall("StartInstance").As<::CreateInstanceRequest>();
  ASSERT_TRUE(request.has_orchestration_id_reuse_policy());
  EXPECT_EQ(request.orchestration_id_reuse_policy().replaceable_status_size(), 0);
}

TEST_F(RequestMapping, GetInstanceSendsIdAndPayloadFlag) {
  ASSERT_THAT(client_->GetInstance("abc", true), IsOk());
  ASSERT_THAT(client_->GetInstance("def"), IsOk());

  auto requests = fake_.Requests<::GetInstanceRequest>("GetInstance");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].instance_id(), "abc");
  EXPECT_TRUE(requests[0].get_inputs_and_outputs());
  EXPECT_EQ(requests[1].instance_id(), "def");
  EXPECT_FALSE(requests[1].get_inputs_and_outputs());
}

TEST_F(RequestMapping, WaitsUseTheirOwnRpcsWithIdAndPayloadFlag) {
  ASSERT_THAT(
      client_->WaitForInstanceStart("s1", true, CallOptions::WithTimeout(std::chrono::seconds(5))),
      IsOk());
  ASSERT_THAT(client_->WaitForInstanceCompletion("c1", false,
                                                 CallOptions::WithTimeout(std::chrono::seconds(5))),
              IsOk());

  auto start = fake_.LastCall("WaitForInstanceStart").As<::GetInstanceRequest>();
  EXPECT_EQ(start.instance_id(), "s1");
  EXPECT_TRUE(start.get_inputs_and_outputs());
  auto completion = fake_.LastCall("WaitForInstanceCompletion").As<::GetInstanceRequest>();
  EXPECT_EQ(completion.instance_id(), "c1");
  EXPECT_FALSE(completion.get_inputs_and_outputs());
  EXPECT_EQ(fake_.CallCount("GetInstance"), 0);
}

TEST_F(RequestMapping, RaiseEventSendsIdNameAndPayloadOnlyWhenGiven) {
  ASSERT_THAT(client_->RaiseEvent("i1", "Approved", std::string("{\"by\":\"ann\"}")), IsOk());
  ASSERT_THAT(client_->RaiseEvent("i2", "Ping"), IsOk());

  auto requests = fake_.Requests<::RaiseEventRequest>("RaiseEvent");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].instance_id(), "i1");
  EXPECT_EQ(requests[0].name(), "Approved");
  ASSERT_TRUE(requests[0].has_input());
  EXPECT_EQ(requests[0].input().value(), "{\"by\":\"ann\"}");
  EXPECT_EQ(requests[1].instance_id(), "i2");
  EXPECT_EQ(requests[1].name(), "Ping");
  EXPECT_FALSE(requests[1].has_input());
}

TEST_F(RequestMapping, TerminateSendsOutputAndRecursiveFlag) {
  TerminateOptions terminate;
  terminate.output = "\"stopped by operator\"";
  terminate.recursive = true;
  ASSERT_THAT(client_->Terminate("t1", terminate), IsOk());
  ASSERT_THAT(client_->Terminate("t2"), IsOk());

  auto requests = fake_.Requests<::TerminateRequest>("TerminateInstance");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].instance_id(), "t1");
  ASSERT_TRUE(requests[0].has_output());
  EXPECT_EQ(requests[0].output().value(), "\"stopped by operator\"");
  EXPECT_TRUE(requests[0].recursive());
  EXPECT_EQ(requests[1].instance_id(), "t2");
  EXPECT_FALSE(requests[1].has_output());
  EXPECT_FALSE(requests[1].recursive());
}

TEST_F(RequestMapping, SuspendAndResumeSendTheReasonOnlyWhenGiven) {
  ASSERT_THAT(client_->Suspend("s", "maintenance"), IsOk());
  ASSERT_THAT(client_->Suspend("s"), IsOk());
  ASSERT_THAT(client_->Resume("s", "done"), IsOk());
  ASSERT_THAT(client_->Resume("s"), IsOk());

  auto suspends = fake_.Requests<::SuspendRequest>("SuspendInstance");
  ASSERT_EQ(suspends.size(), 2u);
  EXPECT_EQ(suspends[0].instance_id(), "s");
  ASSERT_TRUE(suspends[0].has_reason());
  EXPECT_EQ(suspends[0].reason().value(), "maintenance");
  EXPECT_FALSE(suspends[1].has_reason());

  auto resumes = fake_.Requests<::ResumeRequest>("ResumeInstance");
  ASSERT_EQ(resumes.size(), 2u);
  EXPECT_EQ(resumes[0].instance_id(), "s");
  ASSERT_TRUE(resumes[0].has_reason());
  EXPECT_EQ(resumes[0].reason().value(), "done");
  EXPECT_FALSE(resumes[1].has_reason());
}

TEST_F(RequestMapping, QueryInstancesSendsEveryFilter) {
  InstanceQuery query;
  query.created_from = At(1600000000, 5);
  query.created_to = At(1700000000, 999999999);
  query.statuses = {RuntimeStatus::kFailed, RuntimeStatus::kSuspended};
  query.task_hub_names = {"hub-a", "hub-b"};
  query.instance_id_prefix = "order-";
  query.fetch_inputs_and_outputs = true;
  query.page_size = 25;
  query.continuation_token = "page-2";
  ASSERT_THAT(client_->QueryInstancesPage(query), IsOk());

  auto sent = fake_.LastCall("QueryInstances").As<::QueryInstancesRequest>().query();
  std::vector<int> statuses(sent.runtime_status().begin(), sent.runtime_status().end());
  EXPECT_THAT(statuses,
              ElementsAre(::ORCHESTRATION_STATUS_FAILED, ::ORCHESTRATION_STATUS_SUSPENDED));
  EXPECT_EQ(sent.created_time_from().seconds(), 1600000000);
  EXPECT_EQ(sent.created_time_from().nanos(), 5);
  EXPECT_EQ(sent.created_time_to().seconds(), 1700000000);
  EXPECT_EQ(sent.created_time_to().nanos(), 999999999);
  ASSERT_EQ(sent.task_hub_names_size(), 2);
  EXPECT_EQ(sent.task_hub_names(0).value(), "hub-a");
  EXPECT_EQ(sent.task_hub_names(1).value(), "hub-b");
  EXPECT_EQ(sent.max_instance_count(), 25);
  ASSERT_TRUE(sent.has_continuation_token());
  EXPECT_EQ(sent.continuation_token().value(), "page-2");
  ASSERT_TRUE(sent.has_instance_id_prefix());
  EXPECT_EQ(sent.instance_id_prefix().value(), "order-");
  EXPECT_TRUE(sent.fetch_inputs_and_outputs());
}

TEST_F(RequestMapping, QueryInstancesLeavesUnsetFiltersOut) {
  ASSERT_THAT(client_->QueryInstancesPage(InstanceQuery{}), IsOk());

  auto sent = fake_.LastCall("QueryInstances").As<::QueryInstancesRequest>().query();
  EXPECT_EQ(sent.runtime_status_size(), 0);
  EXPECT_FALSE(sent.has_created_time_from());
  EXPECT_FALSE(sent.has_created_time_to());
  EXPECT_EQ(sent.task_hub_names_size(), 0);
  EXPECT_EQ(sent.max_instance_count(), 100);
  EXPECT_FALSE(sent.has_continuation_token());
  EXPECT_FALSE(sent.has_instance_id_prefix());
  EXPECT_FALSE(sent.fetch_inputs_and_outputs());
}

// ListInstanceIds is not served by Microsoft's sidecar; this fake is what proves the
// request mapping.
TEST_F(RequestMapping, ListInstanceIdsSendsEveryFilter) {
  InstanceIdQuery query;
  query.statuses = {RuntimeStatus::kCompleted};
  query.completed_from = At(1650000000, 1);
  query.completed_to = At(1650000100, 2);
  query.page_size = 7;
  query.last_instance_key = "key-9";
  ASSERT_THAT(client_->ListInstanceIdsPage(query), IsOk());

  auto sent = fake_.LastCall("ListInstanceIds").As<::ListInstanceIdsRequest>();
  std::vector<int> statuses(sent.runtime_status().begin(), sent.runtime_status().end());
  EXPECT_THAT(statuses, ElementsAre(::ORCHESTRATION_STATUS_COMPLETED));
  EXPECT_EQ(sent.completed_time_from().seconds(), 1650000000);
  EXPECT_EQ(sent.completed_time_from().nanos(), 1);
  EXPECT_EQ(sent.completed_time_to().seconds(), 1650000100);
  EXPECT_EQ(sent.completed_time_to().nanos(), 2);
  EXPECT_EQ(sent.page_size(), 7);
  ASSERT_TRUE(sent.has_last_instance_key());
  EXPECT_EQ(sent.last_instance_key().value(), "key-9");

  ASSERT_THAT(client_->ListInstanceIdsPage(InstanceIdQuery{}), IsOk());
  auto plain = fake_.LastCall("ListInstanceIds").As<::ListInstanceIdsRequest>();
  EXPECT_FALSE(plain.has_last_instance_key());
  EXPECT_FALSE(plain.has_completed_time_from());
  EXPECT_EQ(plain.page_size(), 100);
}

TEST_F(RequestMapping, PurgeOfOneInstanceSendsIdRecursionAndOrchestrationFlag) {
  ASSERT_THAT(client_->PurgeInstance("p1", true), IsOk());
  ASSERT_THAT(client_->PurgeInstance("p2"), IsOk());

  auto requests = fake_.Requests<::PurgeInstancesRequest>("PurgeInstances");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].request_case(), ::PurgeInstancesRequest::kInstanceId);
  EXPECT_EQ(requests[0].instance_id(), "p1");
  EXPECT_TRUE(requests[0].recursive());
  EXPECT_TRUE(requests[0].is_orchestration());
  EXPECT_EQ(requests[1].instance_id(), "p2");
  EXPECT_FALSE(requests[1].recursive());
}

TEST_F(RequestMapping, PurgeByFilterSendsTheFilter) {
  PurgeFilter filter;
  filter.created_from = At(1500000000);
  filter.created_to = At(1500003600, 250000000);
  filter.statuses = {RuntimeStatus::kCompleted, RuntimeStatus::kTerminated};
  filter.timeout = std::chrono::milliseconds(1500);
  ASSERT_THAT(client_->PurgeInstances(filter), IsOk());

  auto request = fake_.LastCall("PurgeInstances").As<::PurgeInstancesRequest>();
  ASSERT_EQ(request.request_case(), ::PurgeInstancesRequest::kPurgeInstanceFilter);
  const auto& sent = request.purge_instance_filter();
  EXPECT_EQ(sent.created_time_from().seconds(), 1500000000);
  EXPECT_EQ(sent.created_time_from().nanos(), 0);
  EXPECT_EQ(sent.created_time_to().seconds(), 1500003600);
  EXPECT_EQ(sent.created_time_to().nanos(), 250000000);
  std::vector<int> statuses(sent.runtime_status().begin(), sent.runtime_status().end());
  EXPECT_THAT(statuses,
              ElementsAre(::ORCHESTRATION_STATUS_COMPLETED, ::ORCHESTRATION_STATUS_TERMINATED));
  ASSERT_TRUE(sent.has_timeout());
  EXPECT_EQ(sent.timeout().seconds(), 1);
  EXPECT_EQ(sent.timeout().nanos(), 500000000);
  EXPECT_FALSE(request.recursive());
}

TEST_F(RequestMapping, PurgeByEmptyFilterSendsAnEmptyFilterWithoutTimeout) {
  ASSERT_THAT(client_->PurgeInstances(PurgeFilter{}), IsOk());
  auto request = fake_.LastCall("PurgeInstances").As<::PurgeInstancesRequest>();
  ASSERT_EQ(request.request_case(), ::PurgeInstancesRequest::kPurgeInstanceFilter);
  EXPECT_FALSE(request.purge_instance_filter().has_created_time_from());
  EXPECT_FALSE(request.purge_instance_filter().has_timeout());
  EXPECT_EQ(request.purge_instance_filter().runtime_status_size(), 0);
}

TEST_F(RequestMapping, RestartSendsIdAndNewIdFlagAndReturnsTheIdItRunsUnder) {
  ::RestartInstanceResponse answer;
  answer.set_instance_id("fresh-id");
  fake_.Enqueue("RestartInstance", Reply::With(answer));

  Result<std::string> id = client_->RestartInstance("old-id", true);
  ASSERT_THAT(id, IsOk());
  EXPECT_EQ(*id, "fresh-id");
  auto request = fake_.LastCall("RestartInstance").As<::RestartInstanceRequest>();
  EXPECT_EQ(request.instance_id(), "old-id");
  EXPECT_TRUE(request.restart_with_new_instance_id());

  ASSERT_THAT(client_->RestartInstance("same-id"), IsOk());
  EXPECT_FALSE(fake_.LastCall("RestartInstance")
                   .As<::RestartInstanceRequest>()
                   .restart_with_new_instance_id());
}

// RewindInstance is not served by Microsoft's sidecar; this fake is what proves the
// request mapping.
TEST_F(RequestMapping, RewindSendsIdAndReasonOnlyWhenGiven) {
  ASSERT_THAT(client_->RewindInstance("r1", "retry after fix"), IsOk());
  ASSERT_THAT(client_->RewindInstance("r2"), IsOk());

  auto requests = fake_.Requests<::RewindInstanceRequest>("RewindInstance");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].instance_id(), "r1");
  ASSERT_TRUE(requests[0].has_reason());
  EXPECT_EQ(requests[0].reason().value(), "retry after fix");
  EXPECT_EQ(requests[1].instance_id(), "r2");
  EXPECT_FALSE(requests[1].has_reason());
}

TEST_F(RequestMapping, PingSendsHello) {
  ASSERT_THAT(client_->Ping(), IsOk());
  EXPECT_EQ(fake_.CallCount("Hello"), 1);
}

TEST_F(RequestMapping, EveryCallCarriesTaskHubAndUserAgent) {
  std::unique_ptr<Client> client = ClientWith([](ClientOptions& o) {
    o.task_hub = "orders";
    o.user_agent_suffix = "billing-service/4.2";
  });
  ASSERT_NE(client, nullptr);
  StartOrchestrationOptions start;
  start.name = "N";
  ASSERT_THAT(client->Ping(), IsOk());
  ASSERT_THAT(client->ScheduleNewOrchestration(start), IsOk());
  ASSERT_THAT(client->RaiseEvent("i", "e"), IsOk());
  ASSERT_THAT(client->QueryInstancesPage(InstanceQuery{}), IsOk());

  std::vector<RecordedCall> calls = fake_.Calls();
  ASSERT_EQ(calls.size(), 4u);
  for (const RecordedCall& call : calls) {
    SCOPED_TRACE(call.method);
    EXPECT_EQ(call.Header("taskhub"), "orders");
    EXPECT_EQ(call.Header("x-user-agent"), std::string("durabletask-native/") +
                                               DURABLETASK_VERSION_STRING +
                                               " (cpp) billing-service/4.2");
    EXPECT_FALSE(call.HasHeader("authorization"));
  }
}

TEST_F(RequestMapping, UserAgentWithoutSuffixNamesTheLibraryOnly) {
  ASSERT_THAT(client_->Ping(), IsOk());
  std::string agent = fake_.LastCall("Hello").Header("x-user-agent");
  EXPECT_THAT(agent, StartsWith("durabletask-native/"));
  EXPECT_EQ(agent, std::string("durabletask-native/") + DURABLETASK_VERSION_STRING + " (cpp)");
}

TEST_F(RequestMapping, BearerTokenTravelsAsAuthorizationHeader) {
  std::unique_ptr<Client> client = ClientWith([](ClientOptions& o) {
    o.bearer_token = "static-token-1";
    o.allow_insecure_credentials = true;
  });
  ASSERT_NE(client, nullptr);
  ASSERT_THAT(client->Ping(), IsOk());
  ASSERT_THAT(client->GetInstance("x"), IsOk());

  for (const RecordedCall& call : fake_.Calls()) {
    EXPECT_EQ(call.Header("authorization"), "Bearer static-token-1");
    EXPECT_EQ(call.metadata.count("authorization"), 1u);
  }
}

TEST_F(RequestMapping, ClientWithoutTaskHubSendsNoTaskHubHeader) {
  std::unique_ptr<Client> client = ClientWith([](ClientOptions& o) { o.task_hub.clear(); });
  ASSERT_NE(client, nullptr);
  ASSERT_THAT(client->Ping(), IsOk());
  EXPECT_FALSE(fake_.LastCall("Hello").HasHeader("taskhub"));
}

TEST_F(RequestMapping, CallWithoutDeadlineSendsNone) {
  ASSERT_THAT(client_->Ping(), IsOk());
  auto deadline = fake_.LastCall("Hello").deadline;
  EXPECT_GT(deadline, std::chrono::system_clock::now() + std::chrono::hours(24 * 365));
}

}  // namespace
}  // namespace durabletask
