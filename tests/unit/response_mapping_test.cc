// How the sidecar's answers become library values: every field of an instance, failure
// chains, absent versus empty, and "no such instance".
#include <string>

#include "client/codec.h"
#include "test_support.h"

namespace durabletask {
namespace {

using unit::At;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::Reply;
using unit::Stamp;

::OrchestrationState FullState() {
  ::OrchestrationState state;
  state.set_instance_id("order-7");
  state.set_name("ProcessOrder");
  state.mutable_version()->set_value("1.2");
  state.set_orchestration_status(::ORCHESTRATION_STATUS_FAILED);
  *state.mutable_scheduled_start_timestamp() = Stamp(1700000000, 1);
  *state.mutable_created_timestamp() = Stamp(1700000001, 2);
  *state.mutable_last_updated_timestamp() = Stamp(1700000002, 3);
  *state.mutable_completed_timestamp() = Stamp(1700000003, 4);
  state.mutable_input()->set_value("{\"in\":1}");
  state.mutable_output()->set_value("{\"out\":2}");
  state.mutable_custom_status()->set_value("\"step 3\"");
  state.mutable_execution_id()->set_value("exec-1");
  state.mutable_parent_instance_id()->set_value("parent-1");
  (*state.mutable_tags())["env"] = "prod";
  (*state.mutable_tags())["owner"] = "ann";

  ::TaskFailureDetails* failure = state.mutable_failure_details();
  failure->set_error_type("OrderException");
  failure->set_error_message("payment declined");
  failure->mutable_stack_trace()->set_value("at Pay()");
  failure->set_is_non_retriable(true);
  ::TaskFailureDetails* inner = failure->mutable_inner_failure();
  inner->set_error_type("HttpException");
  inner->set_error_message("503");
  ::TaskFailureDetails* innermost = inner->mutable_inner_failure();
  innermost->set_error_type("SocketException");
  innermost->set_error_message("reset");
  return state;
}

class ResponseMapping : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = unit::MakeClient(unit::FakeOptions(fake_));
    ASSERT_NE(client_, nullptr);
  }

  FakeSidecar fake_;
  std::unique_ptr<Client> client_;
};

TEST_F(ResponseMapping, EveryInstanceFieldIsMapped) {
  ::GetInstanceResponse answer;
  answer.set_exists(true);
  *answer.mutable_orchestration_state() = FullState();
  fake_.Enqueue("GetInstance", Reply::With(answer));

  InstanceResult result = client_->GetInstance("order-7", true);
  ASSERT_THAT(result, IsOk());
  ASSERT_TRUE(result->has_value());
  const OrchestrationMetadata& metadata = **result;
  EXPECT_EQ(metadata.instance_id, "order-7");
  EXPECT_EQ(metadata.name, "ProcessOrder");
  EXPECT_EQ(metadata.version, std::optional<std::string>("1.2"));
  EXPECT_EQ(metadata.runtime_status, RuntimeStatus::kFailed);
  EXPECT_EQ(metadata.scheduled_start_at, At(1700000000, 1));
  EXPECT_EQ(metadata.created_at, At(1700000001, 2));
  EXPECT_EQ(metadata.last_updated_at, At(1700000002, 3));
  EXPECT_EQ(metadata.completed_at, At(1700000003, 4));
  EXPECT_EQ(metadata.input, std::optional<std::string>("{\"in\":1}"));
  EXPECT_EQ(metadata.output, std::optional<std::string>("{\"out\":2}"));
  EXPECT_EQ(metadata.custom_status, std::optional<std::string>("\"step 3\""));
  EXPECT_EQ(metadata.execution_id, std::optional<std::string>("exec-1"));
  EXPECT_EQ(metadata.parent_instance_id, std::optional<std::string>("parent-1"));
  EXPECT_EQ(metadata.tags, (std::map<std::string, std::string>{{"env", "prod"}, {"owner", "ann"}}));

  ASSERT_TRUE(metadata.failure_details.has_value());
  const FailureDetails& failure = *metadata.failure_details;
  EXPECT_EQ(failure.error_type, "OrderException");
  EXPECT_EQ(failure.error_message, "payment declined");
  EXPECT_EQ(failure.stack_trace, std::optional<std::string>("at Pay()"));
  EXPECT_TRUE(failure.is_non_retriable);
  ASSERT_NE(failure.inner_failure, nullptr);
  EXPECT_EQ(failure.inner_failure->error_type, "HttpException");
  EXPECT_EQ(failure.inner_failure->error_message, "503");
  EXPECT_FALSE(failure.inner_failure->stack_trace.has_value());
  EXPECT_FALSE(failure.inner_failure->is_non_retriable);
  ASSERT_NE(failure.inner_failure->inner_failure, nullptr);
  EXPECT_EQ(failure.inner_failure->inner_failure->error_type, "SocketException");
  EXPECT_EQ(failure.inner_failure->inner_failure->inner_failure, nullptr);
}

