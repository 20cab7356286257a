// How a server's error status reaches the caller: same code, a message naming the RPC,
// the instance and the task hub, and never a payload.
#include <string>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using unit::FakeSidecar;
using unit::HasCode;
using unit::Reply;

const char kPayload[] = "{\"card\":\"4111-1111-1111-1111\"}";

class ErrorMapping : public ::testing::TestWithParam<grpc::StatusCode> {
 protected:
  void SetUp() override {
    ClientOptions options = unit::FakeOptions(fake_);
    options.task_hub = "orders";
    // One attempt: this suite is about mapping, not about retrying UNAVAILABLE.
    options.retry.max_attempts = 1;
    client_ = unit::MakeClient(options);
    ASSERT_NE(client_, nullptr);
  }

  FakeSidecar fake_;
  std::unique_ptr<Client> client_;
};

TEST_P(ErrorMapping, ServerCodeMapsToTheSameStatusCode) {
  grpc::StatusCode code = GetParam();
  fake_.Enqueue("RaiseEvent", Reply::Fail(code, "server says no"));

  Status status = client_->RaiseEvent("inst-9", "Approved", std::string(kPayload));

  EXPECT_EQ(static_cast<int>(status.code()), static_cast<int>(code));
  EXPECT_THAT(status.message(), HasSubstr("RaiseEvent"));
  EXPECT_THAT(status.message(), HasSubstr("instance 'inst-9'"));
  EXPECT_THAT(status.message(), HasSubstr("task hub 'orders'"));
  EXPECT_THAT(status.message(), HasSubstr("server says no"));
  EXPECT_THAT(status.message(), Not(HasSubstr("4111")));
  EXPECT_EQ(fake_.CallCount("RaiseEvent"), 1);
}

INSTANTIATE_TEST_SUITE_P(
    EveryGrpcErrorCode, ErrorMapping,
    ::testing::Values(grpc::StatusCode::CANCELLED, grpc::StatusCode::UNKNOWN,
                      grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::DEADLINE_EXCEEDED,
                      grpc::StatusCode::NOT_FOUND, grpc::StatusCode::ALREADY_EXISTS,
                      grpc::StatusCode::PERMISSION_DENIED, grpc::StatusCode::RESOURCE_EXHAUSTED,
                      grpc::StatusCode::FAILED_PRECONDITION, grpc::StatusCode::ABORTED,
                      grpc::StatusCode::OUT_OF_RANGE, grpc::StatusCode::UNIMPLEMENTED,
                      grpc::StatusCode::INTERNAL, grpc::StatusCode::UNAVAILABLE,
                      grpc::StatusCode::DATA_LOSS, grpc::StatusCode::UNAUTHENTICATED));

class ErrorMessages : public ::testing::Test {
 protected:
  void SetUp() override {
    ClientOptions options = unit::FakeOptions(fake_);
    options.task_hub = "orders";
    options.enable_entity_support = true;
    client_ = unit::MakeClient(options);
    ASSERT_NE(client_, nullptr);
    fake_.SetDefault("StartInstance", Reply::Fail(grpc::StatusCode::ALREADY_EXISTS, ""));
    fake_.SetDefault("TerminateInstance", Reply::Fail(grpc::StatusCode::NOT_FOUND, ""));
    fake_.SetDefault("SignalEntity", Reply::Fail(grpc::StatusCode::NOT_FOUND, ""));
    fake_.SetDefault("QueryInstances", Reply::Fail(grpc::StatusCode::INTERNAL, ""));
  }

  FakeSidecar fake_;
  std::unique_ptr<Client> client_;
};

TEST_F(ErrorMessages, StartFailureNamesOrchestrationInstanceAndHubButNotTheInput) {
  StartOrchestrationOptions start;
  start.name = "ProcessOrder";
  start.instance_id = "order-1";
  start.input = kPayload;
  Result<std::string> id = client_->ScheduleNewOrchestration(start);
  EXPECT_THAT(id, HasCode(StatusCode::kAlreadyExists));
  EXPECT_EQ(id.status().message(),
            "StartInstance failed for orchestration 'ProcessOrder' with instance 'order-1' in "
            "task hub 'orders'");
}

TEST_F(ErrorMessages, TerminateFailureNamesInstanceButNotTheOutput) {
  TerminateOptions terminate;
  terminate.output = kPayload;
  Status status = client_->Terminate("t-1", terminate);
  EXPECT_THAT(status, HasCode(StatusCode::kNotFound));
  EXPECT_THAT(status.message(), HasSubstr("TerminateInstance"));
  EXPECT_THAT(status.message(), HasSubstr("instance 't-1'"));
  EXPECT_THAT(status.message(), Not(HasSubstr("4111")));
}

TEST_F(ErrorMessages, EntityFailureNamesOperationAndEntityButNotTheInput) {
  SignalEntityOptions signal;
  signal.input = kPayload;
  Status status = client_->SignalEntity("@counter@c1", "add", signal);
  EXPECT_THAT(status, HasCode(StatusCode::kNotFound));
  EXPECT_THAT(status.message(), HasSubstr("SignalEntity"));
  EXPECT_THAT(status.message(), HasSubstr("operation 'add'"));
  EXPECT_THAT(status.message(), HasSubstr("entity '@counter@c1'"));
  EXPECT_THAT(status.message(), Not(HasSubstr("4111")));
}

TEST_F(ErrorMessages, QueryFailureSaysWhatKindOfCallFailed) {
  Result<Page<OrchestrationMetadata>> page = client_->QueryInstancesPage(InstanceQuery{});
  EXPECT_THAT(page, HasCode(StatusCode::kInternal));
  EXPECT_THAT(page.status().message(), HasSubstr("QueryInstances failed for an instance query"));
}

TEST(ErrorMapping, UnconfiguredFactoryReportsNotConfiguredByName) {
  Result<std::shared_ptr<ClientFactory>> factory = ClientFactoryBuilder().BuildFactory();
  ASSERT_TRUE(factory.ok());
  Result<std::unique_ptr<Client>> client = (*factory)->CreateClient("x");
  EXPECT_THAT(client, HasCode(StatusCode::kNotConfigured));
  EXPECT_EQ(client.status().ToString().rfind("not_configured: ", 0), 0u);
}

}  // namespace
}  // namespace durabletask
