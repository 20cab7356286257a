// Entity operations: request and response mapping, the clean-up loop, and the guard that
// keeps them off unless entity support is enabled.
//
// Microsoft's sidecar serves none of SignalEntity, GetEntity, QueryEntities and
// CleanEntityStorage to clients; this fake is what proves their request mapping.
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "client/codec.h"
#include "test_support.h"

namespace durabletask {
namespace {

using ::testing::HasSubstr;
using unit::At;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::Reply;
using unit::Stamp;

class Entities : public unit::FakeClientTest {};

TEST_F(Entities, SignalSendsIdOperationInputScheduledTimeAndRequestId) {
  SignalEntityOptions signal;
  signal.input = "5";
  signal.scheduled_time = At(1800000000, 42);
  signal.request_id = "req-1";
  TimePoint before = Clock::now();
  ASSERT_THAT(client_->SignalEntity("@counter@c1", "add", signal), IsOk());
  TimePoint after = Clock::now();

  auto request = fake_.LastCall("SignalEntity").As<::SignalEntityRequest>();
  EXPECT_EQ(request.instance_id(), "@counter@c1");
  EXPECT_EQ(request.name(), "add");
  ASSERT_TRUE(request.has_input());
  EXPECT_EQ(request.input().value(), "5");
  EXPECT_EQ(request.request_id(), "req-1");
  ASSERT_TRUE(request.has_scheduled_time());
  EXPECT_EQ(request.scheduled_time().seconds(), 1800000000);
  EXPECT_EQ(request.scheduled_time().nanos(), 42);
  ASSERT_TRUE(request.has_request_time());
  TimePoint sent_at = internal::FromTimestamp(request.request_time());
  EXPECT_GE(sent_at, before - std::chrono::milliseconds(1));
  EXPECT_LE(sent_at, after + std::chrono::milliseconds(1));
}

TEST_F(Entities, SignalWithoutOptionsSendsAFreshRequestIdAndNothingElse) {
  ASSERT_THAT(client_->SignalEntity("@counter@c1", "reset"), IsOk());
  ASSERT_THAT(client_->SignalEntity("@counter@c1", "reset"), IsOk());

  auto requests = fake_.Requests<::SignalEntityRequest>("SignalEntity");
  ASSERT_EQ(requests.size(), 2u);
  static const std::regex kShape("^[0-9a-f]{32}$");
  EXPECT_TRUE(std::regex_match(requests[0].request_id(), kShape)) << requests[0].request_id();
  EXPECT_NE(requests[0].request_id(), requests[1].request_id());
  EXPECT_FALSE(requests[0].has_input());
  EXPECT_FALSE(requests[0].has_scheduled_time());
}

TEST_F(Entities, GetEntitySendsIncludeStateAndMapsTheAnswer) {
  ::GetEntityResponse answer;
  answer.set_exists(true);
  auto* entity = answer.mutable_entity();
  entity->set_instance_id("@counter@c1");
  *entity->mutable_last_modified_time() = Stamp(1700000000, 7);
  entity->set_backlog_queue_size(3);
  entity->mutable_locked_by()->set_value("orchestration-9");
  entity->mutable_serialized_state()->set_value("17");
  fake_.Enqueue("GetEntity", Reply::With(answer));

  Result<std::optional<EntityMetadata>> result = client_->GetEntity("@counter@c1", true);
  ASSERT_THAT(result, IsOk());
  ASSERT_TRUE(result->has_value());
  const EntityMetadata& metadata = **result;
  EXPECT_EQ(metadata.instance_id, "@counter@c1");
  EXPECT_EQ(metadata.last_modified_at, At(1700000000, 7));
  EXPECT_EQ(metadata.backlog_queue_size, 3);
  EXPECT_EQ(metadata.locked_by, std::optional<std::string>("orchestration-9"));
  EXPECT_EQ(metadata.state, std::optional<std::string>("17"));

  auto request = fake_.LastCall("GetEntity").As<::GetEntityRequest>();
  EXPECT_EQ(request.instance_id(), "@counter@c1");
  EXPECT_TRUE(request.include_state());

  ASSERT_THAT(client_->GetEntity("@counter@c2"), IsOk());
  EXPECT_FALSE(fake_.LastCall("GetEntity").As<::GetEntityRequest>().include_state());
}

TEST_F(Entities, MissingEntityIsNulloptNotAnError) {
  ::GetEntityResponse answer;
  answer.set_exists(false);
  fake_.Enqueue("GetEntity", Reply::With(answer));
  Result<std::optional<EntityMetadata>> result = client_->GetEntity("@counter@none");
  ASSERT_THAT(result, IsOk());
  EXPECT_FALSE(result->has_value());
}

TEST_F(Entities, QueryEntitiesSendsEveryFilterAndMapsThePage) {
  ::QueryEntitiesResponse answer;
  answer.add_entities()->set_instance_id("@counter@a");
  answer.add_entities()->set_instance_id("@counter@b");
  answer.mutable_continuation_token()->set_value("more");
  fake_.Enqueue("QueryEntities", Reply::With(answer));

  EntityQuery query;
  query.instance_id_starts_with = "@counter@";
  query.last_modified_from = At(1600000000, 1);
  query.last_modified_to = At(1600000001, 2);
  query.include_state = true;
  query.include_transient = true;
  query.page_size = 50;
  query.continuation_token = "start";
  Result<Page<EntityMetadata>> page = client_->QueryEntitiesPage(query);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[1].instance_id, "@counter@b");
  EXPECT_EQ(page->continuation_token, std::optional<std::string>("more"));