TEST_F(ResponseMapping, AbsentFieldsStayAbsentAndEmptyPayloadsStayEmpty) {
  ::GetInstanceResponse answer;
  answer.set_exists(true);
  answer.mutable_orchestration_state()->set_instance_id("bare");
  answer.mutable_orchestration_state()->set_orchestration_status(::ORCHESTRATION_STATUS_PENDING);
  answer.mutable_orchestration_state()->mutable_output()->set_value("");
  fake_.Enqueue("GetInstance", Reply::With(answer));

  InstanceResult result = client_->GetInstance("bare");
  ASSERT_THAT(result, IsOk());
  ASSERT_TRUE(result->has_value());
  const OrchestrationMetadata& metadata = **result;
  EXPECT_EQ(metadata.runtime_status, RuntimeStatus::kPending);
  EXPECT_FALSE(metadata.version.has_value());
  EXPECT_FALSE(metadata.created_at.has_value());
  EXPECT_FALSE(metadata.completed_at.has_value());
  EXPECT_FALSE(metadata.input.has_value());
  EXPECT_EQ(metadata.output, std::optional<std::string>(""));
  EXPECT_FALSE(metadata.failure_details.has_value());
  EXPECT_FALSE(metadata.parent_instance_id.has_value());
  EXPECT_TRUE(metadata.tags.empty());
}

TEST_F(ResponseMapping, EpochTimestampsAreTreatedAsAbsent) {
  ::GetInstanceResponse answer;
  answer.set_exists(true);
  *answer.mutable_orchestration_state()->mutable_completed_timestamp() = Stamp(0, 0);
  fake_.Enqueue("GetInstance", Reply::With(answer));

  InstanceResult result = client_->GetInstance("x");
  ASSERT_THAT(result, IsOk());
  ASSERT_TRUE(result->has_value());
  EXPECT_FALSE((*result)->completed_at.has_value());
}

TEST_F(ResponseMapping, MissingInstanceIsNulloptNotAnError) {
  ::GetInstanceResponse answer;
  answer.set_exists(false);
  answer.mutable_orchestration_state()->set_instance_id("ghost");
  fake_.Enqueue("GetInstance", Reply::With(answer));

  InstanceResult result = client_->GetInstance("ghost");
  ASSERT_THAT(result, IsOk());
  EXPECT_FALSE(result->has_value());
}

TEST_F(ResponseMapping, CompletedWaitReturnsTheFinalState) {
  ::GetInstanceResponse answer;
  answer.set_exists(true);
  answer.mutable_orchestration_state()->set_instance_id("w");
  answer.mutable_orchestration_state()->set_orchestration_status(::ORCHESTRATION_STATUS_COMPLETED);
  answer.mutable_orchestration_state()->mutable_output()->set_value("42");
  fake_.Enqueue("WaitForInstanceCompletion", Reply::With(answer));

  InstanceResult result = client_->WaitForInstanceCompletion(
      "w", true, CallOptions::WithTimeout(std::chrono::seconds(5)));
  ASSERT_THAT(result, IsOk());
  ASSERT_TRUE(result->has_value());
  EXPECT_EQ((*result)->runtime_status, RuntimeStatus::kCompleted);
  EXPECT_TRUE(IsTerminal((*result)->runtime_status));
  EXPECT_EQ((*result)->output, std::optional<std::string>("42"));
}

