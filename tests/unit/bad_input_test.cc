// Input the library refuses before sending anything: empty, over-long or non-UTF-8 names,
// oversize payloads, and misplaced entity ids.
#include <string>

#include "test_support.h"

namespace durabletask {
namespace {

using ::testing::HasSubstr;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;

const std::string kInvalidUtf8 = "bad\xC3\x28";

class BadInput : public unit::FakeClientTest {
 protected:
  void TearDown() override { EXPECT_EQ(fake_.CallCount(), expected_calls_); }

  static void ExpectInvalid(const Status& status, const std::string& names) {
    EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
    EXPECT_THAT(status.message(), HasSubstr(names));
  }

  int expected_calls_ = 0;
};

TEST_F(BadInput, EmptyInstanceIdIsRejectedNamingTheField) {
  ExpectInvalid(client_->GetInstance("").status(), "instance id");
  ExpectInvalid(client_->WaitForInstanceStart("").status(), "instance id");
  ExpectInvalid(client_->WaitForInstanceCompletion("").status(), "instance id");
  ExpectInvalid(client_->RaiseEvent("", "e"), "instance id");
  ExpectInvalid(client_->Terminate(""), "instance id");
  ExpectInvalid(client_->Suspend(""), "instance id");
  ExpectInvalid(client_->Resume(""), "instance id");
  ExpectInvalid(client_->PurgeInstance("").status(), "instance id");
  ExpectInvalid(client_->RestartInstance("").status(), "instance id");
  ExpectInvalid(client_->RewindInstance(""), "instance id");
  ExpectInvalid(client_->GetHistory("").status(), "instance id");
  ExpectInvalid(client_->StreamHistory("").status(), "instance id");
}

TEST_F(BadInput, EmptyEventNameIsRejectedNamingTheField) {
  ExpectInvalid(client_->RaiseEvent("i", ""), "event name");
}

TEST_F(BadInput, EmptyOrchestrationNameIsRejectedNamingTheField) {
  StartOrchestrationOptions start;
  ExpectInvalid(client_->ScheduleNewOrchestration(start).status(), "orchestration name");
}

TEST_F(BadInput, NamesLongerThan1024BytesAreRejectedNamingTheLimit) {
  const std::string too_long(1025, 'n');
  Status status = client_->RaiseEvent(too_long, "e");
  ExpectInvalid(status, "instance id");
  EXPECT_THAT(status.message(), HasSubstr("1025"));
  EXPECT_THAT(status.message(), HasSubstr("1024"));
  ExpectInvalid(client_->RaiseEvent("i", too_long), "event name");
  StartOrchestrationOptions start;
  start.name = too_long;
  ExpectInvalid(client_->ScheduleNewOrchestration(start).status(), "orchestration name");
  start.name = "ok";
  start.instance_id = too_long;
  ExpectInvalid(client_->ScheduleNewOrchestration(start).status(), "instance id");
  ExpectInvalid(client_->SignalEntity("@e@k", too_long), "operation name");
}

TEST_F(BadInput, NamesOfExactly1024BytesAreSent) {
  const std::string longest(1024, 'n');
  EXPECT_THAT(client_->RaiseEvent(longest, longest), IsOk());
  expected_calls_ = 1;
}

TEST_F(BadInput, InvalidUtf8IsRejectedInIdsNamesAndPayloads) {
  ExpectInvalid(client_->GetInstance(kInvalidUtf8).status(), "UTF-8");
  ExpectInvalid(client_->RaiseEvent(kInvalidUtf8, "e"), "instance id");
  ExpectInvalid(client_->RaiseEvent("i", kInvalidUtf8), "event name");
  ExpectInvalid(client_->RaiseEvent("i", "e", kInvalidUtf8), "event payload");
  ExpectInvalid(client_->Suspend("i", kInvalidUtf8), "reason");
  ExpectInvalid(client_->RewindInstance("i", kInvalidUtf8), "reason");

  StartOrchestrationOptions start;
  start.name = kInvalidUtf8;
  ExpectInvalid(client_->ScheduleNewOrchestration(start).status(), "orchestration name");
  start.name = "ok";
  start.input = kInvalidUtf8;
  ExpectInvalid(client_->ScheduleNewOrchestration(start).status(), "input");
  start.input.reset();
  start.version = kInvalidUtf8;
  ExpectInvalid(client_->ScheduleNewOrchestration(start).status(), "version");
  start.version.clear();
  start.tags = {{"k", kInvalidUtf8}};
  ExpectInvalid(client_->ScheduleNewOrchestration(start).status(), "tag value");
  start.tags = {{kInvalidUtf8, "v"}};
  ExpectInvalid(client_->ScheduleNewOrchestration(start).status(), "tag name");

  TerminateOptions terminate;
  terminate.output = kInvalidUtf8;
  ExpectInvalid(client_->Terminate("i", terminate), "output");

  InstanceQuery query;
  query.instance_id_prefix = kInvalidUtf8;
  ExpectInvalid(client_->QueryInstancesPage(query).status(), "instance id prefix");

  SignalEntityOptions signal;
  signal.input = kInvalidUtf8;
  ExpectInvalid(client_->SignalEntity("@e@k", "op", signal), "signal input");
}

TEST_F(BadInput, InstanceIdsStartingWithTheEntityMarkerCannotBeStarted) {
  StartOrchestrationOptions start;
  start.name = "N";
  start.instance_id = "@counter@c1";
  ExpectInvalid(client_->ScheduleNewOrchestration(start).status(), "reserved for entities");
}

TEST_F(BadInput, NegativePageSizeIsRejected) {
  InstanceQuery query;
  query.page_size = -1;
  ExpectInvalid(client_->QueryInstancesPage(query).status(), "page size");
  InstanceIdQuery ids;
  ids.page_size = -5;
  ExpectInvalid(client_->ListInstanceIdsPage(ids).status(), "page size");
  EntityQuery entities;
  entities.page_size = -1;
  ExpectInvalid(client_->QueryEntitiesPage(entities).status(), "page size");
}

TEST(OversizePayload, PayloadOverTheConfiguredSendLimitIsRejectedNamingTheLimit) {
  FakeSidecar fake;
  ClientOptions options = unit::FakeOptions(fake);
  options.max_send_message_size = 1000;
  options.enable_entity_support = true;
  std::unique_ptr<Client> client = unit::MakeClient(options);
  ASSERT_NE(client, nullptr);
  const std::string oversize(1001, 'x');

  Status status = client->RaiseEvent("i", "e", oversize);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("limit of 1000 bytes"));
  EXPECT_THAT(status.message(), HasSubstr("max_send_message_size"));

  StartOrchestrationOptions start;
  start.name = "N";
  start.input = oversize;
  EXPECT_THAT(client->ScheduleNewOrchestration(start), HasCode(StatusCode::kInvalidArgument));
  TerminateOptions terminate;
  terminate.output = oversize;
  EXPECT_THAT(client->Terminate("i", terminate), HasCode(StatusCode::kInvalidArgument));
  SignalEntityOptions signal;
  signal.input = oversize;
  EXPECT_THAT(client->SignalEntity("@e@k", "op", signal), HasCode(StatusCode::kInvalidArgument));
  EXPECT_EQ(fake.CallCount(), 0);

  EXPECT_THAT(client->RaiseEvent("i", "e", std::string(900, 'x')), IsOk());
}

TEST(OversizePayload, DefaultLimitIsFourMebibytes) {
  FakeSidecar fake;
  std::unique_ptr<Client> client = unit::MakeClient(unit::FakeOptions(fake));
  ASSERT_NE(client, nullptr);

  Status status = client->RaiseEvent("i", "e", std::string(4 * 1024 * 1024 + 1, 'x'));
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("limit of 4194304 bytes"));
  EXPECT_EQ(fake.CallCount(), 0);
}

}  // namespace
}  // namespace durabletask