  auto sent = fake_.LastCall("QueryEntities").As<::QueryEntitiesRequest>().query();
  EXPECT_EQ(sent.instance_id_starts_with().value(), "@counter@");
  EXPECT_EQ(sent.last_modified_from().seconds(), 1600000000);
  EXPECT_EQ(sent.last_modified_from().nanos(), 1);
  EXPECT_EQ(sent.last_modified_to().seconds(), 1600000001);
  EXPECT_EQ(sent.last_modified_to().nanos(), 2);
  EXPECT_TRUE(sent.include_state());
  EXPECT_TRUE(sent.include_transient());
  ASSERT_TRUE(sent.has_page_size());
  EXPECT_EQ(sent.page_size().value(), 50);
  EXPECT_EQ(sent.continuation_token().value(), "start");
}

TEST_F(Entities, QueryEntitiesLeavesUnsetFiltersOut) {
  ASSERT_THAT(client_->QueryEntitiesPage(EntityQuery{}), IsOk());
  auto sent = fake_.LastCall("QueryEntities").As<::QueryEntitiesRequest>().query();
  EXPECT_FALSE(sent.has_instance_id_starts_with());
  EXPECT_FALSE(sent.has_last_modified_from());
  EXPECT_FALSE(sent.has_last_modified_to());
  EXPECT_FALSE(sent.has_page_size());
  EXPECT_FALSE(sent.has_continuation_token());
  EXPECT_FALSE(sent.include_state());
  EXPECT_FALSE(sent.include_transient());
}

void ScriptThreeCleanRounds(FakeSidecar& fake) {
  ::CleanEntityStorageResponse first;
  first.mutable_continuation_token()->set_value("c2");
  first.set_empty_entities_removed(1);
  first.set_orphaned_locks_released(2);
  ::CleanEntityStorageResponse second;
  second.mutable_continuation_token()->set_value("c3");
  second.set_empty_entities_removed(3);
  second.set_orphaned_locks_released(4);
  ::CleanEntityStorageResponse last;
  last.set_empty_entities_removed(5);
  last.set_orphaned_locks_released(6);
  fake.Enqueue("CleanEntityStorage", Reply::With(first));
  fake.Enqueue("CleanEntityStorage", Reply::With(second));
  fake.Enqueue("CleanEntityStorage", Reply::With(last));
}

void ExpectThreeCleanRequests(const FakeSidecar& fake, bool remove_empty, bool release_locks) {
  auto requests = fake.Requests<::CleanEntityStorageRequest>("CleanEntityStorage");
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_FALSE(requests[0].has_continuation_token());
  EXPECT_EQ(requests[1].continuation_token().value(), "c2");
  EXPECT_EQ(requests[2].continuation_token().value(), "c3");
  for (const auto& request : requests) {
    EXPECT_EQ(request.remove_empty_entities(), remove_empty);
    EXPECT_EQ(request.release_orphaned_locks(), release_locks);
  }
}

TEST_F(Entities, CleanStorageFollowsContinuationTokensAndSumsTheRounds) {
  ScriptThreeCleanRounds(fake_);
  CleanEntityStorageOptions clean;
  clean.remove_empty_entities = true;
  clean.release_orphaned_locks = false;

  Result<CleanEntityStorageResult> totals = client_->CleanEntityStorage(clean);
  ASSERT_THAT(totals, IsOk());
  EXPECT_EQ(totals->empty_entities_removed, 9);
  EXPECT_EQ(totals->orphaned_locks_released, 12);
  ExpectThreeCleanRequests(fake_, true, false);
}

TEST_F(Entities, AsyncCleanStorageFollowsContinuationTokensAndSumsTheRounds) {
  ScriptThreeCleanRounds(fake_);
  CleanEntityStorageOptions clean;
  clean.remove_empty_entities = false;
  clean.release_orphaned_locks = true;

  unit::Probe<Result<CleanEntityStorageResult>> probe;
  client_->CleanEntityStorageAsync(clean, {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  Result<CleanEntityStorageResult> totals = probe.value();
  ASSERT_THAT(totals, IsOk());
  EXPECT_EQ(totals->empty_entities_removed, 9);
  EXPECT_EQ(totals->orphaned_locks_released, 12);
  ExpectThreeCleanRequests(fake_, false, true);
  client_.reset();
  EXPECT_EQ(probe.count(), 1);
}

TEST_F(Entities, CleanStorageStopsAtTheFirstFailedRound) {
  ::CleanEntityStorageResponse first;
  first.mutable_continuation_token()->set_value("c2");
  first.set_empty_entities_removed(1);
  fake_.Enqueue("CleanEntityStorage", Reply::With(first));
  fake_.Enqueue("CleanEntityStorage", Reply::Fail(grpc::StatusCode::INTERNAL));

  EXPECT_THAT(client_->CleanEntityStorage(), HasCode(StatusCode::kInternal));
  EXPECT_EQ(fake_.CallCount("CleanEntityStorage"), 2);
}

TEST_F(Entities, AsyncCleanStorageStopsAtTheFirstFailedRound) {
  ::CleanEntityStorageResponse first;
  first.mutable_continuation_token()->set_value("c2");
  fake_.Enqueue("CleanEntityStorage", Reply::With(first));
  fake_.Enqueue("CleanEntityStorage", Reply::Fail(grpc::StatusCode::ABORTED));

  unit::Probe<Result<CleanEntityStorageResult>> probe;
  client_->CleanEntityStorageAsync({}, {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kAborted));
  EXPECT_EQ(fake_.CallCount("CleanEntityStorage"), 2);
}

TEST_F(Entities, MalformedEntityIdsAreRejectedBeforeSending) {
  const std::vector<std::string> malformed = {"counter@c1", "@counter", "@@key", "@", "plain"};
  for (const std::string& id : malformed) {
    SCOPED_TRACE(id);
    Status status = client_->SignalEntity(id, "add");
    EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
    EXPECT_THAT(status.message(), HasSubstr("@name@key"));
    EXPECT_THAT(client_->GetEntity(id), HasCode(StatusCode::kInvalidArgument));
  }
  Status empty = client_->SignalEntity("", "add");
  EXPECT_THAT(empty, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(empty.message(), HasSubstr("entity instance id"));
  EXPECT_THAT(client_->SignalEntity("@counter@c1", ""), HasCode(StatusCode::kInvalidArgument));
  EXPECT_EQ(fake_.CallCount(), 0);
}

TEST(EntitiesDisabled, EveryEntityOperationFailsWithFailedPreconditionAndSendsNothing) {
  FakeSidecar fake;
  std::unique_ptr<Client> client = unit::MakeClient(unit::FakeOptions(fake));
  ASSERT_NE(client, nullptr);

  Status signal = client->SignalEntity("@counter@c1", "add");
  EXPECT_THAT(signal, HasCode(StatusCode::kFailedPrecondition));
  EXPECT_THAT(signal.message(), HasSubstr("enable_entity_support"));
  EXPECT_THAT(client->GetEntity("@counter@c1"), HasCode(StatusCode::kFailedPrecondition));
  EXPECT_THAT(client->QueryEntitiesPage(EntityQuery{}), HasCode(StatusCode::kFailedPrecondition));
  EXPECT_THAT(client->QueryEntities(EntityQuery{}).Next(),
              HasCode(StatusCode::kFailedPrecondition));
  EXPECT_THAT(client->CleanEntityStorage(), HasCode(StatusCode::kFailedPrecondition));

  unit::StatusProbe signal_async;
  client->SignalEntityAsync("@counter@c1", "add", {}, {}, signal_async.Callback());
  unit::Probe<Result<CleanEntityStorageResult>> clean_async;
  client->CleanEntityStorageAsync({}, {}, clean_async.Callback());
  ASSERT_TRUE(signal_async.Wait());
  ASSERT_TRUE(clean_async.Wait());
  EXPECT_THAT(signal_async.value(), HasCode(StatusCode::kFailedPrecondition));
  EXPECT_THAT(clean_async.value(), HasCode(StatusCode::kFailedPrecondition));

  EXPECT_EQ(fake.CallCount(), 0);
}

}  // namespace
}  // namespace durabletask