TEST_F(ResponseMapping, QueryPageMapsInstancesAndContinuationToken) {
  ::QueryInstancesResponse answer;
  *answer.add_orchestration_state() = FullState();
  answer.add_orchestration_state()->set_instance_id("second");
  answer.mutable_continuation_token()->set_value("next-page");
  fake_.Enqueue("QueryInstances", Reply::With(answer));

  Result<Page<OrchestrationMetadata>> page = client_->QueryInstancesPage(InstanceQuery{});
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].instance_id, "order-7");
  ASSERT_TRUE(page->items[0].failure_details.has_value());
  EXPECT_EQ(page->items[1].instance_id, "second");
  EXPECT_EQ(page->continuation_token, std::optional<std::string>("next-page"));
}

TEST_F(ResponseMapping, EmptyContinuationTokenMeansNoMorePages) {
  ::QueryInstancesResponse answer;
  answer.mutable_continuation_token()->set_value("");
  fake_.Enqueue("QueryInstances", Reply::With(answer));

  Result<Page<OrchestrationMetadata>> page = client_->QueryInstancesPage(InstanceQuery{});
  ASSERT_THAT(page, IsOk());
  EXPECT_TRUE(page->items.empty());
  EXPECT_FALSE(page->continuation_token.has_value());
}

TEST_F(ResponseMapping, ListInstanceIdsMapsIdsAndLastKey) {
  ::ListInstanceIdsResponse answer;
  answer.add_instance_ids("a");
  answer.add_instance_ids("b");
  answer.mutable_last_instance_key()->set_value("b-key");
  fake_.Enqueue("ListInstanceIds", Reply::With(answer));

  Result<Page<std::string>> page = client_->ListInstanceIdsPage(InstanceIdQuery{});
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->items, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(page->continuation_token, std::optional<std::string>("b-key"));
}

TEST_F(ResponseMapping, PurgeResultKeepsCountAndCompletionWhenGiven) {
  ::PurgeInstancesResponse with_flag;
  with_flag.set_deleted_instance_count(12);
  with_flag.mutable_is_complete()->set_value(false);
  fake_.Enqueue("PurgeInstances", Reply::With(with_flag));
  ::PurgeInstancesResponse without_flag;
  without_flag.set_deleted_instance_count(1);
  fake_.Enqueue("PurgeInstances", Reply::With(without_flag));

  Result<PurgeResult> first = client_->PurgeInstances(PurgeFilter{});
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->deleted_instance_count, 12);
  EXPECT_EQ(first->is_complete, std::optional<bool>(false));

  Result<PurgeResult> second = client_->PurgeInstance("one");
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->deleted_instance_count, 1);
  EXPECT_FALSE(second->is_complete.has_value());
}

TEST(Codec, TimestampsRoundTripWithNanosecondPrecision) {
  TimePoint moment = At(1234567890, 987654321);
  google::protobuf::Timestamp stamp = internal::ToTimestamp(moment);
  EXPECT_EQ(stamp.seconds(), 1234567890);
  EXPECT_EQ(stamp.nanos(), 987654321);
  EXPECT_EQ(internal::FromTimestamp(stamp), moment);
}

TEST(Codec, MomentsBeforeTheEpochKeepNonNegativeNanos) {
  google::protobuf::Timestamp stamp = internal::ToTimestamp(At(-1, 500));
  EXPECT_EQ(stamp.seconds(), -1);
  EXPECT_EQ(stamp.nanos(), 500);
  EXPECT_EQ(internal::FromTimestamp(stamp), At(-1, 500));
}

}  // namespace
}  // namespace durabletask
